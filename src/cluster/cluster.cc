#include "cluster/cluster.h"

#include <algorithm>

#include "base/parallel.h"
#include "shingle/shingle.h"

namespace neardup {

std::vector<SimilarPair> VerifyCandidates(
    absl::Span<const std::pair<uint32_t, uint32_t>> candidates,
    absl::Span<const ShingleSet> sets, double threshold, int threads) {
  std::vector<double> similarity(candidates.size());
  ParallelFor(candidates.size(), threads, [&](size_t i) {
    similarity[i] = JaccardIfAtLeast(sets[candidates[i].first],
                                     sets[candidates[i].second], threshold);
  });
  std::vector<SimilarPair> verified;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (similarity[i] >= threshold) {
      verified.push_back(SimilarPair{candidates[i].first, candidates[i].second,
                                     similarity[i]});
    }
  }
  return verified;
}

std::vector<std::vector<uint32_t>> ClusterWithoutChaining(
    absl::Span<const ShingleSet> sets, absl::Span<const SimilarPair> edges,
    double threshold) {
  struct Neighbour {
    uint32_t item;
    double similarity;
  };
  const size_t n = sets.size();
  std::vector<std::vector<Neighbour>> adjacency(n);
  std::vector<double> strength(n, 0.0);
  for (const SimilarPair& e : edges) {
    adjacency[e.a].push_back({e.b, e.similarity});
    adjacency[e.b].push_back({e.a, e.similarity});
    strength[e.a] += e.similarity;
    strength[e.b] += e.similarity;
  }
  for (std::vector<Neighbour>& list : adjacency) {
    std::sort(
        list.begin(), list.end(), [](const Neighbour& x, const Neighbour& y) {
          return x.similarity != y.similarity ? x.similarity > y.similarity
                                              : x.item < y.item;
        });
  }
  std::vector<uint32_t> order;
  for (uint32_t i = 0; i < n; ++i) {
    if (!adjacency[i].empty()) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    if (adjacency[x].size() != adjacency[y].size()) {
      return adjacency[x].size() > adjacency[y].size();
    }
    if (strength[x] != strength[y]) return strength[x] > strength[y];
    return x < y;
  });

  constexpr int32_t kNone = -1;
  std::vector<int32_t> assigned(n, kNone);
  std::vector<std::vector<uint32_t>> clusters;
  auto similar_to_all = [&](uint32_t item, const std::vector<uint32_t>& members,
                            uint32_t known_similar) {
    for (const uint32_t m : members) {
      if (m != known_similar &&
          JaccardIfAtLeast(sets[item], sets[m], threshold) < threshold) {
        return false;
      }
    }
    return true;
  };
  for (const uint32_t seed : order) {
    if (assigned[seed] != kNone) continue;
    std::vector<uint32_t> members = {seed};
    for (const Neighbour& nb : adjacency[seed]) {
      if (assigned[nb.item] == kNone &&
          similar_to_all(nb.item, members, seed)) {
        members.push_back(nb.item);
      }
    }
    if (members.size() >= 2) {
      const int32_t id = static_cast<int32_t>(clusters.size());
      for (const uint32_t m : members) assigned[m] = id;
      clusters.push_back(std::move(members));
      continue;
    }
    for (const Neighbour& nb : adjacency[seed]) {
      const int32_t id = assigned[nb.item];
      if (id != kNone && similar_to_all(seed, clusters[id], nb.item)) {
        assigned[seed] = id;
        clusters[id].push_back(seed);
        break;
      }
    }
  }
  for (std::vector<uint32_t>& members : clusters) {
    std::sort(members.begin(), members.end());
  }
  std::sort(clusters.begin(), clusters.end(),
            [](const std::vector<uint32_t>& x, const std::vector<uint32_t>& y) {
              return x.front() < y.front();
            });
  return clusters;
}

}  // namespace neardup
