// engine/build_cluster.h: what the in-memory and streaming scans share:
// ordering texts so that identical ones are adjacent, and turning a verified
// group of members into a Cluster with its canonical member, the reason, and
// each member's similarity to it.
//
// Why: the in-memory scan and the streaming scan (engine/stream_scan.h) must
// report a cluster the same way; they differ only in where shingle sets
// come from, which the caller hides behind `similarity`.
//
// Example:
//   Cluster c = BuildCluster(Level::kDocument, members, dates,
//                            CanonicalPolicy::kLongest,
//                            [&](size_t i, size_t j) { return Jaccard(...); });

#ifndef NEARDUP_ENGINE_BUILD_CLUSTER_H_
#define NEARDUP_ENGINE_BUILD_CLUSTER_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/types/span.h"
#include "base/hash_sort.h"
#include "canonical/canonical.h"
#include "engine/scan.h"

namespace neardup {

// OrderByText()
//
// The indexes of `items` (anything with `exact_key` and `normalized_length`)
// ordered so that identical texts are adjacent, each run in index order: the
// grouping both scans do before LSH.
template <typename Item>
std::vector<uint32_t> OrderByText(const std::vector<Item>& items) {
  // Sorted as compact copies (exact keys are hashes: see base/hash_sort.h)
  // rather than as indexes compared through `items`, a cache miss each.
  struct Text {
    uint64_t key;
    uint32_t length;
    uint32_t index;
  };
  std::vector<Text> texts(items.size()), scratch;
  for (size_t i = 0; i < items.size(); ++i) {
    texts[i] = Text{items[i].exact_key, items[i].normalized_length,
                    static_cast<uint32_t>(i)};
  }
  SortHashed(
      texts, scratch, [](const Text& t) { return t.key; },
      [](const Text& a, const Text& b) {
        if (a.key != b.key) return a.key < b.key;
        if (a.length != b.length) return a.length < b.length;
        return a.index < b.index;
      });
  std::vector<uint32_t> order(items.size());
  for (size_t i = 0; i < texts.size(); ++i) order[i] = texts[i].index;
  return order;
}

// BuildCluster()
//
// `members` in input order (their similarity is filled in here), `dates[i]`
// the date of member i's document (empty if unknown), `similarity(i, j)` the
// exact Jaccard of members i and j. The cluster's id is left 0.
Cluster BuildCluster(Level level, std::vector<Member> members,
                     absl::Span<const std::string> dates,
                     CanonicalPolicy policy,
                     absl::FunctionRef<double(size_t, size_t)> similarity);

// BoilerplateCluster()
//
// The passage cluster of one text, identical after normalization, found in
// `distinct_docs` documents: `members` in input order, similarity 1, the
// first occurrence canonical.
Cluster BoilerplateCluster(std::vector<Member> members, size_t distinct_docs);

// FindOverlaps()
//
// Pairs of documents that share passage clusters (boilerplate aside)
// without being in one document cluster, most shared first. `clusters`
// carry their ids; `eligible[d]` counts document d's passages with
// shingles (its size is the number of documents); `date(d)` is document d's
// date, empty if unknown.
std::vector<Overlap> FindOverlaps(
    const std::vector<Cluster>& clusters, absl::Span<const uint32_t> eligible,
    absl::FunctionRef<std::string(uint32_t)> date);

// OverlapFinder
//
// FindOverlaps() a cluster at a time, for clusters that are not held in
// memory together (engine/cluster_spill.h): Add() each cluster, every
// document cluster before any passage cluster, then Finish() once. Memory:
// 4 bytes per document, and per pair of documents sharing passages the
// starts of those passages.
class OverlapFinder {
 public:
  explicit OverlapFinder(size_t documents);
  void Add(const Cluster& cluster);  // with its id
  std::vector<Overlap> Finish(absl::Span<const uint32_t> eligible,
                              absl::FunctionRef<std::string(uint32_t)> date);

 private:
  struct Shared {
    size_t clusters = 0;
    std::vector<uint32_t> starts_a, starts_b;  // passages, by start offset
  };
  std::vector<uint32_t> document_cluster_;  // its document cluster's id
  absl::flat_hash_map<std::pair<uint32_t, uint32_t>, Shared> shared_;
};

}  // namespace neardup

#endif  // NEARDUP_ENGINE_BUILD_CLUSTER_H_
