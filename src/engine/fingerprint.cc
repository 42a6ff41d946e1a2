#include "engine/fingerprint.h"

#include <algorithm>

#include "base/hash.h"
#include "normalize/normalize.h"
#include "segment/segment.h"
#include "shingle/shingle.h"

namespace neardup {

DocumentFingerprint FingerprintDocument(absl::string_view document,
                                        const EngineOptions& options) {
  DocumentFingerprint fp;
  const size_t body = options.skip_headers ? MessageHeaderEnd(document) : 0;
  const absl::string_view text = document.substr(body);
  const auto fingerprint_whole = [&](absl::string_view normalized) {
    fp.normalized_length = static_cast<uint32_t>(normalized.size());
    fp.exact_key = Hash64(normalized);
    if (options.documents()) {
      fp.shingles = ShingleHashes(normalized, options.document.shingle);
    }
  };
  if (!options.passages()) {
    // No passage to map back to the input: no offset map.
    fingerprint_whole(NormalizeText(text));
    return fp;
  }
  const NormalizedText normalized = Normalize(text);
  fingerprint_whole(normalized.text);
  // No more shingles than normalized bytes, at either unit.
  fp.passage_shingles.reserve(normalized.text.size());
  for (const Segment& segment : SplitSentences(text)) {
    const TextRange range =
        NormalizedRange(normalized, segment.start, segment.end);
    if (range.begin == range.end) continue;
    const absl::string_view passage =
        absl::string_view(normalized.text)
            .substr(range.begin, range.end - range.begin);
    PassageFingerprint p;
    p.start = static_cast<uint32_t>(segment.start + body);
    p.end = static_cast<uint32_t>(segment.end + body);
    p.words = static_cast<uint32_t>(
        std::count(passage.begin(), passage.end(), ' ') + 1);
    p.normalized_length = static_cast<uint32_t>(passage.size());
    p.exact_key = Hash64(passage);
    p.shingles_begin = static_cast<uint32_t>(fp.passage_shingles.size());
    if (p.words >= static_cast<uint32_t>(options.min_passage_words)) {
      p.shingle_count = static_cast<uint32_t>(AppendShingleHashes(
          passage, options.passage.shingle, fp.passage_shingles));
    }
    fp.passages.push_back(p);
  }
  return fp;
}

void MakeShingleSets(DocumentFingerprint& fp) {
  MakeShingleSet(fp.shingles);
  for (PassageFingerprint& p : fp.passages) {
    p.shingle_count = static_cast<uint32_t>(
        MakeShingleSet(absl::MakeSpan(fp.passage_shingles)
                           .subspan(p.shingles_begin, p.shingle_count))
            .size());
  }
}

}  // namespace neardup
