#include "lsh/lsh.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>

#if defined(__SSE2__) && defined(__x86_64__)
#include <immintrin.h>
#endif

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/check.h"
#include "base/hash_sort.h"
#include "base/huge_pages.h"
#include "base/parallel.h"
#include "base/release.h"

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

// x^n for n >= 0 by squaring: ChooseLshParams() evaluates ~0.5 M of them
// for 128 permutations, and std::pow took 3 ms of every run (a third of a
// one-document scan). Same choices as std::pow for thresholds 0.01-0.99,
// num_perm 8-256 and min_recall 0.5-0.999 (checked once, 3,960 cases).
double IntegerPower(double x, int n) {
  double power = 1.0;
  for (; n > 0; n >>= 1, x *= x) {
    if (n & 1) power *= x;
  }
  return power;
}

}  // namespace

double CandidateProbability(double jaccard, const LshParams& params) {
  return 1.0 -
         IntegerPower(1.0 - IntegerPower(jaccard, params.rows), params.bands);
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

// One band's candidate pairs that pass the estimate, and its counts. The
// pairs are grouped by the merge range of their first item (see
// FindCandidates()): range r's are pairs[range_ends[r - 1], range_ends[r]).
struct BandResult {
  std::vector<Pair> pairs;
  std::vector<size_t> range_ends;
  size_t bucket_pairs = 0;
  size_t pruned = 0;
  size_t oversized_buckets = 0;
};

// The positions where k bytes at x and y are equal, counted in byte lanes
// that are summed before they can overflow: 16 at a time with SSE2 (part of
// every x86-64 CPU), or 32 with AVX2 where the CPU has it. The functions
// below are compiled for both, and GCC function multiversioning picks one
// when the program loads.
#if defined(__SSE2__) && defined(__x86_64__)
[[gnu::always_inline]] inline size_t CountEqualSse2(const uint8_t* x,
                                                    const uint8_t* y,
                                                    size_t k) {
  size_t equal = 0, j = 0;
  constexpr size_t kLanes = 16;
  while (j + kLanes <= k) {
    __m128i lanes = _mm_setzero_si128();
    const size_t end = std::min(k - k % kLanes, j + 255 * kLanes);
    for (; j < end; j += kLanes) {
      const __m128i a =
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(x + j));
      const __m128i b =
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(y + j));
      lanes = _mm_sub_epi8(lanes, _mm_cmpeq_epi8(a, b));  // equal lanes are -1
    }
    const __m128i sums = _mm_sad_epu8(lanes, _mm_setzero_si128());
    equal += static_cast<size_t>(_mm_cvtsi128_si64(sums)) +
             static_cast<size_t>(_mm_extract_epi16(sums, 4));
  }
  for (; j < k; ++j) equal += x[j] == y[j] ? 1 : 0;
  return equal;
}

[[gnu::always_inline]] __attribute__((target("avx2"))) inline size_t
CountEqualAvx2(const uint8_t* x, const uint8_t* y, size_t k) {
  size_t equal = 0, j = 0;
  constexpr size_t kLanes = 32;
  while (j + kLanes <= k) {
    __m256i lanes = _mm256_setzero_si256();
    const size_t end = std::min(k - k % kLanes, j + 255 * kLanes);
    for (; j < end; j += kLanes) {
      const __m256i a =
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + j));
      const __m256i b =
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y + j));
      lanes = _mm256_sub_epi8(lanes, _mm256_cmpeq_epi8(a, b));
    }
    const __m256i sums = _mm256_sad_epu8(lanes, _mm256_setzero_si256());
    const __m128i halves = _mm_add_epi64(_mm256_castsi256_si128(sums),
                                         _mm256_extracti128_si256(sums, 1));
    equal += static_cast<size_t>(_mm_cvtsi128_si64(halves)) +
             static_cast<size_t>(_mm_extract_epi64(halves, 1));
  }
  for (; j < k; ++j) equal += x[j] == y[j] ? 1 : 0;
  return equal;
}

