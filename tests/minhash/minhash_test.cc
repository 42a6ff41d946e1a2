#include "minhash/minhash.h"

#include <algorithm>
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

// Permutation i depends only on the seed and i, so a shorter signature is a
// prefix of a longer one. The kernels sign permutations in blocks with a
// tail loop for the rest: sizes on both sides of block boundaries take
// different paths to the same values.
TEST(MinHashTest, ShorterSignaturesArePrefixesOfLongerOnes) {
  std::vector<uint64_t> set;
  for (uint64_t i = 0; i < 300; ++i) set.push_back(Mix64(i));
  const MinHasher longest = *MinHasher::Create(256, 5);
  const std::vector<uint32_t> full32 = longest.Sign32(set);
  const std::vector<uint64_t> full64 = longest.Sign(set);
  for (const int k : {1, 31, 32, 33, 63, 64, 65, 100, 128, 200}) {
    const MinHasher h = *MinHasher::Create(k, 5);
    EXPECT_EQ(h.Sign32(set),
              std::vector<uint32_t>(full32.begin(), full32.begin() + k))
        << k;
    EXPECT_EQ(h.Sign(set),
              std::vector<uint64_t>(full64.begin(), full64.begin() + k))
        << k;
  }
}

// The 32-bit signature by its definition, one value at a time: the
// constants drawn from the seed as MinHasher::Create() draws them, each
// hash folded to 32 bits. Whichever signing kernel the CPU runs (blocks of
// permutations, a tail past the last block) must give these integers.
TEST(MinHashTest, ThirtyTwoBitSignaturesFollowTheirDefinition) {
  constexpr uint64_t kSeed = 9;
  std::vector<uint32_t> multipliers, addends;
  uint64_t state = Mix64(kSeed);
  for (int i = 0; i < 200; ++i) {
    state = Mix64(state);
    multipliers.push_back(static_cast<uint32_t>(state >> 32) | 1);
    state = Mix64(state);
    addends.push_back(static_cast<uint32_t>(state >> 32));
  }
  for (const size_t size : {1, 7, 300}) {
    std::vector<uint64_t> set;
    for (uint64_t i = 0; i < size; ++i) set.push_back(Mix64(i + 77));
    for (const int k : {1, 31, 32, 33, 64, 100, 128, 200}) {
      std::vector<uint32_t> expected(static_cast<size_t>(k), UINT32_MAX);
      for (const uint64_t h : set) {
        const uint32_t x = static_cast<uint32_t>(h ^ (h >> 32));
        for (size_t i = 0; i < expected.size(); ++i) {
          expected[i] = std::min(expected[i], multipliers[i] * x + addends[i]);
        }
      }
      EXPECT_EQ(MinHasher::Create(k, kSeed)->Sign32(set), expected)
          << size << " hashes, " << k << " permutations";
    }
  }
}

TEST(MinHashTest, EmptySetMatchesNothing) {
  const MinHasher h = *MinHasher::Create(32, 1);
  const std::vector<uint64_t> empty, one = {7};
  EXPECT_DOUBLE_EQ(EstimateJaccard(h.Sign(empty), h.Sign(one)), 0.0);
}

// Estimates of the Jaccard similarity of generated pairs of sets, with either
// signature width.
struct Errors {
  double mean_error = 0;  // bias
  double rmse = 0;
  int outside_3se = 0;
  double exact = 0;
};

Errors Measure(const MinHasher& h, bool bits32, size_t size, size_t common,
               int trials) {
  Errors e;
  double sum_sq = 0;
  for (int t = 0; t < trials; ++t) {
    std::vector<uint64_t> a, b;
    MakeSets(static_cast<uint64_t>(t) + size * 131, size, common, a, b);
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    e.exact = Jaccard(a, b);
    const double estimate = bits32 ? EstimateJaccard(h.Sign32(a), h.Sign32(b))
                                   : EstimateJaccard(h.Sign(a), h.Sign(b));
    const double se = std::sqrt(e.exact * (1 - e.exact) / h.num_perm());
    e.mean_error += (estimate - e.exact) / trials;
    sum_sq += (estimate - e.exact) * (estimate - e.exact);
    if (std::fabs(estimate - e.exact) > 3 * se) ++e.outside_3se;
  }
  e.rmse = std::sqrt(sum_sq / trials);
  return e;
}

constexpr std::pair<size_t, size_t> kShapes[] = {
    {20, 10}, {200, 100}, {200, 180}, {60, 20}, {500, 450}};

// The estimate is unbiased with standard error sqrt(J(1-J)/k): averaged over
// many pairs, the mean estimate stays within 3 standard errors of the mean,
// and single estimates within 3 standard errors almost always.
TEST(MinHashTest, EstimateStaysWithinThreeStandardErrorsOfExactJaccard) {
  constexpr int kTrials = 200;
  const MinHasher h = *MinHasher::Create(128, 7);
  for (const bool bits32 : {false, true}) {
    for (const auto& [size, common] : kShapes) {
      const Errors e = Measure(h, bits32, size, common, kTrials);
      const double se_of_mean =
          std::sqrt(e.exact * (1 - e.exact) / 128 / kTrials);
      EXPECT_LT(std::fabs(e.mean_error), 3 * se_of_mean)
          << "bits32=" << bits32 << " size=" << size << " J=" << e.exact;
      EXPECT_LE(e.outside_3se, kTrials / 50)
          << "bits32=" << bits32 << " size=" << size << " J=" << e.exact;
    }
  }
}

// 32-bit signatures cost no accuracy: their RMSE stays within 15% of the
// 64-bit one, and both near the theoretical sqrt(J(1-J)/k).
TEST(MinHashTest, ThirtyTwoBitSignaturesAreAsAccurate) {
  constexpr int kTrials = 400;
  const MinHasher h = *MinHasher::Create(128, 11);
  for (const auto& [size, common] : kShapes) {
    const Errors e64 = Measure(h, false, size, common, kTrials);
    const Errors e32 = Measure(h, true, size, common, kTrials);
    const double theory = std::sqrt(e64.exact * (1 - e64.exact) / 128);
    EXPECT_LT(e32.rmse, 1.15 * e64.rmse + 0.002) << "size=" << size;
    EXPECT_LT(e32.rmse, 1.2 * theory) << "size=" << size;
    EXPECT_LT(e64.rmse, 1.2 * theory) << "size=" << size;
  }
}

TEST(MinHashTest, ThirtyTwoBitSignaturesOfEqualSetsAgree) {
  const MinHasher h = *MinHasher::Create(64, 3);
  const std::vector<uint64_t> x = {5, 1, 9, 1}, y = {9, 5, 1}, empty;
  EXPECT_EQ(h.Sign32(x), h.Sign32(y));
  EXPECT_EQ(h.Sign32(x).size(), 64u);
  EXPECT_DOUBLE_EQ(EstimateJaccard(h.Sign32(x), h.Sign32(y)), 1.0);
  EXPECT_DOUBLE_EQ(EstimateJaccard(h.Sign32(empty), h.Sign32(x)), 0.0);
}

}  // namespace
}  // namespace neardup
