#include "lsh/lsh.h"

#include <algorithm>
#include <cmath>
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
  const CandidateSet c = FindCandidates(signatures, k, {2, 2}, 10);
  ASSERT_EQ(c.pairs.size(), 1u);
  EXPECT_EQ(c.pairs[0], std::make_pair(0u, 2u));
  EXPECT_EQ(c.oversized_buckets, 0u);
}

TEST(LshTest, OversizedBucketsCostLinearPairs) {
  constexpr int k = 2;
  constexpr uint32_t n = 1000;
  const std::vector<uint64_t> signatures(size_t{n} * k, 7);  // all identical
  const CandidateSet c = FindCandidates(signatures, k, {1, 2}, 10);
  EXPECT_EQ(c.oversized_buckets, 1u);
  EXPECT_LE(c.pairs.size(), 2u * n);
  EXPECT_GE(c.pairs.size(), n - 1u);  // every item is paired with the first
  EXPECT_TRUE(std::is_sorted(c.pairs.begin(), c.pairs.end()));
  // Within the limit, all pairs.
  const CandidateSet small =
      FindCandidates(std::vector<uint64_t>(size_t{5} * k, 7), k, {1, 2}, 10);
  EXPECT_EQ(small.pairs.size(), 10u);
}

}  // namespace
}  // namespace neardup
