#include "lsh/lsh.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/check.h"
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

using Pair = std::pair<uint32_t, uint32_t>;

// One band's candidate pairs that pass the estimate, and its counts.
struct BandResult {
  std::vector<Pair> pairs;
  size_t bucket_pairs = 0;
  size_t pruned = 0;
  size_t oversized_buckets = 0;
};

template <typename Value>
CandidateSet FindCandidatesOf(absl::Span<const Value> signatures, int num_perm,
                              const LshParams& params,
                              const CandidateOptions& options) {
  NEARDUP_CHECK(ValidateLshParams(params, num_perm).ok());
  NEARDUP_CHECK(options.max_bucket >= 2);
  const size_t k = static_cast<size_t>(num_perm);
  const size_t rows = static_cast<size_t>(params.rows);
  const size_t n = signatures.size() / k;
  const size_t needed = AgreementNeeded(options.min_estimate, num_perm);
  std::vector<BandResult> bands(static_cast<size_t>(params.bands));
  // Bands are independent: each sorts its own keys on its own thread.
  ParallelFor(bands.size(), options.threads, [&](size_t band) {
    struct Entry {
      uint64_t key;
      uint32_t item;
    };
    std::vector<Entry> entries(n);
    const size_t offset = band * rows;
    for (size_t item = 0; item < n; ++item) {
      entries[item] = Entry{BandKey(signatures.data() + item * k + offset,
                                    params.rows, static_cast<int>(band)),
                            static_cast<uint32_t>(item)};
    }
    std::sort(entries.begin(), entries.end(),
              [](const Entry& x, const Entry& y) {
                return x.key != y.key ? x.key < y.key : x.item < y.item;
              });
    BandResult& result = bands[band];
    const auto emit = [&](uint32_t a, uint32_t b) {  // a < b
      ++result.bucket_pairs;
      if (AgreeAtLeast(signatures.data() + size_t{a} * k,
                       signatures.data() + size_t{b} * k, k, needed)) {
        result.pairs.emplace_back(a, b);
      } else {
        ++result.pruned;
      }
    };
    std::vector<uint32_t> members;
    for (size_t begin = 0; begin < n;) {
      size_t end = begin + 1;
      while (end < n && entries[end].key == entries[begin].key) ++end;
      if (end - begin >= 2) {
        members.clear();
        for (size_t i = begin; i < end; ++i) members.push_back(entries[i].item);
        if (ForEachBucketPair(members, options.max_bucket, emit)) {
          ++result.oversized_buckets;
        }
      }
      begin = end;
    }
  });
  CandidateSet result;
  for (BandResult& band : bands) {
    result.bucket_pairs += band.bucket_pairs;
    result.pruned += band.pruned;
    result.oversized_buckets += band.oversized_buckets;
    result.pairs.insert(result.pairs.end(), band.pairs.begin(),
                        band.pairs.end());
    band.pairs = {};
  }
  std::sort(result.pairs.begin(), result.pairs.end());
  result.pairs.erase(std::unique(result.pairs.begin(), result.pairs.end()),
                     result.pairs.end());
  return result;
}

}  // namespace

size_t AgreementNeeded(double min_estimate, int num_perm) {
  return static_cast<size_t>(
      std::ceil(min_estimate * static_cast<double>(num_perm)));
}

double EstimateFloor(double threshold, int num_perm) {
  const double standard_error =
      std::sqrt(threshold * (1 - threshold) / static_cast<double>(num_perm));
  return std::max(0.0, threshold - 4.5 * standard_error);
}

CandidateSet FindCandidates(absl::Span<const uint64_t> signatures, int num_perm,
                            const LshParams& params,
                            const CandidateOptions& options) {
  return FindCandidatesOf(signatures, num_perm, params, options);
}

CandidateSet FindCandidates(absl::Span<const uint32_t> signatures, int num_perm,
                            const LshParams& params,
                            const CandidateOptions& options) {
  return FindCandidatesOf(signatures, num_perm, params, options);
}

}  // namespace neardup
