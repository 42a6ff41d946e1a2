#include "cluster/cluster.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "base/disjoint_sets.h"
#include "base/parallel.h"
#include "base/release.h"
#include "shingle/shingle.h"

namespace neardup {

std::vector<std::vector<uint32_t>> ClusterList::ToVectors() const {
  std::vector<std::vector<uint32_t>> clusters;
  clusters.reserve(size());
  for (size_t c = 0; c < size(); ++c) {
    clusters.emplace_back((*this)[c].begin(), (*this)[c].end());
  }
  return clusters;
}

std::vector<SimilarPair> VerifyCandidates(
    absl::Span<const std::pair<uint32_t, uint32_t>> candidates,
    absl::Span<const ShingleSet> sets, double threshold, int threads) {
  std::vector<double> similarity(candidates.size());
  // Pairs come sorted by first item, so the second's set is a cache miss
  // (10^6 passage sets lie in a gigabyte): the first lines of the set a few
  // pairs ahead are fetched while this pair is merged.
  constexpr size_t kPrefetchAhead = 8;
  constexpr size_t kPrefetchLines = 4;
  ParallelFor(candidates.size(), threads, [&](size_t i) {
    if (i + kPrefetchAhead < candidates.size()) {
      const ShingleSet ahead = sets[candidates[i + kPrefetchAhead].second];
      const size_t bytes = ahead.size() * sizeof(uint64_t);
      for (size_t line = 0; line < kPrefetchLines && line * 64 < bytes;
           ++line) {
        __builtin_prefetch(reinterpret_cast<const char*>(ahead.data()) +
                           line * 64);
      }
    }
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
    double threshold, int threads) {
  const size_t n = sets.size();
  DisjointSets joined(n);
  for (const SimilarPair& e : edges) joined.Join(e.a, e.b);
  // Components with an edge, numbered in the order of their smallest item
  // (the root); their items listed ascending and their edges in the given
  // order, with the items renumbered from 0 within each component. Local
  // numbers keep the global order, so each component's degrees, summed
  // similarities and ties come out as they would over all items.
  constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> component(n, kNone);  // of each item with an edge
  for (const SimilarPair& e : edges) component[joined.Find(e.a)] = 0;
  uint32_t components = 0;
  for (size_t i = 0; i < n; ++i) {
    if (component[i] != kNone) component[i] = components++;  // roots first
  }
  for (const SimilarPair& e : edges) {
    component[e.a] = component[joined.Find(e.a)];
    component[e.b] = component[joined.Find(e.b)];
  }
  std::vector<uint32_t> item_begin(components + 1, 0);
  std::vector<uint32_t> edge_begin(components + 1, 0);
  for (size_t i = 0; i < n; ++i) {
    if (component[i] != kNone) ++item_begin[component[i] + 1];
  }
  for (const SimilarPair& e : edges) ++edge_begin[component[e.a] + 1];
  for (uint32_t c = 0; c < components; ++c) {
    item_begin[c + 1] += item_begin[c];
    edge_begin[c + 1] += edge_begin[c];
  }
  std::vector<uint32_t> items(item_begin[components]);
  std::vector<uint32_t> local(n);
  {
    std::vector<uint32_t> next(item_begin.begin(), item_begin.end() - 1);
    for (size_t i = 0; i < n; ++i) {
      const uint32_t c = component[i];
      if (c == kNone) continue;
      local[i] = next[c] - item_begin[c];
      items[next[c]++] = static_cast<uint32_t>(i);
    }
  }
  std::vector<SimilarPair> local_edges(edges.size());
  {
    std::vector<uint32_t> next(edge_begin.begin(), edge_begin.end() - 1);
    for (const SimilarPair& e : edges) {
      local_edges[next[component[e.a]]++] =
          SimilarPair{local[e.a], local[e.b], e.similarity};
    }
  }
  // The largest components first, so that no thread is left with one at
  // the end.
  std::vector<uint32_t> by_size(components);
  std::iota(by_size.begin(), by_size.end(), 0);
  std::stable_sort(by_size.begin(), by_size.end(), [&](uint32_t x, uint32_t y) {
    return edge_begin[x + 1] - edge_begin[x] >
           edge_begin[y + 1] - edge_begin[y];
  });
  std::vector<ClusterList> found(components);
  ParallelFor(components, threads, [&](size_t task) {
    const uint32_t c = by_size[task];
    const uint32_t* global = items.data() + item_begin[c];
    found[c] = ClusterWithoutChaining(
        item_begin[c + 1] - item_begin[c],
        absl::MakeConstSpan(local_edges.data() + edge_begin[c],
                            edge_begin[c + 1] - edge_begin[c]),
        threshold, [&](uint32_t x, uint32_t y) {
          return JaccardIfAtLeast(sets[global[x]], sets[global[y]], threshold);
        });
    for (uint32_t& m : found[c].members) m = global[m];
  });
  std::vector<std::vector<uint32_t>> clusters;
  for (const ClusterList& in_component : found) {
    for (size_t k = 0; k < in_component.size(); ++k) {
      const absl::Span<const uint32_t> members = in_component[k];
      clusters.emplace_back(members.begin(), members.end());
    }
  }
  std::sort(clusters.begin(), clusters.end(),
            [](const std::vector<uint32_t>& x, const std::vector<uint32_t>& y) {
              return x.front() < y.front();
            });
  return clusters;
}

namespace {

// Steps 1-3 of the method in cluster.h for items 0..degree.size() - 1:
// `strength[i]` is the sum of item i's similarities, `sorted(i)` its
// neighbours most similar first, then by item (valid until the next call).
ClusterList GreedyCliqueCover(
    absl::Span<const uint32_t> degree, std::vector<double> strength,
    absl::FunctionRef<absl::Span<const Neighbour>(uint32_t)> sorted,
    double threshold,
    absl::FunctionRef<double(uint32_t, uint32_t)> similarity) {
  const uint32_t n = static_cast<uint32_t>(degree.size());
  std::vector<uint32_t> order;
  order.reserve(static_cast<size_t>(
      n - std::count(degree.begin(), degree.end(), uint32_t{0})));
  for (uint32_t i = 0; i < n; ++i) {
    if (degree[i] > 0) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    if (degree[x] != degree[y]) return degree[x] > degree[y];
    if (strength[x] != strength[y]) return strength[x] > strength[y];
    return x < y;
  });
  Release(strength);

  // Each cluster's members as a chain through `next`, in the order they
  // joined: 8 bytes per item and per cluster, however many clusters.
  constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
  struct Chain {
    uint32_t head;
    uint32_t tail;
  };
  std::vector<uint32_t> assigned(n, kNone);  // each item's cluster
  std::vector<uint32_t> next(n, kNone);
  std::vector<Chain> chains;
  const auto similar_to_chain = [&](uint32_t item, uint32_t cluster,
                                    uint32_t known_similar) {
    for (uint32_t m = chains[cluster].head; m != kNone; m = next[m]) {
      if (m != known_similar && similarity(item, m) < threshold) return false;
    }
    return true;
  };
  std::vector<uint32_t> members;  // of the cluster being opened
  for (const uint32_t seed : order) {
    if (assigned[seed] != kNone) continue;
    members.assign(1, seed);
    for (const Neighbour& nb : sorted(seed)) {
      if (assigned[nb.item] != kNone) continue;
      bool similar_to_all = true;
      for (size_t k = 1; k < members.size() && similar_to_all; ++k) {
        similar_to_all = similarity(nb.item, members[k]) >= threshold;
      }
      if (similar_to_all) members.push_back(nb.item);
    }
    if (members.size() >= 2) {
      const uint32_t id = static_cast<uint32_t>(chains.size());
      for (size_t k = 0; k < members.size(); ++k) {
        assigned[members[k]] = id;
        if (k + 1 < members.size()) next[members[k]] = members[k + 1];
      }
      chains.push_back(Chain{members.front(), members.back()});
      continue;
    }
    for (const Neighbour& nb : sorted(seed)) {
      const uint32_t id = assigned[nb.item];
      if (id != kNone && similar_to_chain(seed, id, nb.item)) {
        assigned[seed] = id;
        next[chains[id].tail] = seed;
        chains[id].tail = seed;
        break;
      }
    }
  }
  Release(order);

  // Clusters in order of first member: each written when the scan of
  // items in ascending order meets its smallest.
  ClusterList clusters;
  clusters.ends.reserve(chains.size());
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t id = assigned[i];
    if (id == kNone || chains[id].head == kNone) continue;  // written
    const size_t begin = clusters.members.size();
    for (uint32_t m = chains[id].head; m != kNone; m = next[m]) {
      clusters.members.push_back(m);
    }
    std::sort(clusters.members.begin() + static_cast<ptrdiff_t>(begin),
              clusters.members.end());
    clusters.ends.push_back(static_cast<uint32_t>(clusters.members.size()));
    chains[id].head = kNone;
  }
  return clusters;
}

void SortMostSimilarFirst(absl::Span<Neighbour> list) {
  std::sort(list.begin(), list.end(),
            [](const Neighbour& x, const Neighbour& y) {
              return x.similarity != y.similarity ? x.similarity > y.similarity
                                                  : x.item < y.item;
            });
}

}  // namespace

ClusterList ClusterWithoutChaining(
    size_t n, absl::Span<const SimilarPair> edges, double threshold,
    absl::FunctionRef<double(uint32_t, uint32_t)> similarity) {
  // Each item's neighbours at [first[i], first[i + 1]) of `neighbours`.
  std::vector<size_t> first(n + 1, 0);
  std::vector<double> strength(n, 0.0);
  for (const SimilarPair& e : edges) {
    ++first[e.a + 1];
    ++first[e.b + 1];
    strength[e.a] += e.similarity;
    strength[e.b] += e.similarity;
  }
  for (size_t i = 0; i < n; ++i) first[i + 1] += first[i];
  std::vector<Neighbour> neighbours(first[n]);
  {
    std::vector<size_t> next(first.begin(), first.end() - 1);
    for (const SimilarPair& e : edges) {
      neighbours[next[e.a]++] = {e.b, e.similarity};
      neighbours[next[e.b]++] = {e.a, e.similarity};
    }
  }
  std::vector<uint32_t> degree(n);
  for (size_t i = 0; i < n; ++i) {
    degree[i] = static_cast<uint32_t>(first[i + 1] - first[i]);
    SortMostSimilarFirst(
        absl::MakeSpan(neighbours.data() + first[i], degree[i]));
  }
  // The clustering asks whether a candidate is similar to every member;
  // most such pairs are edges, whose similarity is known (chronam1916 Q1's
  // passages: 484 K or more, against 100 K or more that are not). The shorter
  // of the two neighbour lists answers, when it is short enough to scan faster
  // than a Jaccard merge; a pair missing from it is no edge, and is computed.
  constexpr uint32_t kScanLimit = 64;
  const auto known_or_computed = [&](uint32_t x, uint32_t y) {
    const uint32_t shorter = degree[x] <= degree[y] ? x : y;
    const uint32_t other = shorter == x ? y : x;
    if (degree[shorter] <= kScanLimit) {
      for (size_t i = first[shorter]; i < first[shorter + 1]; ++i) {
        if (neighbours[i].item == other) return neighbours[i].similarity;
      }
    }
    return similarity(x, y);
  };
  return GreedyCliqueCover(
      degree, std::move(strength),
      [&](uint32_t i) {
        return absl::MakeConstSpan(neighbours.data() + first[i], degree[i]);
      },
      threshold, known_or_computed);
}

ClusterList ClusterWithoutChaining(
    absl::Span<const uint32_t> degree, NeighbourReader neighbours,
    double threshold,
    absl::FunctionRef<double(uint32_t, uint32_t)> similarity) {
  std::vector<double> strength(degree.size(), 0.0);
  std::vector<Neighbour> list;
  for (uint32_t i = 0; i < degree.size(); ++i) {
    list.clear();
    neighbours(i, list);
    for (const Neighbour& nb : list) strength[i] += nb.similarity;
  }
  return GreedyCliqueCover(
      degree, std::move(strength),
      [&](uint32_t i) {
        list.clear();
        neighbours(i, list);
        SortMostSimilarFirst(absl::MakeSpan(list));
        return absl::MakeConstSpan(list);
      },
      threshold, similarity);
}

}  // namespace neardup
