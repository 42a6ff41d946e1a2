// canonical/canonical.h: picks the version of a cluster to keep, and says why.
//
// Why: a cleaned corpus keeps one copy of every cluster, and users must be
// able to audit that choice. Each policy orders members by one criterion and
// breaks ties by the next, always ending in input order, so the choice is
// total and reproducible; the reason names the deciding criterion and the
// runner-up.
//
// Policies:
//   longest  - most bytes after normalization (so ’ and ' weigh the same):
//              a trimmed reprint loses to the full wire copy, and
//              of three wordings of a sentence the fullest survives. Default.
//   earliest - earliest date (ISO-8601 strings compare as text); undated
//              members come after dated ones. Ties: longest, then input order.
//   central  - highest mean similarity to the other members: the most
//              typical version. Ties: longest, then input order.
//
// Example:
//   std::vector<CanonicalCandidate> c = {{120, "2024-09-19", 0.8}, ...};
//   CanonicalChoice choice = ChooseCanonical(c, CanonicalPolicy::kLongest);
//   // choice.reason == "longest of 3 members (120 normalized bytes; ...)"
//
// Thread safety: pure functions.

#ifndef NEARDUP_CANONICAL_CANONICAL_H_
#define NEARDUP_CANONICAL_CANONICAL_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace neardup {

enum class CanonicalPolicy { kLongest, kEarliest, kCentral };

// ParseCanonicalPolicy()
//
// "longest", "earliest" or "central"; kInvalidArgument otherwise.
absl::StatusOr<CanonicalPolicy> ParseCanonicalPolicy(absl::string_view name);

// CanonicalPolicyName()
//
// The inverse of ParseCanonicalPolicy().
absl::string_view CanonicalPolicyName(CanonicalPolicy policy);

// What a policy knows of one member. Members are passed in input order.
struct CanonicalCandidate {
  size_t length = 0;       // bytes of the normalized text
  absl::string_view date;  // empty when unknown; borrowed for the call only
  double centrality = 0;   // mean similarity to the other members
};

struct CanonicalChoice {
  size_t index = 0;    // into the candidates
  std::string reason;  // one sentence a person can check
};

// ChooseCanonical()
//
// The member `policy` prefers, with the reason. `candidates` must not be
// empty. O(k log k) for k candidates.
CanonicalChoice ChooseCanonical(absl::Span<const CanonicalCandidate> candidates,
                                CanonicalPolicy policy);

}  // namespace neardup

#endif  // NEARDUP_CANONICAL_CANONICAL_H_
