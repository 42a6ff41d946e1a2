// engine/compare.h: what two documents share, passage by passage.
//
// Why: a user checking one suspected copy wants the evidence, not a score:
// which sentences of A reappear in B, how similar each pair is, and how much
// of each document the other contains.
//
// Example:
//   NEARDUP_ASSIGN_OR_RETURN(Comparison c, Compare(a, b, options));
//   for (const SharedPassage& p : c.shared) { ... }
//
// Thread safety: a pure function.

#ifndef NEARDUP_ENGINE_COMPARE_H_
#define NEARDUP_ENGINE_COMPARE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/options.h"
#include "io/reader.h"

namespace neardup {

struct SharedPassage {
  uint32_t a_start = 0, a_end = 0;  // bytes of a.text
  uint32_t b_start = 0, b_end = 0;  // bytes of b.text
  double similarity = 0;            // exact Jaccard of their shingles
};

struct Comparison {
  double jaccard = 0;        // document level, exact
  double containment_a = 0;  // share of a's document shingles found in b
  double containment_b = 0;  // share of b's document shingles found in a
  // Every pair of passages at or above the passage threshold, by a_start
  // then b_start (a passage may match several).
  std::vector<SharedPassage> shared;
};

// Compare()
//
// Exact comparison of `a` and `b` at both levels with `options`' shingles
// and passage threshold (options.level is ignored). O(|a| * |b|) passage
// pairs. kInvalidArgument for invalid `options`.
absl::StatusOr<Comparison> Compare(const Document& a, const Document& b,
                                   const EngineOptions& options);

}  // namespace neardup

#endif  // NEARDUP_ENGINE_COMPARE_H_
