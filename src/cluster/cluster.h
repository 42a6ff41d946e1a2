// cluster/cluster.h: exact verification of candidate pairs, and clustering
// that never chains dissimilar texts together.
//
// Why: LSH candidates are probable, not certain, so every pair is checked on
// the exact shingle sets before anything is reported. And clustering by
// connected components (what peer pipelines do) merges A with C whenever
// A≈B and B≈C: on news, one generic sentence can glue dozens of unrelated
// stories into a giant false cluster. Here a cluster is a set of texts that
// are pairwise similar: every member is verified against every other.
//
// The method (greedy clique cover seeded by the best-connected item):
//   1. Items are visited by number of verified neighbours (descending), then
//      sum of similarities (descending), then index.
//   2. An unassigned item opens a cluster and takes its unassigned
//      neighbours, most similar first, each only if its exact Jaccard with
//      every member already taken is >= threshold.
//   3. An item all of whose neighbours were taken joins the first neighbour's
//      cluster (most similar first) whose every member it is similar to;
//      otherwise it stays alone.
// Cost: O(k^2) exact comparisons for a cluster of k distinct members.
//
// Example:
//   std::vector<SimilarPair> edges = VerifyCandidates(pairs, sets, 0.7, 4);
//   std::vector<std::vector<uint32_t>> clusters =
//       ClusterWithoutChaining(sets, edges, 0.7);
//
// Determinism: outputs depend only on the inputs, never on thread count.
// Thread safety: pure functions.

#ifndef NEARDUP_CLUSTER_CLUSTER_H_
#define NEARDUP_CLUSTER_CLUSTER_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/types/span.h"

namespace neardup {

// A sorted, duplicate-free set of shingle hashes, borrowed from the caller.
using ShingleSet = absl::Span<const uint64_t>;

// A verified pair of items (a < b) and their exact Jaccard similarity.
struct SimilarPair {
  uint32_t a = 0;
  uint32_t b = 0;
  double similarity = 0.0;
};

// VerifyCandidates()
//
// The pairs of `candidates` whose exact Jaccard over `sets` (sorted,
// duplicate-free) is >= `threshold`, in the order of `candidates`. Runs on
// `threads` threads; the result does not depend on it.
std::vector<SimilarPair> VerifyCandidates(
    absl::Span<const std::pair<uint32_t, uint32_t>> candidates,
    absl::Span<const ShingleSet> sets, double threshold, int threads);

// Clusters in one flat array, as the overloads below for many items return
// them: cluster c's members, ascending, are members[c ? ends[c - 1] : 0,
// ends[c]); clusters are ordered by first member. 4 bytes per member and
// per cluster: a vector per cluster cost ~50 bytes more each, which a group
// of millions of sentences joined by verified pairs could not afford
// (engine/spilled_candidates.h).
struct ClusterList {
  std::vector<uint32_t> members;
  std::vector<uint32_t> ends;

  size_t size() const { return ends.size(); }
  absl::Span<const uint32_t> operator[](size_t c) const {
    const uint32_t begin = c == 0 ? 0 : ends[c - 1];
    return absl::MakeConstSpan(members.data() + begin, ends[c] - begin);
  }
  std::vector<std::vector<uint32_t>> ToVectors() const;
  bool operator==(const ClusterList&) const = default;
};

// ClusterWithoutChaining()
//
// Clusters of two or more items in which every pair has exact Jaccard >=
// `threshold`, built from the verified `edges` as described above. Each
// cluster's members are ascending; clusters are ordered by first member.
// Items in no cluster are omitted. A cluster lies within one connected
// component of the edges, and the method visits a component's items in the
// same order with or without the others, so components are clustered apart
// on `threads` threads; the result does not depend on it.
std::vector<std::vector<uint32_t>> ClusterWithoutChaining(
    absl::Span<const ShingleSet> sets, absl::Span<const SimilarPair> edges,
    double threshold, int threads = 1);

// The same clusters for `n` items whose sets the caller reads on demand
// (engine/spilled_candidates.h, for a group of texts larger than memory):
// `similarity(x, y)` is JaccardIfAtLeast() of items x and y (the exact
// Jaccard when it is >= `threshold`, anything below it otherwise), asked
// only about pairs that are not edges. Memory: 32 bytes per edge, ~32 per
// item, 12 per cluster.
ClusterList ClusterWithoutChaining(
    size_t n, absl::Span<const SimilarPair> edges, double threshold,
    absl::FunctionRef<double(uint32_t, uint32_t)> similarity);

// A verified neighbour of an item, and their exact Jaccard similarity.
struct Neighbour {
  uint32_t item = 0;
  double similarity = 0.0;
};

// The same clusters again for a graph whose edges do not fit in memory
// either, over items 0 ... degree.size() - 1: `neighbours(i, out)` appends
// item i's degree[i] neighbours to `out` in ascending item order; it is
// called for every item in order, then again for the items the clustering
// visits (engine/spilled_candidates.h reads them from a scratch file). The
// result equals that of the overload above given the same edges sorted by
// (a, b): an item's similarities are summed in the same order. Memory
// beyond the degrees: one neighbour list, 16 bytes per item while the items
// are ordered, then 12, and 12 per cluster (the result's 4 per member and
// per cluster included).
using NeighbourReader =
    absl::FunctionRef<void(uint32_t, std::vector<Neighbour>&)>;
ClusterList ClusterWithoutChaining(
    absl::Span<const uint32_t> degree, NeighbourReader neighbours,
    double threshold, absl::FunctionRef<double(uint32_t, uint32_t)> similarity);

}  // namespace neardup

#endif  // NEARDUP_CLUSTER_CLUSTER_H_
