#include "cluster/cluster.h"

#include <algorithm>
#include <vector>

#include "base/disjoint_sets.h"
#include "base/hash.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "shingle/shingle.h"

namespace neardup {
namespace {

using ::testing::ElementsAre;

std::vector<uint64_t> Range(uint64_t begin, uint64_t end) {
  std::vector<uint64_t> v;
  for (uint64_t i = begin; i < end; ++i) v.push_back(i);
  return v;
}

std::vector<ShingleSet> Views(const std::vector<std::vector<uint64_t>>& sets) {
  return std::vector<ShingleSet>(sets.begin(), sets.end());
}

TEST(VerifyTest, KeepsOnlyPairsAtOrAboveTheThreshold) {
  const std::vector<std::vector<uint64_t>> sets = {Range(0, 10), Range(0, 10),
                                                   Range(5, 15), Range(50, 60)};
  const std::vector<std::pair<uint32_t, uint32_t>> candidates = {
      {0, 1}, {0, 2}, {0, 3}};
  for (const int threads : {1, 3}) {
    const auto verified =
        VerifyCandidates(candidates, Views(sets), 0.3, threads);
    ASSERT_EQ(verified.size(), 2u);  // J(0,2) = 5/15, J(0,3) = 0
    EXPECT_EQ(verified[0].b, 1u);
    EXPECT_DOUBLE_EQ(verified[0].similarity, 1.0);
    EXPECT_EQ(verified[1].b, 2u);
    EXPECT_NEAR(verified[1].similarity, 1.0 / 3.0, 1e-12);
  }
}

// A ≈ B and B ≈ C, but A and C share nothing: connected components would put
// all three together; we must not.
TEST(ClusterTest, DoesNotChainDissimilarItems) {
  const std::vector<std::vector<uint64_t>> sets = {
      Range(0, 10),   // A
      Range(5, 15),   // B: J(A,B) = 1/3
      Range(10, 20),  // C: J(B,C) = 1/3, J(A,C) = 0
  };
  const std::vector<SimilarPair> edges = {{0, 1, 1.0 / 3}, {1, 2, 1.0 / 3}};
  const auto clusters = ClusterWithoutChaining(Views(sets), edges, 0.3);
  ASSERT_EQ(clusters.size(), 1u);
  EXPECT_EQ(clusters[0].size(), 2u);
  for (const auto& cluster : clusters) {
    for (const uint32_t x : cluster) {
      for (const uint32_t y : cluster) {
        if (x != y) {
          EXPECT_GE(Jaccard(sets[x], sets[y]), 0.3);
        }
      }
    }
  }
}

TEST(ClusterTest, LongChainBreaksIntoPairwiseSimilarClusters) {
  std::vector<std::vector<uint64_t>> sets;
  std::vector<SimilarPair> edges;
  for (uint64_t i = 0; i < 20; ++i) sets.push_back(Range(i * 4, i * 4 + 10));
  for (uint32_t i = 0; i + 1 < 20; ++i) {
    edges.push_back({i, i + 1, Jaccard(sets[i], sets[i + 1])});
  }
  const double threshold = edges[0].similarity;  // 6/14
  const auto clusters = ClusterWithoutChaining(Views(sets), edges, threshold);
  EXPECT_GE(clusters.size(), 7u);
  for (const auto& cluster : clusters) {
    EXPECT_LE(cluster.size(), 2u);  // items two apart share only 2 of 18
  }
}

TEST(ClusterTest, CliqueStaysTogetherAndOutputIsOrdered) {
  const std::vector<std::vector<uint64_t>> sets = {
      Range(100, 110), Range(0, 10), Range(0, 9), Range(1, 10),
      Range(100, 109)};
  const std::vector<SimilarPair> edges = {
      {1, 2, 0.9}, {1, 3, 0.9}, {2, 3, 0.8}, {0, 4, 0.9}};
  EXPECT_THAT(ClusterWithoutChaining(Views(sets), edges, 0.7),
              ElementsAre(ElementsAre(0u, 4u), ElementsAre(1u, 2u, 3u)));
}

// Pairs that are edges have a known similarity; only a pair LSH missed (no
// edge) is computed, and it still joins the cluster when similar enough.
TEST(ClusterTest, ComputesSimilarityOnlyForPairsThatAreNotEdges) {
  const std::vector<std::vector<uint64_t>> sets = {Range(0, 10), Range(0, 9),
                                                   Range(1, 10)};
  std::vector<std::pair<uint32_t, uint32_t>> asked;
  const auto similarity = [&](uint32_t x, uint32_t y) {
    asked.emplace_back(std::min(x, y), std::max(x, y));
    return JaccardIfAtLeast(sets[x], sets[y], 0.7);
  };
  const std::vector<SimilarPair> all = {{0, 1, 0.9}, {0, 2, 0.9}, {1, 2, 0.8}};
  EXPECT_THAT(ClusterWithoutChaining(3, all, 0.7, similarity).ToVectors(),
              ElementsAre(ElementsAre(0u, 1u, 2u)));
  EXPECT_TRUE(asked.empty());

  const std::vector<SimilarPair> missed = {{0, 1, 0.9}, {0, 2, 0.9}};
  EXPECT_THAT(ClusterWithoutChaining(3, missed, 0.7, similarity).ToVectors(),
              ElementsAre(ElementsAre(0u, 1u, 2u)));
  EXPECT_THAT(asked, ElementsAre(std::make_pair(1u, 2u)));
}

// The method as cluster.h states it, with a vector per cluster: what the
// implementations, which hold clusters as chains, must find.
std::vector<std::vector<uint32_t>> ReferenceClusters(
    uint32_t n, absl::Span<const SimilarPair> edges, double threshold,
    absl::FunctionRef<double(uint32_t, uint32_t)> similarity) {
  std::vector<std::vector<Neighbour>> neighbours(n);
  std::vector<double> strength(n, 0.0);
  for (const SimilarPair& e : edges) {
    neighbours[e.a].push_back({e.b, e.similarity});
    neighbours[e.b].push_back({e.a, e.similarity});
    strength[e.a] += e.similarity;
    strength[e.b] += e.similarity;
  }
  std::vector<uint32_t> order;
  for (uint32_t i = 0; i < n; ++i) {
    if (!neighbours[i].empty()) order.push_back(i);
    std::sort(neighbours[i].begin(), neighbours[i].end(),
              [](const Neighbour& x, const Neighbour& y) {
                return x.similarity != y.similarity
                           ? x.similarity > y.similarity
                           : x.item < y.item;
              });
  }
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    if (neighbours[x].size() != neighbours[y].size()) {
      return neighbours[x].size() > neighbours[y].size();
    }
    return strength[x] != strength[y] ? strength[x] > strength[y] : x < y;
  });
  const auto similar_to_all = [&](uint32_t item,
                                  const std::vector<uint32_t>& members) {
    return std::all_of(members.begin(), members.end(), [&](uint32_t m) {
      return similarity(item, m) >= threshold;
    });
  };
  std::vector<int> assigned(n, -1);
  std::vector<std::vector<uint32_t>> clusters;
  for (const uint32_t seed : order) {
    if (assigned[seed] >= 0) continue;
    std::vector<uint32_t> members = {seed};
    for (const Neighbour& nb : neighbours[seed]) {
      if (assigned[nb.item] < 0 && similar_to_all(nb.item, members)) {
        members.push_back(nb.item);
      }
    }
    if (members.size() >= 2) {
      for (const uint32_t m : members) {
        assigned[m] = static_cast<int>(clusters.size());
      }
      clusters.push_back(members);
      continue;
    }
    for (const Neighbour& nb : neighbours[seed]) {
      const int id = assigned[nb.item];
      if (id >= 0 && similar_to_all(seed, clusters[id])) {
        assigned[seed] = id;
        clusters[id].push_back(seed);
        break;
      }
    }
  }
  for (std::vector<uint32_t>& members : clusters) {
    std::sort(members.begin(), members.end());
  }
  std::sort(clusters.begin(), clusters.end());
  return clusters;
}

