// engine/fingerprint.h: the per-document stage of the pipeline: normalize,
// segment and shingle one document at both levels.
//
// Why: this is the embarrassingly parallel part of a run (one call per
// document, no shared state) and the unit a streaming or distributed runner
// hands out; everything after it works on fingerprints, not text.
//
// Example:
//   DocumentFingerprint fp = FingerprintDocument(doc.text, options);
//   for (const PassageFingerprint& p : fp.passages) { ... }
//
// Thread safety: a pure function.

#ifndef NEARDUP_ENGINE_FINGERPRINT_H_
#define NEARDUP_ENGINE_FINGERPRINT_H_

#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "engine/options.h"

namespace neardup {

struct PassageFingerprint {
  uint32_t start = 0;  // bytes of the original document text
  uint32_t end = 0;
  uint32_t words = 0;              // tokens after normalization
  uint32_t normalized_length = 0;  // bytes after normalization
  uint64_t exact_key = 0;          // Hash64 of the normalized passage
  // Shingles (sorted, unique); empty below options.min_passage_words.
  std::vector<uint64_t> shingles;
};

struct DocumentFingerprint {
  uint32_t normalized_length = 0;
  uint64_t exact_key = 0;
  std::vector<uint64_t> shingles;  // empty unless the document level runs
  // Sentences with at least one token; empty unless the passage level runs.
  std::vector<PassageFingerprint> passages;
};

// FingerprintDocument()
//
// Fingerprints `text` (valid UTF-8) at the levels `options` enables. With
// options.skip_headers, a leading message header block is left out: it
// counts toward no shingle, passage or length.
// O(|text|) plus the shingle sorts.
DocumentFingerprint FingerprintDocument(absl::string_view text,
                                        const EngineOptions& options);

}  // namespace neardup

#endif  // NEARDUP_ENGINE_FINGERPRINT_H_
