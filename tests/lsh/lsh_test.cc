#include "lsh/lsh.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <vector>

#include "base/status_matchers.h"
#include "gtest/gtest.h"

namespace neardup {
namespace {

TEST(LshTest, CandidateProbabilityIsTheSCurve) {
  const LshParams p{20, 5};
  EXPECT_NEAR(CandidateProbability(0.5, p),
              1 - std::pow(1 - std::pow(0.5, 5), 20), 1e-12);
  EXPECT_DOUBLE_EQ(CandidateProbability(1.0, p), 1.0);
  EXPECT_DOUBLE_EQ(CandidateProbability(0.0, p), 0.0);
}

TEST(LshTest, ChosenParamsFitAndReachTheRecallFloor) {
  for (const double threshold : {0.3, 0.45, 0.5, 0.7, 0.9}) {
    for (const int num_perm : {64, 128, 256}) {
      const LshParams p = *ChooseLshParams(threshold, num_perm);
      EXPECT_LE(p.bands * p.rows, num_perm);
      EXPECT_GE(CandidateProbability(threshold, p), 0.99)
          << threshold << " " << num_perm;
    }
  }
  // A higher threshold never needs a looser curve.
  const LshParams low = *ChooseLshParams(0.5, 128);
  const LshParams high = *ChooseLshParams(0.9, 128);
  EXPECT_LT(CandidateProbability(0.4, high), CandidateProbability(0.4, low));
}

TEST(LshTest, RejectsBadParams) {
  EXPECT_THAT(ChooseLshParams(1.0, 128).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_THAT(ValidateLshParams({20, 7}, 128),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_THAT(ValidateLshParams({16, 8}, 128), IsOk());
}

TEST(LshTest, FindsItemsSharingABandAndOnlyThose) {
  constexpr int k = 4;
  // Items 0 and 2 agree on band 1 (values 2..3); item 1 agrees with nobody.
  const std::vector<uint64_t> signatures = {1, 2, 3, 4,  //
                                            9, 9, 9, 9,  //
                                            5, 6, 3, 4};
  const CandidateSet c = FindCandidates(signatures, k, {2, 2}, {});
  ASSERT_EQ(c.pairs.size(), 1u);
  EXPECT_EQ(c.pairs[0], std::make_pair(0u, 2u));
  EXPECT_EQ(c.oversized_buckets, 0u);
}

TEST(LshTest, OversizedBucketsCostLinearPairs) {
  constexpr int k = 2;
  constexpr uint32_t n = 1000;
  const std::vector<uint64_t> signatures(size_t{n} * k, 7);  // all identical
  const CandidateSet c =
      FindCandidates(signatures, k, {1, 2}, {.max_bucket = 10});
  EXPECT_EQ(c.oversized_buckets, 1u);
  EXPECT_LE(c.pairs.size(), 2u * n);
  EXPECT_GE(c.pairs.size(), n - 1u);  // every item is paired with the first
  EXPECT_TRUE(std::is_sorted(c.pairs.begin(), c.pairs.end()));
  // Within the limit, all pairs.
  const CandidateSet small = FindCandidates(
      std::vector<uint64_t>(size_t{5} * k, 7), k, {1, 2}, {.max_bucket = 10});
  EXPECT_EQ(small.pairs.size(), 10u);
}

TEST(LshTest, EstimateFloorIsFourAndAHalfStandardErrorsBelow) {
  EXPECT_NEAR(EstimateFloor(0.5, 128), 0.5 - 4.5 * std::sqrt(0.25 / 128),
              1e-12);
  EXPECT_DOUBLE_EQ(EstimateFloor(0.05, 4), 0.0);
}

TEST(LshTest, PairsBelowTheEstimateFloorAreDroppedAsFound) {
  constexpr int k = 4;
  // Band 0 (position 0) puts all four items in one bucket; band 1
  // (position 1) puts 0, 1 and 3 together.
  const std::vector<uint32_t> signatures = {1, 2, 3, 4,   // 0
                                            1, 2, 3, 9,   // 1: 3/4 with 0
                                            1, 8, 8, 8,   // 2: 1/4 with all
                                            1, 2, 3, 4};  // 3: same as 0
  const std::vector<std::pair<uint32_t, uint32_t>> kept = {
      {0, 1}, {0, 3}, {1, 3}};
  for (const int threads : {1, 3}) {
    const CandidateSet c = FindCandidates(
        signatures, k, {2, 1}, {.min_estimate = 0.75, .threads = threads});
    EXPECT_EQ(c.pairs, kept);
    EXPECT_EQ(c.bucket_pairs, 6u + 3u);  // once per band that pairs them
    EXPECT_EQ(c.pruned, 3u);             // the three pairs with item 2
  }
  const std::vector<uint64_t> wide(signatures.begin(), signatures.end());
  EXPECT_EQ(FindCandidates(wide, k, {2, 1}, {.min_estimate = 0.75}).pairs,
            kept);
  EXPECT_EQ(FindCandidates(wide, k, {2, 1}, {}).pairs.size(), 6u);
}

// PairBucket() against its contract read directly: members with rows of
// low bytes (some near copies of others, so that the check goes both
// ways), in a bucket larger than the run of counts kept on the stack (256),
// paired in full or, above max_bucket, each with the first and its
// predecessor; for a num_perm that is and one that is not a multiple of 32.
TEST(LshTest, PairBucketKeepsThePairsAgreeingInEnoughBytes) {
  std::mt19937 random(17);
  for (const size_t k : {size_t{128}, size_t{45}}) {
    constexpr uint32_t kRows = 700;
    std::vector<uint8_t> rows(kRows * k);
    for (uint32_t r = 0; r < kRows; ++r) {
      for (size_t j = 0; j < k; ++j) {
        rows[r * k + j] = r >= 10 && random() % 3 != 0
                              ? rows[(r % 10) * k + j]  // a near copy
                              : static_cast<uint8_t>(random() % 4);
      }
    }
    std::vector<uint32_t> members;  // every other row: indexes, not positions
    for (uint32_t r = 0; r < kRows; r += 2) members.push_back(r);
    const size_t needed = k * 3 / 5;
    for (const size_t max_bucket : {size_t{1000}, size_t{100}}) {
      std::vector<std::pair<uint32_t, uint32_t>> made;
      if (members.size() > max_bucket) {
        for (size_t i = 1; i < members.size(); ++i) {
          made.emplace_back(members[0], members[i]);
          if (i > 1) made.emplace_back(members[i - 1], members[i]);
        }
      } else {
        for (size_t i = 0; i < members.size(); ++i) {
          for (size_t j = i + 1; j < members.size(); ++j) {
            made.emplace_back(members[i], members[j]);
          }
        }
      }
      std::vector<std::pair<uint32_t, uint32_t>> expected;
      for (const auto& [a, b] : made) {
        size_t equal = 0;
        for (size_t j = 0; j < k; ++j)
          equal += rows[a * k + j] == rows[b * k + j];
        if (equal >= needed) expected.emplace_back(a, b);
      }
      ASSERT_GT(expected.size(), 10u);
      ASSERT_LT(expected.size(), made.size() - 10);
      std::vector<std::pair<uint32_t, uint32_t>> kept;
      const BucketPairs paired =
          PairBucket(members, rows.data(), k, needed, max_bucket, kept);
      std::sort(kept.begin(), kept.end());
      std::sort(expected.begin(), expected.end());
      EXPECT_EQ(kept, expected) << k << " " << max_bucket;
      EXPECT_EQ(paired.pairs, made.size());
      EXPECT_EQ(paired.pruned, made.size() - expected.size());
      EXPECT_EQ(paired.oversized, members.size() > max_bucket);
      // needed == 0 keeps every pair without reading a row.
      kept.clear();
      EXPECT_EQ(PairBucket(members, nullptr, k, 0, max_bucket, kept).pruned,
                0u);
      EXPECT_EQ(kept.size(), made.size());
    }
  }
}

// FindCandidates() against a direct reading of its contract: every pair
// sharing a band, kept when its signatures agree in enough positions,
// counted on the values' low bytes. Values changed above the low byte agree
// in it without being equal (pairs kept that whole values would drop);
// values changed in it make the two counts equal. Pairs sit exactly on the
// floor. For 32- and 64-bit values and a num_perm that is and one that is
// not a multiple of 16.
template <typename Value>
void ExpectReferencePairs(int k, bool above_low_byte, uint32_t seed) {
  constexpr uint32_t n = 300;
  const LshParams params{k / 3, 3};
  std::mt19937 random(seed);
  std::vector<Value> signatures(size_t{n} * k);
  for (uint32_t item = 0; item < n; ++item) {
    const uint32_t base = random() % 40;  // near copies of 40 originals
    for (int j = 0; j < k; ++j) {
      // A quarter of values changed: in the low byte, or above it.
      const uint32_t change = random() % 4 != 0 ? 0
                              : above_low_byte  ? 256 * (random() % 3 + 1)
                                                : 8 + random() % 3;
      signatures[size_t{item} * k + j] =
          static_cast<Value>((base * 131 + j) % 7 + change);
    }
  }
  // Every pair sharing a band, once per band, with its agreement count.
  struct BucketPair {
    uint32_t a, b;
    size_t equal;         // low bytes
    size_t equal_values;  // whole values
  };
  std::vector<BucketPair> bucket_pairs;
  for (int band = 0; band < params.bands; ++band) {
    std::map<std::vector<Value>, std::vector<uint32_t>> buckets;
    for (uint32_t item = 0; item < n; ++item) {
      const Value* values = signatures.data() + size_t{item} * k + band * 3;
      buckets[std::vector<Value>(values, values + 3)].push_back(item);
    }
    for (const auto& [values, members] : buckets) {
      for (size_t i = 0; i < members.size(); ++i) {
        for (size_t j = i + 1; j < members.size(); ++j) {
          size_t equal = 0, equal_values = 0;
          for (int v = 0; v < k; ++v) {
            const Value x = signatures[size_t{members[i]} * k + v];
            const Value y = signatures[size_t{members[j]} * k + v];
            equal += static_cast<uint8_t>(x) == static_cast<uint8_t>(y);
            equal_values += x == y;
          }
          bucket_pairs.push_back({members[i], members[j], equal, equal_values});
        }
      }
    }
  }
  // Floors at and around the median agreement of values, so that pairs sit
  // exactly on the floor.
  std::vector<size_t> counts;
  for (const BucketPair& p : bucket_pairs) counts.push_back(p.equal_values);
  std::nth_element(counts.begin(), counts.begin() + counts.size() / 2,
                   counts.end());
  const size_t median = counts[counts.size() / 2];
  // What scans hand to FindCandidates(): each signature digested as it is
  // made, here last item first.
  SignatureDigest digest(n, k, params, /*keep_low_bytes=*/true);
  for (uint32_t item = n; item-- > 0;) {
    digest.Add(item, signatures.data() + size_t{item} * k);
  }
  for (const size_t needed : {median - 1, median, median + 1}) {
    std::vector<std::pair<uint32_t, uint32_t>> expected;
    size_t pruned = 0, kept_by_low_bytes = 0;
    for (const BucketPair& p : bucket_pairs) {
      if (p.equal >= needed) {
        expected.emplace_back(p.a, p.b);
        if (p.equal_values < needed) ++kept_by_low_bytes;
      } else {
        ++pruned;
      }
    }
    // Whole values would drop many of the pairs kept, or none of them.
    if (above_low_byte) {
      ASSERT_GT(kept_by_low_bytes, 100u);
    } else {
      ASSERT_EQ(kept_by_low_bytes, 0u);
      ASSERT_GT(pruned, 100u);
    }
    std::sort(expected.begin(), expected.end());
    expected.erase(std::unique(expected.begin(), expected.end()),
                   expected.end());
    ASSERT_GT(expected.size(), 100u);
    const double min_estimate = (static_cast<double>(needed) - 0.5) / k;
    ASSERT_EQ(AgreementNeeded(min_estimate, k), needed);
    const CandidateSet c = FindCandidates(
        signatures, k, params,
        {.max_bucket = n, .min_estimate = min_estimate, .threads = 2});
    EXPECT_EQ(c.pairs, expected) << needed;
    EXPECT_EQ(c.bucket_pairs, bucket_pairs.size());
    EXPECT_EQ(c.pruned, pruned);
    // The same pairs on any number of threads (bands and the ranges of
    // first items their pairs are merged in are shared out among them).
    for (const int threads : {1, 2, 3}) {
      const CandidateSet from_digest = FindCandidates(
          digest,
          {.max_bucket = n, .min_estimate = min_estimate, .threads = threads});
      EXPECT_EQ(from_digest.pairs, expected) << needed << " " << threads;
      EXPECT_EQ(from_digest.bucket_pairs, bucket_pairs.size());
      EXPECT_EQ(from_digest.pruned, pruned);
    }
  }
}

TEST(LshTest, FindsExactlyTheReferencePairs) {
  for (const bool above_low_byte : {false, true}) {
    SCOPED_TRACE(above_low_byte);
    ExpectReferencePairs<uint32_t>(128, above_low_byte, 1);
    ExpectReferencePairs<uint64_t>(128, above_low_byte, 2);
    ExpectReferencePairs<uint32_t>(45, above_low_byte, 3);
    ExpectReferencePairs<uint64_t>(45, above_low_byte, 4);
  }
}

}  // namespace
}  // namespace neardup
