#include "engine/build_cluster.h"

#include <utility>

namespace neardup {

Cluster BuildCluster(Level level, std::vector<Member> members,
                     absl::Span<const std::string> dates,
                     CanonicalPolicy policy,
                     absl::FunctionRef<double(size_t, size_t)> similarity) {
  const size_t n = members.size();
  std::vector<CanonicalCandidate> candidates(n);
  for (size_t i = 0; i < n; ++i) {
    candidates[i].length = members[i].normalized_length;
    candidates[i].date = dates[i];
  }
  if (policy == CanonicalPolicy::kCentral) {
    for (size_t i = 0; i < n; ++i) {
      double sum = 0;
      for (size_t j = 0; j < n; ++j) {
        if (i != j) sum += similarity(i, j);
      }
      candidates[i].centrality = sum / static_cast<double>(n - 1);
    }
  }
  CanonicalChoice choice = ChooseCanonical(candidates, policy);
  Cluster cluster;
  cluster.level = level;
  cluster.canonical = choice.index;
  cluster.reason = std::move(choice.reason);
  for (size_t i = 0; i < n; ++i) {
    members[i].similarity = similarity(i, choice.index);
  }
  cluster.members = std::move(members);
  return cluster;
}

}  // namespace neardup
