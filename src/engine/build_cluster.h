// engine/build_cluster.h: turns a verified group of members into a Cluster
// with its canonical member, the reason, and each member's similarity to it.
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

#include <cstddef>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/types/span.h"
#include "canonical/canonical.h"
#include "engine/scan.h"

namespace neardup {

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
