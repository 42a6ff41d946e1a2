#include "eval/metrics.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "base/check.h"
#include "base/disjoint_sets.h"

namespace neardup {
namespace {

double Ratio(double num, double den) { return den == 0 ? 1.0 : num / den; }

double F1(double p, double r) { return p + r == 0 ? 0 : 2 * p * r / (p + r); }

double Choose2(double k) { return k * (k - 1) / 2; }

// Cluster label of every item: its cluster's index, or a fresh label for a
// singleton.
std::vector<uint32_t> Labels(size_t n,
                             absl::Span<const std::vector<uint32_t>> clusters) {
  constexpr uint32_t kUnset = ~uint32_t{0};
  std::vector<uint32_t> label(n, kUnset);
  uint32_t next = 0;
  for (const std::vector<uint32_t>& cluster : clusters) {
    for (uint32_t item : cluster) {
      NEARDUP_CHECK(item < n);
      NEARDUP_CHECK(label[item] == kUnset);  // clusters must be disjoint
      label[item] = next;
    }
    ++next;
  }
  for (uint32_t& l : label) {
    if (l == kUnset) l = next++;
  }
  return label;
}

}  // namespace

PairScores ScoreCounts(size_t predicted_correct, size_t predicted, size_t found,
                       size_t positives) {
  NEARDUP_CHECK(predicted_correct <= predicted && found <= positives);
  PairScores s;
  s.true_positives = found;
  s.false_positives = predicted - predicted_correct;
  s.false_negatives = positives - found;
  s.precision = Ratio(static_cast<double>(predicted_correct),
                      static_cast<double>(predicted));
  s.recall = Ratio(static_cast<double>(found), static_cast<double>(positives));
  s.f1 = F1(s.precision, s.recall);
  return s;
}

PairScores ScorePairs(absl::Span<const ItemPair> gold,
                      absl::Span<const ItemPair> predicted) {
  size_t common = 0;
  size_t g = 0, p = 0;
  while (g < gold.size() && p < predicted.size()) {
    if (gold[g] < predicted[p]) {
      ++g;
    } else if (predicted[p] < gold[g]) {
      ++p;
    } else {
      ++common, ++g, ++p;
    }
  }
  return ScoreCounts(common, predicted.size(), common, gold.size());
}

PairScores ScoreLabelledPairs(absl::Span<const ItemPair> pairs,
                              const std::vector<bool>& labels,
                              absl::Span<const ItemPair> predicted) {
  NEARDUP_CHECK(pairs.size() == labels.size());
  size_t positives = 0, true_positives = 0, false_positives = 0;
  for (size_t i = 0; i < pairs.size(); ++i) {
    ItemPair pair = pairs[i];
    if (pair.first > pair.second) std::swap(pair.first, pair.second);
    const bool found =
        std::binary_search(predicted.begin(), predicted.end(), pair);
    positives += labels[i] ? 1 : 0;
    if (found) (labels[i] ? true_positives : false_positives) += 1;
  }
  return ScoreCounts(true_positives, true_positives + false_positives,
                     true_positives, positives);
}

PartitionScores ScorePartitions(
    size_t n, absl::Span<const std::vector<uint32_t>> gold,
    absl::Span<const std::vector<uint32_t>> predicted) {
  PartitionScores s;
  if (n == 0) return s;
  const std::vector<uint32_t> gold_label = Labels(n, gold);
  const std::vector<uint32_t> predicted_label = Labels(n, predicted);
  absl::flat_hash_map<uint64_t, double> joint;  // (gold, predicted) -> count
  absl::flat_hash_map<uint32_t, double> gold_size, predicted_size;
  for (size_t i = 0; i < n; ++i) {
    ++joint[(uint64_t{gold_label[i]} << 32) | predicted_label[i]];
    ++gold_size[gold_label[i]];
    ++predicted_size[predicted_label[i]];
  }
  // Adjusted Rand Index (Hubert and Arabie 1985) from the contingency table.
  double index = 0, gold_pairs = 0, predicted_pairs = 0;
  for (const auto& [key, count] : joint) index += Choose2(count);
  for (const auto& [label, count] : gold_size) gold_pairs += Choose2(count);
  for (const auto& [label, count] : predicted_size) {
    predicted_pairs += Choose2(count);
  }
  const double expected = gold_pairs * predicted_pairs / Choose2(n);
  const double maximum = (gold_pairs + predicted_pairs) / 2;
  s.adjusted_rand_index =
      maximum == expected ? 1.0 : (index - expected) / (maximum - expected);
  // B-cubed (Bagga and Baldwin 1998): per item, the share of its predicted
  // cluster that is in its gold cluster, and the reverse.
  double precision = 0, recall = 0;
  for (size_t i = 0; i < n; ++i) {
    const double both =
        joint[(uint64_t{gold_label[i]} << 32) | predicted_label[i]];
    precision += both / predicted_size[predicted_label[i]];
    recall += both / gold_size[gold_label[i]];
  }
  s.bcubed_precision = precision / static_cast<double>(n);
  s.bcubed_recall = recall / static_cast<double>(n);
  s.bcubed_f1 = F1(s.bcubed_precision, s.bcubed_recall);
  return s;
}

std::vector<ItemPair> PairsOf(
    absl::Span<const std::vector<uint32_t>> clusters) {
  std::vector<ItemPair> pairs;
  for (const std::vector<uint32_t>& cluster : clusters) {
    for (size_t i = 0; i < cluster.size(); ++i) {
      for (size_t j = i + 1; j < cluster.size(); ++j) {
        pairs.emplace_back(std::min(cluster[i], cluster[j]),
                           std::max(cluster[i], cluster[j]));
      }
    }
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  return pairs;
}

std::vector<std::vector<uint32_t>> ConnectedComponents(
    size_t n, absl::Span<const ItemPair> pairs) {
  DisjointSets sets(n);
  for (const auto& [a, b] : pairs) sets.Join(a, b);
  absl::flat_hash_map<uint32_t, size_t> index_of_root;
  std::vector<std::vector<uint32_t>> components;
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t root = sets.Find(i);
    auto [it, inserted] = index_of_root.try_emplace(root, components.size());
    if (inserted) components.emplace_back();
    components[it->second].push_back(i);
  }
  std::erase_if(components,
                [](const std::vector<uint32_t>& c) { return c.size() < 2; });
  return components;
}

}  // namespace neardup
