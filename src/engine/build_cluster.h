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
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/types/span.h"
#include "base/hash_sort.h"
#include "canonical/canonical.h"
#include "engine/scan.h"

namespace neardup {

// TextRuns / OrderByText()
//
// The indexes of `items` (anything with `exact_key` and `normalized_length`)
// ordered so that identical texts are adjacent, each run in index order,
// and where each run ends: the grouping both scans do before LSH. Runs are
// found on the sorted keys, not through `items` (a cache miss per item,
// half of grouping 1.2 M passages).
struct TextRuns {
  std::vector<uint32_t> order;
  std::vector<uint32_t> run_ends;  // ascending; the last is order.size()

  size_t runs() const { return run_ends.size(); }
  absl::Span<const uint32_t> Run(size_t run) const {
    const uint32_t begin = run == 0 ? 0 : run_ends[run - 1];
    return absl::MakeConstSpan(order.data() + begin, run_ends[run] - begin);
  }
};

template <typename Item>
TextRuns OrderByText(const std::vector<Item>& items) {
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
  TextRuns runs;
  runs.order.resize(items.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    runs.order[i] = texts[i].index;
    if (i + 1 == texts.size() || texts[i + 1].key != texts[i].key ||
        texts[i + 1].length != texts[i].length) {
      runs.run_ends.push_back(static_cast<uint32_t>(i + 1));
    }
  }
  return runs;
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
// date, empty if unknown. Runs on `threads` threads (`date` is called from
// any of them); the result does not depend on it.
std::vector<Overlap> FindOverlaps(const std::vector<Cluster>& clusters,
                                  absl::Span<const uint32_t> eligible,
                                  absl::FunctionRef<std::string(uint32_t)> date,
                                  int threads = 1);

// The pieces of FindOverlaps() that the streaming scan's overlaps
// (engine/cluster_spill.h) share with it:
//
// ForEachSharedPair() calls `visit(a, b, in_a, in_b)` for each pair of
// documents a < b holding members of passage cluster `c` (none for a
// document or boilerplate cluster) that are not in one document cluster
// (`document_cluster[d]`: the id of d's document cluster, 0 if none), with
// the cluster's members in each.
void ForEachSharedPair(
    const Cluster& c, absl::Span<const uint32_t> document_cluster,
    absl::FunctionRef<void(uint32_t, uint32_t, absl::Span<const Member>,
                           absl::Span<const Member>)>
        visit);

// MakeOverlap() describes documents a and b sharing `clusters` passage
// clusters, `distinct_a` of a's passages and `distinct_b` of b's.
Overlap MakeOverlap(uint32_t a, uint32_t b, size_t clusters, size_t distinct_a,
                    size_t distinct_b, absl::Span<const uint32_t> eligible,
                    absl::FunctionRef<std::string(uint32_t)> date);

// OverlapBefore() is the report's order: most shared clusters first, then
// the larger fraction, then the documents.
bool OverlapBefore(const Overlap& x, const Overlap& y);

}  // namespace neardup

#endif  // NEARDUP_ENGINE_BUILD_CLUSTER_H_