__attribute__((target("default"))) size_t CountEqualBytes(const uint8_t* x,
                                                          const uint8_t* y,
                                                          size_t k) {
  return CountEqualSse2(x, y, k);
}
__attribute__((target("avx2"))) size_t CountEqualBytes(const uint8_t* x,
                                                       const uint8_t* y,
                                                       size_t k) {
  return CountEqualAvx2(x, y, k);
}

// counts[j] = CountEqualBytes(x, rows + others[j] * k, k) for j < count: a
// bucket's item against the items after it, in one call instead of one per
// pair (10^8 pairs on chronam1916 Q1; README, Performance).
__attribute__((target("default"))) void CountEqualBytesWith(
    const uint8_t* x, const uint8_t* rows, const uint32_t* others, size_t count,
    size_t k, uint32_t* counts) {
  for (size_t j = 0; j < count; ++j) {
    counts[j] = static_cast<uint32_t>(
        CountEqualSse2(x, rows + size_t{others[j]} * k, k));
  }
}
__attribute__((target("avx2"))) void CountEqualBytesWith(const uint8_t* x,
                                                         const uint8_t* rows,
                                                         const uint32_t* others,
                                                         size_t count, size_t k,
                                                         uint32_t* counts) {
  if (k == 128) {  // the default num_perm: x held in four registers
    const auto* xv = reinterpret_cast<const __m256i*>(x);
    const __m256i x0 = _mm256_loadu_si256(xv), x1 = _mm256_loadu_si256(xv + 1),
                  x2 = _mm256_loadu_si256(xv + 2),
                  x3 = _mm256_loadu_si256(xv + 3);
    for (size_t j = 0; j < count; ++j) {
      const auto* y =
          reinterpret_cast<const __m256i*>(rows + size_t{others[j]} * 128);
      // Each equal byte is -1 in its comparison: four lanes sum to -4..0.
      const __m256i sum = _mm256_add_epi8(
          _mm256_add_epi8(_mm256_cmpeq_epi8(x0, _mm256_loadu_si256(y)),
                          _mm256_cmpeq_epi8(x1, _mm256_loadu_si256(y + 1))),
          _mm256_add_epi8(_mm256_cmpeq_epi8(x2, _mm256_loadu_si256(y + 2)),
                          _mm256_cmpeq_epi8(x3, _mm256_loadu_si256(y + 3))));
      const __m256i sums = _mm256_sad_epu8(
          _mm256_sub_epi8(_mm256_setzero_si256(), sum), _mm256_setzero_si256());
      const __m128i halves = _mm_add_epi64(_mm256_castsi256_si128(sums),
                                           _mm256_extracti128_si256(sums, 1));
      counts[j] = static_cast<uint32_t>(_mm_cvtsi128_si64(halves) +
                                        _mm_extract_epi64(halves, 1));
    }
    return;
  }
  for (size_t j = 0; j < count; ++j) {
    counts[j] = static_cast<uint32_t>(
        CountEqualAvx2(x, rows + size_t{others[j]} * k, k));
  }
}
#else
size_t CountEqualBytes(const uint8_t* x, const uint8_t* y, size_t k) {
  size_t equal = 0;
  for (size_t j = 0; j < k; ++j) equal += x[j] == y[j] ? 1 : 0;
  return equal;
}
void CountEqualBytesWith(const uint8_t* x, const uint8_t* rows,
                         const uint32_t* others, size_t count, size_t k,
                         uint32_t* counts) {
  for (size_t j = 0; j < count; ++j) {
    counts[j] = static_cast<uint32_t>(
        CountEqualBytes(x, rows + size_t{others[j]} * k, k));
  }
}
#endif

}  // namespace

