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
#include <numeric>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/types/span.h"
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
  std::vector<uint32_t> order(items.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    const Item& a = items[x];
    const Item& b = items[y];
    if (a.exact_key != b.exact_key) return a.exact_key < b.exact_key;
    if (a.normalized_length != b.normalized_length) {
      return a.normalized_length < b.normalized_length;
    }
    return x < y;
  });
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

}  // namespace neardup

#endif  // NEARDUP_ENGINE_BUILD_CLUSTER_H_
