// engine/fingerprint.h: the per-document stage of the pipeline: normalize,
// segment and shingle one document at both levels.
//
// Why: this is the embarrassingly parallel part of a run (one call per
// document, no shared state) and the unit a streaming or distributed runner
// hands out; everything after it works on fingerprints, not text.
//
// Shingles come as hashes in text order, repeats kept: all that signing
// needs. A caller that computes exact Jaccard makes sets of the ones it
// compares (MakeShingleSet(), or MakeShingleSets() for a whole fingerprint):
// a scan verifies only the texts LSH pairs, a small share of them.
//
// All passages' shingles lie in one array, each passage a range of it: one
// allocation per document rather than one per sentence (10^6 mallocs and
// frees on a season of front pages).
//
// Example:
//   DocumentFingerprint fp = FingerprintDocument(doc.text, options);
//   hasher.SignInto(fp.shingles, signature);
//   MakeShingleSets(fp);
//   for (const PassageFingerprint& p : fp.passages) {
//     ... Jaccard(fp.ShinglesOf(p), ...) ...
//   }
//
// Thread safety: a pure function.

#ifndef NEARDUP_ENGINE_FINGERPRINT_H_
#define NEARDUP_ENGINE_FINGERPRINT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/options.h"

namespace neardup {

// A sentence of a NormalizedDocument.
struct NormalizedPassage {
  uint32_t start = 0;  // bytes of the original document text
  uint32_t end = 0;
  // Where its normalized text lies in NormalizedDocument::text (TextOf()).
  uint32_t normalized_begin = 0;
  uint32_t normalized_length = 0;
  uint32_t words = 0;      // tokens after normalization
  uint64_t exact_key = 0;  // Hash64 of the normalized passage
};

// A document normalized and cut into sentences: all of a fingerprint but
// the shingles, which can be made from it at any time.
struct NormalizedDocument {
  // The normalized text (a message header block left out, see
  // FingerprintDocument()).
  std::string text;
  uint64_t exact_key = 0;  // Hash64(text)
  // Sentences with at least one token; empty unless the passage level runs.
  std::vector<NormalizedPassage> passages;

  absl::string_view TextOf(const NormalizedPassage& p) const {
    return absl::string_view(text).substr(p.normalized_begin,
                                          p.normalized_length);
  }
};

// NormalizeDocument()
//
// The first half of FingerprintDocument(): normalized text, sentences and
// exact keys, no shingles. For a caller that keeps many documents until it
// knows which it compares: a normalized text takes a byte per character
// where its shingle hashes take 8 per n-gram (the in-memory scan keeps the
// text and shingles it again to sign and to verify).
NormalizedDocument NormalizeDocument(absl::string_view text,
                                     const EngineOptions& options);

// A sentence of a DocumentFingerprint: the NormalizedPassage (whose
// normalized text the fingerprint does not keep) and its shingles.
struct PassageFingerprint : NormalizedPassage {
  // Where its shingle hashes (ShingleHashes()) lie in
  // DocumentFingerprint::passage_shingles; none below
  // options.min_passage_words.
  uint32_t shingles_begin = 0;
  uint32_t shingle_count = 0;
};

struct DocumentFingerprint {
  uint32_t normalized_length = 0;
  uint64_t exact_key = 0;
  // Shingle hashes in text order; empty unless the document level runs.
  std::vector<uint64_t> shingles;
  // Sentences with at least one token; empty unless the passage level runs.
  std::vector<PassageFingerprint> passages;
  // The passages' shingle hashes, one passage after another.
  std::vector<uint64_t> passage_shingles;

  absl::Span<const uint64_t> ShinglesOf(const PassageFingerprint& p) const {
    return absl::MakeConstSpan(passage_shingles)
        .subspan(p.shingles_begin, p.shingle_count);
  }
};

// FingerprintDocument()
//
// Fingerprints `text` (valid UTF-8) at the levels `options` enables. With
// options.skip_headers, a leading message header block is left out: it
// counts toward no shingle, passage or length.
// O(|text|).
DocumentFingerprint FingerprintDocument(absl::string_view text,
                                        const EngineOptions& options);

// MakeShingleSets()
//
// Makes every shingle list of `fp` (the document's and each passage's) a
// sorted, duplicate-free set, as Jaccard() takes.
void MakeShingleSets(DocumentFingerprint& fp);

}  // namespace neardup

#endif  // NEARDUP_ENGINE_FINGERPRINT_H_
