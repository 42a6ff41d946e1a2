#include "engine/fingerprint.h"

#include <algorithm>

#include "base/hash.h"
#include "normalize/normalize.h"
#include "segment/segment.h"
#include "shingle/shingle.h"

namespace neardup {

NormalizedDocument NormalizeDocument(absl::string_view document,
                                     const EngineOptions& options) {
  NormalizedDocument result;
  const size_t body = options.skip_headers ? MessageHeaderEnd(document) : 0;
  const absl::string_view text = document.substr(body);
  if (!options.passages()) {
    // No passage to map back to the input: no offset map.
    result.text = NormalizeText(text);
    result.exact_key = Hash64(result.text);
    return result;
  }
  NormalizedText normalized = Normalize(text);
  result.exact_key = Hash64(normalized.text);
  for (const Segment& segment : SplitSentences(text)) {
    const TextRange range =
        NormalizedRange(normalized, segment.start, segment.end);
    if (range.begin == range.end) continue;
    const absl::string_view passage =
        absl::string_view(normalized.text)
            .substr(range.begin, range.end - range.begin);
    NormalizedPassage p;
    p.start = static_cast<uint32_t>(segment.start + body);
    p.end = static_cast<uint32_t>(segment.end + body);
    p.normalized_begin = static_cast<uint32_t>(range.begin);
    p.normalized_length = static_cast<uint32_t>(passage.size());
    p.words = static_cast<uint32_t>(
        std::count(passage.begin(), passage.end(), ' ') + 1);
    p.exact_key = Hash64(passage);
    result.passages.push_back(p);
  }
  result.text = std::move(normalized.text);
  return result;
}

DocumentFingerprint FingerprintDocument(absl::string_view document,
                                        const EngineOptions& options) {
  const NormalizedDocument normalized = NormalizeDocument(document, options);
  DocumentFingerprint fp;
  fp.normalized_length = static_cast<uint32_t>(normalized.text.size());
  fp.exact_key = normalized.exact_key;
  if (options.documents()) {
    fp.shingles = ShingleHashes(normalized.text, options.document.shingle);
  }
  // No more shingles than normalized bytes, at either unit.
  if (!normalized.passages.empty()) {
    fp.passage_shingles.reserve(normalized.text.size());
  }
  for (const NormalizedPassage& n : normalized.passages) {
    PassageFingerprint p{n};
    p.shingles_begin = static_cast<uint32_t>(fp.passage_shingles.size());
    if (n.words >= static_cast<uint32_t>(options.min_passage_words)) {
      p.shingle_count = static_cast<uint32_t>(AppendShingleHashes(
          normalized.TextOf(n), options.passage.shingle, fp.passage_shingles));
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
