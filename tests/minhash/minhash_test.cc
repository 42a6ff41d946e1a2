#include "minhash/minhash.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "base/hash.h"
#include "base/status_matchers.h"
#include "gtest/gtest.h"
#include "shingle/shingle.h"

namespace neardup {
namespace {

// Two sets of `size` hashes sharing `common` of them; deterministic in `salt`.
void MakeSets(uint64_t salt, size_t size, size_t common,
              std::vector<uint64_t>& a, std::vector<uint64_t>& b) {
  a.clear();
  b.clear();
  for (uint64_t i = 0; i < size; ++i) {
    const uint64_t shared = Mix64(salt * 1000003 + i);
    a.push_back(i < common ? shared : Mix64(salt * 7919 + i + (1ull << 40)));
    b.push_back(i < common ? shared : Mix64(salt * 7919 + i + (1ull << 41)));
  }
}

TEST(MinHashTest, RejectsBadPermutationCounts) {
  EXPECT_THAT(MinHasher::Create(0, 1).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_THAT(MinHasher::Create(1025, 1).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
}

TEST(MinHashTest, SameInputSameSignatureAndOrderDoesNotMatter) {
  const MinHasher h = *MinHasher::Create(64, 42);
  const std::vector<uint64_t> x = {5, 1, 9, 1}, y = {9, 5, 1};
  EXPECT_EQ(h.Sign(x), h.Sign(y));
  EXPECT_EQ(h.Sign(x), MinHasher::Create(64, 42)->Sign(x));
  EXPECT_NE(h.Sign(x), MinHasher::Create(64, 43)->Sign(x));
  EXPECT_EQ(h.Sign(x).size(), 64u);
}

TEST(MinHashTest, EmptySetMatchesNothing) {
  const MinHasher h = *MinHasher::Create(32, 1);
  const std::vector<uint64_t> empty, one = {7};
  EXPECT_DOUBLE_EQ(EstimateJaccard(h.Sign(empty), h.Sign(one)), 0.0);
}

// The estimate is unbiased with standard error sqrt(J(1-J)/k): averaged over
// many pairs, the mean estimate stays within 3 standard errors of the mean,
// and single estimates within 3 standard errors almost always.
TEST(MinHashTest, EstimateStaysWithinThreeStandardErrorsOfExactJaccard) {
  constexpr int kPerm = 128;
  constexpr int kTrials = 200;
  const MinHasher h = *MinHasher::Create(kPerm, 7);
  for (const auto& [size, common] : {std::pair<size_t, size_t>{20, 10},
                                     {200, 100},
                                     {200, 180},
                                     {60, 20},
                                     {500, 450}}) {
    double sum_error = 0;
    int outside = 0;
    double exact = 0;
    for (int t = 0; t < kTrials; ++t) {
      std::vector<uint64_t> a, b;
      MakeSets(static_cast<uint64_t>(t) + size * 131, size, common, a, b);
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      exact = Jaccard(a, b);
      const double estimate = EstimateJaccard(h.Sign(a), h.Sign(b));
      const double se = std::sqrt(exact * (1 - exact) / kPerm);
      sum_error += estimate - exact;
      if (std::fabs(estimate - exact) > 3 * se) ++outside;
    }
    const double se_of_mean = std::sqrt(exact * (1 - exact) / kPerm / kTrials);
    EXPECT_LT(std::fabs(sum_error / kTrials), 3 * se_of_mean)
        << "size=" << size << " J=" << exact;
    EXPECT_LE(outside, kTrials / 50) << "size=" << size << " J=" << exact;
  }
}

}  // namespace
}  // namespace neardup