CandidateSet FindCandidates(const SignatureDigest& digest,
                            const CandidateOptions& options) {
  NEARDUP_CHECK(options.max_bucket >= 2);
  const LshParams& params = digest.params();
  const size_t k = static_cast<size_t>(digest.num_perm());
  const size_t n = digest.items();
  const size_t needed =
      AgreementNeeded(options.min_estimate, digest.num_perm());
  const uint8_t* low = digest.low_bytes();
  NEARDUP_CHECK(needed == 0 || low != nullptr);
  std::vector<BandResult> bands(static_cast<size_t>(params.bands));
  // Each item's entry in a band is one 64-bit word, its 32-bit bucket key
  // above its index, so that sorting the words sorts by (key, item); the
  // merge below marks items by index + 1, also 32 bits.
  NEARDUP_CHECK(n < (uint64_t{1} << 32));
  // A band's buffers (~24 bytes per item), handed on to the next band that
  // starts on any thread: fresh memory costs a page fault per 4 KB, more
  // than sorting it (a season of OCR'd sentences: 31 bands of 10^6 items).
  struct BandBuffers {
    std::vector<uint64_t> entries, scratch;
    std::vector<uint32_t> shared, bucket_ends;
    std::vector<Pair> found;
  };
  // The pairs are merged in ranges of first items, more than there are
  // threads so that ranges of many pairs (items in large clusters) do not
  // leave a thread idle. Range r holds items
  // [range_begin(r), range_begin(r + 1)).
  const size_t ranges = std::min<size_t>(n, 64);
  const auto range_of = [&](uint32_t item) {
    return static_cast<size_t>(uint64_t{item} * ranges / n);
  };
  const auto range_begin = [&](size_t range) {
    return static_cast<size_t>((uint64_t{range} * n + ranges - 1) / ranges);
  };
  std::mutex pool_mutex;
  std::vector<std::unique_ptr<BandBuffers>> pool;
  // Bands are independent: each sorts its own keys on its own thread.
  ParallelFor(bands.size(), options.threads, [&](size_t band) {
    std::unique_ptr<BandBuffers> buffers;
    {
      const std::lock_guard<std::mutex> lock(pool_mutex);
      if (!pool.empty()) {
        buffers = std::move(pool.back());
        pool.pop_back();
      }
    }
    if (buffers == nullptr) buffers = std::make_unique<BandBuffers>();
    auto& [entries, scratch, shared, bucket_ends, found] = *buffers;
    entries.resize(n);
    shared.clear();
    bucket_ends.clear();
    found.clear();
    const uint32_t* keys = digest.band_keys(band);
    for (size_t item = 0; item < n; ++item) {
      entries[item] = (uint64_t{keys[item]} << 32) | item;
    }
    SortHashed(
        entries, scratch, [](uint64_t e) { return e; }, std::less<uint64_t>());
    BandResult& result = bands[band];
    // Items of the buckets shared by two or more (most are singletons), and
    // where each such bucket ends.
    for (size_t begin = 0; begin < n;) {
      const uint64_t key = entries[begin] >> 32;
      size_t end = begin + 1;
      while (end < n && entries[end] >> 32 == key) ++end;
      if (end - begin >= 2) {
        for (size_t i = begin; i < end; ++i) {
          shared.push_back(static_cast<uint32_t>(entries[i]));
        }
        bucket_ends.push_back(static_cast<uint32_t>(shared.size()));
      }
      begin = end;
    }
    // Each item's filter bytes are fetched from memory once per band (a
    // cache miss: 10^6 items, in key order); fetching them a few buckets
    // ahead overlaps the misses with the comparisons.
    constexpr size_t kPrefetchAhead = 16;
    size_t prefetched = 0;
    size_t bucket_begin = 0;
    for (const uint32_t bucket_end : bucket_ends) {
      if (needed > 0) {
        for (const size_t until =
                 std::min<size_t>(shared.size(), bucket_end + kPrefetchAhead);
             prefetched < until; ++prefetched) {
          const uint8_t* ahead = low + size_t{shared[prefetched]} * k;
          for (size_t line = 0; line < k; line += 64) {
            __builtin_prefetch(ahead + line);
          }
        }
      }
      const BucketPairs paired =
          PairBucket(absl::MakeConstSpan(shared.data() + bucket_begin,
                                         bucket_end - bucket_begin),
                     low, k, needed, options.max_bucket, found);
      bucket_begin = bucket_end;
      result.bucket_pairs += paired.pairs;
      result.pruned += paired.pruned;
      result.oversized_buckets += paired.oversized ? 1 : 0;
    }
    // Grouped by range, in the order found within each: range_ends[r]
    // starts as where range r starts and is moved past each pair placed.
    std::vector<size_t>& range_ends = result.range_ends;
    range_ends.assign(ranges, 0);
    for (const Pair& pair : found) ++range_ends[range_of(pair.first)];
    size_t placed = 0;
    for (size_t& end : range_ends) {
      placed += end;
      end = placed - end;
    }
    result.pairs.resize(found.size());
    for (const Pair& pair : found) {
      result.pairs[range_ends[range_of(pair.first)]++] = pair;
    }
    const std::lock_guard<std::mutex> lock(pool_mutex);
    pool.push_back(std::move(buffers));
  });
  pool.clear();
  CandidateSet result;
  for (const BandResult& band : bands) {
    result.bucket_pairs += band.bucket_pairs;
    result.pruned += band.pruned;
    result.oversized_buckets += band.oversized_buckets;
  }
  // The bands' pairs, sorted and unique, range by range on all threads
  // (the merge took a third of a second on one thread for 7.7 M pairs, 2.5 M
  // unique, on chronam1916 Q1): placed by first item with a counting sort
  // (linear; std::sort of 10^7 pairs took most of a second), then each
  // item's partners kept once (a pair similar enough to pass the estimate
  // shares most bands: 2 of 3 found are repeats) and sorted.
  struct RangePairs {
    std::vector<size_t> starts;      // per item of the range, and its end
    std::vector<uint32_t> partners;  // unique, in item order
  };
  std::vector<RangePairs> merged(ranges);
  // Per worker: 1 + the last item found paired with each item.
  std::vector<std::vector<uint32_t>> last_with(
      ParallelWorkers(ranges, options.threads));
  ParallelFor(ranges, options.threads, [&](size_t range, size_t worker) {
    const size_t first_item = range_begin(range);
    const auto band_pairs = [&](const BandResult& band) {
      const size_t begin = range == 0 ? 0 : band.range_ends[range - 1];
      return absl::MakeConstSpan(band.pairs.data() + begin,
                                 band.range_ends[range] - begin);
    };
    auto& [starts, partners] = merged[range];
    starts.assign(range_begin(range + 1) - first_item + 1, 0);
    for (const BandResult& band : bands) {
      for (const Pair& pair : band_pairs(band)) {
        ++starts[pair.first - first_item + 1];
      }
    }
    for (size_t i = 1; i < starts.size(); ++i) starts[i] += starts[i - 1];
    partners.resize(starts.back());
    std::vector<size_t> next(starts.begin(), starts.end() - 1);
    for (const BandResult& band : bands) {
      for (const Pair& pair : band_pairs(band)) {
        partners[next[pair.first - first_item]++] = pair.second;
      }
    }
    // Moved down over the repeats removed before them; starts become the
    // ranges kept.
    std::vector<uint32_t>& last = last_with[worker];
    last.resize(n, 0);  // marks of other ranges' items never match
    size_t kept = 0;
    for (size_t item = 0; item + 1 < starts.size(); ++item) {
      const uint32_t mark = static_cast<uint32_t>(first_item + item + 1);
      const size_t begin = kept;
      for (size_t i = starts[item]; i < starts[item + 1]; ++i) {
        const uint32_t partner = partners[i];
        if (last[partner] != mark) {
          last[partner] = mark;
          partners[kept++] = partner;
        }
      }
      std::sort(partners.begin() + begin, partners.begin() + kept);
      starts[item] = begin;
    }
    starts.back() = kept;
    partners.resize(kept);
  });
  for (BandResult& band : bands) Release(band.pairs);
  std::vector<size_t> range_offset(ranges + 1, 0);
  for (size_t range = 0; range < ranges; ++range) {
    range_offset[range + 1] =
        range_offset[range] + merged[range].partners.size();
  }
  result.pairs.resize(range_offset[ranges]);
  ParallelFor(ranges, options.threads, [&](size_t range) {
    const size_t first_item = range_begin(range);
    const auto& [starts, partners] = merged[range];
    size_t out = range_offset[range];
    for (size_t item = 0; item + 1 < starts.size(); ++item) {
      for (size_t i = starts[item]; i < starts[item + 1]; ++i) {
        result.pairs[out++] = {static_cast<uint32_t>(first_item + item),
                               partners[i]};
      }
    }
  });
  return result;
}