// Overlapping windows of a shuffled vocabulary: many ties in degree and
// similarity, chains and cliques, so that the order in which items are
// visited decides the clusters.
TEST(ClusterTest, NeighbourListsClusterAsEdgesDo) {
  constexpr uint32_t kItems = 300;
  std::vector<std::vector<uint64_t>> sets;
  for (uint32_t i = 0; i < kItems; ++i) {
    const uint64_t start = Mix64(i) % 400;
    std::vector<uint64_t> set = Range(start, start + 10 + Mix64(i + 1) % 20);
    std::sort(set.begin(), set.end());
    sets.push_back(set);
  }
  constexpr double kThreshold = 0.5;
  std::vector<SimilarPair> edges;  // sorted by (a, b)
  for (uint32_t a = 0; a < kItems; ++a) {
    for (uint32_t b = a + 1; b < kItems; ++b) {
      const double j = Jaccard(sets[a], sets[b]);
      if (j >= kThreshold) edges.push_back({a, b, j});
    }
  }
  ASSERT_GT(edges.size(), 2u * kItems);
  const auto similarity = [&](uint32_t x, uint32_t y) {
    return JaccardIfAtLeast(sets[x], sets[y], kThreshold);
  };
  const ClusterList expected =
      ClusterWithoutChaining(kItems, edges, kThreshold, similarity);
  ASSERT_GT(expected.size(), 20u);
  EXPECT_EQ(expected.ToVectors(),
            ReferenceClusters(kItems, edges, kThreshold, similarity));
  // With a third of the edges missed (as LSH misses pairs), an item whose
  // neighbours were all taken can still join a cluster (step 3).
  std::vector<SimilarPair> found;
  for (size_t e = 0; e < edges.size(); ++e) {
    if (e % 3 != 0) found.push_back(edges[e]);
  }
  EXPECT_EQ(
      ClusterWithoutChaining(kItems, found, kThreshold, similarity).ToVectors(),
      ReferenceClusters(kItems, found, kThreshold, similarity));

  size_t reads = 0;
  const auto neighbours = [&](uint32_t i, std::vector<Neighbour>& out) {
    ++reads;
    for (const SimilarPair& e : edges) {
      if (e.a == i) out.push_back({e.b, e.similarity});
      if (e.b == i) out.push_back({e.a, e.similarity});
    }
    std::sort(
        out.begin(), out.end(),
        [](const Neighbour& x, const Neighbour& y) { return x.item < y.item; });
  };
  std::vector<uint32_t> degree(kItems, 0);
  for (const SimilarPair& e : edges) {
    ++degree[e.a];
    ++degree[e.b];
  }
  EXPECT_EQ(ClusterWithoutChaining(degree, neighbours, kThreshold, similarity),
            expected);
  EXPECT_GE(reads, size_t{kItems});

  // Over the sets themselves, each connected component apart (there are
  // five here), on one thread or several: the clusters of the whole graph.
  DisjointSets components(kItems);
  for (const SimilarPair& e : edges) components.Join(e.a, e.b);
  size_t roots_with_edges = 0;
  for (uint32_t i = 0; i < kItems; ++i) {
    const bool has_edge =
        std::any_of(edges.begin(), edges.end(),
                    [&](const SimilarPair& e) { return e.a == i || e.b == i; });
    if (has_edge && components.Find(i) == i) ++roots_with_edges;
  }
  ASSERT_GE(roots_with_edges, 3u);
  for (const int threads : {1, 3}) {
    EXPECT_EQ(ClusterWithoutChaining(Views(sets), edges, kThreshold, threads),
              expected.ToVectors())
        << threads;
  }
}

}  // namespace
}  // namespace neardup
