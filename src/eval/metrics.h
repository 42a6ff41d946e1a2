// eval/metrics.h: how far a predicted grouping of items agrees with a gold
// one: pair precision/recall/F1, the Adjusted Rand Index and B-cubed.
//
// Why: users judge a deduplicator by the duplicates it finds and the false
// ones it reports. Pair scores answer that directly; ARI and B-cubed score
// whole clusterings, so one large wrong cluster costs what it should (a
// chained cluster of 100 documents has 4,950 wrong pairs but is one error a
// pair count alone would drown in).
//
// Items are indexes 0..n-1. A pair is an unordered (a, b) with a < b.
// Partitions list their clusters of two or more items; every item not listed
// is a singleton.
//
// Example:
//   PairScores pairs = ScorePairs(gold_pairs, predicted_pairs);
//   PartitionScores whole = ScorePartitions(n, gold_clusters, predicted);
//
// Thread safety: pure functions.

#ifndef NEARDUP_EVAL_METRICS_H_
#define NEARDUP_EVAL_METRICS_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/types/span.h"

namespace neardup {

using ItemPair = std::pair<uint32_t, uint32_t>;  // first < second

struct PairScores {
  size_t true_positives = 0;
  size_t false_positives = 0;
  size_t false_negatives = 0;
  // 1 when the denominator is zero (nothing predicted / nothing to find).
  double precision = 1;
  double recall = 1;
  double f1 = 1;
};

struct PartitionScores {
  double adjusted_rand_index = 1;
  double bcubed_precision = 1;
  double bcubed_recall = 1;
  double bcubed_f1 = 1;
};

// ScoreCounts()
//
// Scores from counts: precision = predicted_correct / predicted, recall =
// found / positives (each 1 when its denominator is 0). The two numerators
// differ when several predictions may match one gold pair (span gold);
// true_positives = found, false_positives = predicted - predicted_correct,
// false_negatives = positives - found.
PairScores ScoreCounts(size_t predicted_correct, size_t predicted, size_t found,
                       size_t positives);

// ScorePairs()
//
// Scores `predicted` against `gold`: both sorted and duplicate-free.
PairScores ScorePairs(absl::Span<const ItemPair> gold,
                      absl::Span<const ItemPair> predicted);

// ScoreLabelledPairs()
//
// Scores a prediction on labelled pairs only: a pair labelled duplicate
// (`labels[i]`) that `predicted` (sorted) holds is a true positive, one
// labelled distinct that it holds a false positive; unlabelled predicted
// pairs count for nothing.
PairScores ScoreLabelledPairs(absl::Span<const ItemPair> pairs,
                              const std::vector<bool>& labels,
                              absl::Span<const ItemPair> predicted);

// ScorePartitions()
//
// ARI and B-cubed of `predicted` against `gold` over items 0..n-1. Each
// partition's clusters must be disjoint (CHECK-ed).
PartitionScores ScorePartitions(
    size_t n, absl::Span<const std::vector<uint32_t>> gold,
    absl::Span<const std::vector<uint32_t>> predicted);

// PairsOf()
//
// All pairs inside the clusters of a partition, sorted.
std::vector<ItemPair> PairsOf(absl::Span<const std::vector<uint32_t>> clusters);

// ConnectedComponents()
//
// The partition whose clusters are the connected components (of two or more
// items) of the graph with edges `pairs` over items 0..n-1; each cluster
// sorted, clusters ordered by their first item.
std::vector<std::vector<uint32_t>> ConnectedComponents(
    size_t n, absl::Span<const ItemPair> pairs);

}  // namespace neardup

#endif  // NEARDUP_EVAL_METRICS_H_
