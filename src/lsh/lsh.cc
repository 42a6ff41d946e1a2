#include "lsh/lsh.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/check.h"
#include "base/hash.h"
#include "base/parallel.h"

namespace neardup {
namespace {

// Trapezoid-rule integral of f over [lo, hi].
template <typename F>
double Integrate(F f, double lo, double hi) {
  constexpr int kSteps = 200;
  const double step = (hi - lo) / kSteps;
  double area = 0.5 * (f(lo) + f(hi));
  for (int i = 1; i < kSteps; ++i) area += f(lo + i * step);
  return area * step;
}

}  // namespace

double CandidateProbability(double jaccard, const LshParams& params) {
  return 1.0 - std::pow(1.0 - std::pow(jaccard, params.rows), params.bands);
}

absl::Status ValidateLshParams(const LshParams& params, int num_perm) {
  if (params.bands < 1 || params.rows < 1 ||
      params.bands * params.rows > num_perm) {
    return absl::InvalidArgumentError(absl::StrCat(
        "LSH needs bands >= 1, rows >= 1 and bands * rows <= num_perm (",
        num_perm, "); got bands=", params.bands, " rows=", params.rows));
  }
  return absl::OkStatus();
}

absl::StatusOr<LshParams> ChooseLshParams(double threshold, int num_perm,
                                          double min_recall) {
  if (!(threshold > 0.0 && threshold < 1.0) ||
      !(min_recall > 0.0 && min_recall < 1.0) || num_perm < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "LSH threshold and min_recall must be in (0, 1) and num_perm >= 1; "
        "got threshold=",
        threshold, " min_recall=", min_recall, " num_perm=", num_perm));
  }
  LshParams best, closest;
  double best_error = std::numeric_limits<double>::infinity();
  double closest_recall = -1.0;
  for (int bands = 1; bands <= num_perm; ++bands) {
    for (int rows = 1; bands * rows <= num_perm; ++rows) {
      const LshParams p{bands, rows};
      const double recall = CandidateProbability(threshold, p);
      if (recall > closest_recall) {
        closest_recall = recall;
        closest = p;
      }
      if (recall < min_recall) continue;
      const double fp = Integrate(
          [&](double s) { return CandidateProbability(s, p); }, 0.0, threshold);
      const double fn =
          Integrate([&](double s) { return 1.0 - CandidateProbability(s, p); },
                    threshold, 1.0);
      if (fp + fn < best_error) {
        best_error = fp + fn;
        best = p;
      }
    }
  }
  return best_error < std::numeric_limits<double>::infinity() ? best : closest;
}

namespace {

template <typename Value>
CandidateSet FindCandidatesOf(absl::Span<const Value> signatures, int num_perm,
                              const LshParams& params, size_t max_bucket) {
  NEARDUP_CHECK(ValidateLshParams(params, num_perm).ok());
  NEARDUP_CHECK(max_bucket >= 2);
  const size_t k = static_cast<size_t>(num_perm);
  const size_t rows = static_cast<size_t>(params.rows);
  const size_t n = signatures.size() / k;
  CandidateSet result;
  struct Entry {
    uint64_t key;
    uint32_t item;
  };
  std::vector<Entry> entries(n);
  for (int band = 0; band < params.bands; ++band) {
    const size_t offset = static_cast<size_t>(band) * rows;
    for (size_t item = 0; item < n; ++item) {
      const Value* values = signatures.data() + item * k + offset;
      entries[item] =
          Entry{Hash64(absl::string_view(reinterpret_cast<const char*>(values),
                                         rows * sizeof(Value)),
                       static_cast<uint64_t>(band)),
                static_cast<uint32_t>(item)};
    }
    std::sort(entries.begin(), entries.end(),
              [](const Entry& x, const Entry& y) {
                return x.key != y.key ? x.key < y.key : x.item < y.item;
              });
    for (size_t begin = 0; begin < n;) {
      size_t end = begin + 1;
      while (end < n && entries[end].key == entries[begin].key) ++end;
      const size_t size = end - begin;
      if (size > max_bucket) {
        ++result.oversized_buckets;
        for (size_t i = begin + 1; i < end; ++i) {
          result.pairs.emplace_back(entries[begin].item, entries[i].item);
          if (i > begin + 1) {
            result.pairs.emplace_back(entries[i - 1].item, entries[i].item);
          }
        }
      } else {
        for (size_t i = begin; i < end; ++i) {
          for (size_t j = i + 1; j < end; ++j) {
            result.pairs.emplace_back(entries[i].item, entries[j].item);
          }
        }
      }
      begin = end;
    }
  }
  std::sort(result.pairs.begin(), result.pairs.end());
  result.pairs.erase(std::unique(result.pairs.begin(), result.pairs.end()),
                     result.pairs.end());
  return result;
}

template <typename Value>
size_t PruneByEstimateOf(std::vector<std::pair<uint32_t, uint32_t>>& candidates,
                         absl::Span<const Value> signatures, int num_perm,
                         double min_estimate, int threads) {
  const size_t k = static_cast<size_t>(num_perm);
  const size_t needed =
      static_cast<size_t>(std::ceil(min_estimate * static_cast<double>(k)));
  std::vector<uint8_t> keep(candidates.size());
  ParallelFor(candidates.size(), threads, [&](size_t i) {
    const Value* a = signatures.data() + candidates[i].first * k;
    const Value* b = signatures.data() + candidates[i].second * k;
    size_t equal = 0;
    for (size_t j = 0; j < k; ++j) equal += a[j] == b[j] ? 1 : 0;
    keep[i] = equal >= needed ? 1 : 0;
  });
  size_t kept = 0;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (keep[i]) candidates[kept++] = candidates[i];
  }
  const size_t dropped = candidates.size() - kept;
  candidates.resize(kept);
  return dropped;
}

}  // namespace

double EstimateFloor(double threshold, int num_perm) {
  const double standard_error =
      std::sqrt(threshold * (1 - threshold) / static_cast<double>(num_perm));
  return std::max(0.0, threshold - 4.5 * standard_error);
}

size_t PruneByEstimate(std::vector<std::pair<uint32_t, uint32_t>>& candidates,
                       absl::Span<const uint64_t> signatures, int num_perm,
                       double min_estimate, int threads) {
  return PruneByEstimateOf(candidates, signatures, num_perm, min_estimate,
                           threads);
}

size_t PruneByEstimate(std::vector<std::pair<uint32_t, uint32_t>>& candidates,
                       absl::Span<const uint32_t> signatures, int num_perm,
                       double min_estimate, int threads) {
  return PruneByEstimateOf(candidates, signatures, num_perm, min_estimate,
                           threads);
}

CandidateSet FindCandidates(absl::Span<const uint64_t> signatures, int num_perm,
                            const LshParams& params, size_t max_bucket) {
  return FindCandidatesOf(signatures, num_perm, params, max_bucket);
}

CandidateSet FindCandidates(absl::Span<const uint32_t> signatures, int num_perm,
                            const LshParams& params, size_t max_bucket) {
  return FindCandidatesOf(signatures, num_perm, params, max_bucket);
}

}  // namespace neardup
