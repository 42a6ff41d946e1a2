#include "canonical/canonical.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/check.h"

namespace neardup {
namespace {

// Strict weak orders: true when x is preferred to y. Input order (the index)
// breaks every remaining tie.
bool PreferLonger(const CanonicalCandidate& x, const CanonicalCandidate& y) {
  return x.length > y.length;
}
bool PreferEarlier(const CanonicalCandidate& x, const CanonicalCandidate& y) {
  if (x.date.empty() != y.date.empty()) return !x.date.empty();
  if (x.date != y.date) return x.date < y.date;
  return PreferLonger(x, y);
}
bool PreferCentral(const CanonicalCandidate& x, const CanonicalCandidate& y) {
  if (x.centrality != y.centrality) return x.centrality > y.centrality;
  return PreferLonger(x, y);
}

std::string TieNote(bool tied_with_runner_up, absl::string_view criterion) {
  return tied_with_runner_up ? absl::StrCat("; tied on ", criterion,
                                            ", so the first in input order")
                             : "";
}

}  // namespace

absl::StatusOr<CanonicalPolicy> ParseCanonicalPolicy(absl::string_view name) {
  if (name == "longest") return CanonicalPolicy::kLongest;
  if (name == "earliest") return CanonicalPolicy::kEarliest;
  if (name == "central") return CanonicalPolicy::kCentral;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown canonical policy '", name,
                   "': expected longest, earliest or central"));
}

absl::string_view CanonicalPolicyName(CanonicalPolicy policy) {
  switch (policy) {
    case CanonicalPolicy::kLongest:
      return "longest";
    case CanonicalPolicy::kEarliest:
      return "earliest";
    case CanonicalPolicy::kCentral:
      return "central";
  }
  return "longest";
}

CanonicalChoice ChooseCanonical(absl::Span<const CanonicalCandidate> candidates,
                                CanonicalPolicy policy) {
  NEARDUP_CHECK(!candidates.empty());
  auto prefer = policy == CanonicalPolicy::kLongest    ? PreferLonger
                : policy == CanonicalPolicy::kEarliest ? PreferEarlier
                                                       : PreferCentral;
  std::vector<size_t> order(candidates.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    return prefer(candidates[x], candidates[y]);
  });
  const size_t n = candidates.size();
  const CanonicalCandidate& best = candidates[order[0]];
  if (n == 1) return {order[0], "only member"};
  const CanonicalCandidate& runner_up = candidates[order[1]];
  const bool tied = !prefer(best, runner_up);
  std::string reason;
  switch (policy) {
    case CanonicalPolicy::kLongest:
      reason = absl::StrCat("longest of ", n, " members (", best.length,
                            " normalized bytes; next ", runner_up.length, ")",
                            TieNote(tied, "length"));
      break;
    case CanonicalPolicy::kEarliest:
      if (best.date.empty()) {
        reason =
            absl::StrCat("no member of ", n, " has a date, so the longest (",
                         best.length, " normalized bytes; next ",
                         runner_up.length, ")", TieNote(tied, "length"));
      } else {
        reason =
            absl::StrCat("earliest of ", n, " members (", best.date, "; next ",
                         runner_up.date.empty() ? "undated" : runner_up.date,
                         ")", TieNote(tied, "date and length"));
      }
      break;
    case CanonicalPolicy::kCentral:
      reason = absl::StrFormat(
          "most central of %d members (mean similarity %.3f to the others; "
          "next %.3f)%s",
          n, best.centrality, runner_up.centrality,
          TieNote(tied, "centrality and length"));
      break;
  }
  return {order[0], std::move(reason)};
}

}  // namespace neardup