size_t AgreementNeeded(double min_estimate, int num_perm) {
  return static_cast<size_t>(
      std::ceil(min_estimate * static_cast<double>(num_perm)));
}

BucketPairs PairBucket(absl::Span<const uint32_t> members, const uint8_t* rows,
                       size_t k, size_t needed, size_t max_bucket,
                       std::vector<std::pair<uint32_t, uint32_t>>& kept) {
  BucketPairs result;
  const size_t size = members.size();
  const auto check = [&](uint32_t a, uint32_t b) {
    ++result.pairs;
    if (needed == 0 || CountEqualBytes(rows + size_t{a} * k,
                                       rows + size_t{b} * k, k) >= needed) {
      kept.emplace_back(a, b);
    } else {
      ++result.pruned;
    }
  };
  if (size > max_bucket) {  // each with the first and its predecessor
    result.oversized = true;
    for (size_t i = 1; i < size; ++i) {
      check(members[0], members[i]);
      if (i > 1) check(members[i - 1], members[i]);
    }
    return result;
  }
  if (needed == 0) {
    for (size_t i = 0; i < size; ++i) {
      for (size_t j = i + 1; j < size; ++j) check(members[i], members[j]);
    }
    return result;
  }
  // Every pair: each member against those after it, counted a stack-sized
  // run at a time.
  constexpr size_t kRun = 256;
  uint32_t agreements[kRun];
  for (size_t i = 0; i + 1 < size; ++i) {
    const uint8_t* row = rows + size_t{members[i]} * k;
    for (size_t first = i + 1; first < size; first += kRun) {
      const size_t count = std::min(kRun, size - first);
      CountEqualBytesWith(row, rows, members.data() + first, count, k,
                          agreements);
      result.pairs += count;
      for (size_t j = 0; j < count; ++j) {
        if (agreements[j] >= needed) {
          kept.emplace_back(members[i], members[first + j]);
        } else {
          ++result.pruned;
        }
      }
    }
  }
  return result;
}

double EstimateFloor(double threshold, int num_perm) {
  const double standard_error =
      std::sqrt(threshold * (1 - threshold) / static_cast<double>(num_perm));
  return std::max(0.0, threshold - 4.5 * standard_error);
}

SignatureDigest::SignatureDigest(size_t items, int num_perm,
                                 const LshParams& params, bool keep_low_bytes)
    : items_(items), num_perm_(static_cast<size_t>(num_perm)), params_(params) {
  NEARDUP_CHECK(ValidateLshParams(params, num_perm).ok());
  keys_ = MakeHugeBuffer<uint32_t>(items * static_cast<size_t>(params.bands));
  if (keep_low_bytes) low_bytes_ = MakeHugeBuffer<uint8_t>(items * num_perm_);
}

namespace {

template <typename Value>
CandidateSet FindCandidatesOf(absl::Span<const Value> signatures, int num_perm,
                              const LshParams& params,
                              const CandidateOptions& options) {
  const size_t k = static_cast<size_t>(num_perm);
  const size_t n = signatures.size() / k;
  SignatureDigest digest(n, num_perm, params, options.min_estimate > 0);
  ParallelFor(n, options.threads, [&](size_t item) {
    digest.Add(item, signatures.data() + item * k);
  });
  return FindCandidates(digest, options);
}

}  // namespace

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
