#include "base/sorted_ids.h"

#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace neardup {
namespace {

// Checks every position and every id in [base - 70, end + 70) of `set`
// against `expected` (ascending): ids by position, positions and counts by
// id, and the next id held.
void ExpectHolds(const SortedIds& set, const std::vector<uint32_t>& expected,
                 uint32_t base, uint32_t end) {
  ASSERT_EQ(set.size(), expected.size());
  EXPECT_EQ(set.empty(), expected.empty());
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(set[i], expected[i]) << "position " << i;
    ASSERT_EQ(set.IndexOf(expected[i]), i) << "id " << expected[i];
  }
  uint32_t below = 0;
  for (uint32_t id = base < 70 ? 0 : base - 70; id < end + 70; ++id) {
    ASSERT_EQ(set.CountBelow(id), below) << "id " << id;
    ASSERT_EQ(set.FirstAtOrAfter(id), below < expected.size()
                                          ? std::optional(expected[below])
                                          : std::nullopt)
        << "id " << id;
    if (below < expected.size() && expected[below] == id) ++below;
  }
}

// Random bits over `words` words starting at `base`, each set with
// probability `density`; returns the bits and fills `ids`.
std::vector<uint64_t> RandomBits(size_t words, double density, uint32_t base,
                                 uint32_t seed, std::vector<uint32_t>& ids) {
  std::mt19937 random(seed);
  std::bernoulli_distribution set(density);
  std::vector<uint64_t> bits(words, 0);
  ids.clear();
  for (uint32_t i = 0; i < words * 64; ++i) {
    if (set(random)) {
      bits[i / 64] |= uint64_t{1} << (i % 64);
      ids.push_back(base + i);
    }
  }
  return bits;
}

TEST(SortedIdsTest, DenseBitsAreHeldAsBitsAndReadLikeTheIds) {
  for (const double density : {0.2, 0.5, 0.97}) {
    std::vector<uint32_t> ids;
    const uint32_t base = 1000;
    std::vector<uint64_t> bits = RandomBits(40, density, base, 7, ids);
    const SortedIds set = SortedIds::FromBits(std::move(bits), base);
    ExpectHolds(set, ids, base, base + 40 * 64);
    // 1.5 bits per id in the range, not 4 bytes per id held.
    EXPECT_EQ(set.memory_bytes(), 40 * (8 + 4)) << density;
  }
}

TEST(SortedIdsTest, SparseBitsAreHeldAsAnArray) {
  std::vector<uint32_t> ids;
  std::vector<uint64_t> bits = RandomBits(40, 0.02, 64, 11, ids);
  ASSERT_FALSE(ids.empty());
  const SortedIds set = SortedIds::FromBits(std::move(bits), 64);
  ExpectHolds(set, ids, 64, 64 + 40 * 64);
  EXPECT_EQ(set.memory_bytes(), ids.size() * sizeof(uint32_t));
}

TEST(SortedIdsTest, WordEdgesAndEmptyWords) {
  // Ids at both ends of words, whole words empty and whole words full.
  std::vector<uint64_t> bits = {
      uint64_t{1}, uint64_t{1} << 63,      0, ~uint64_t{0}, 0,
      0,           (uint64_t{1} << 63) | 1};
  std::vector<uint32_t> ids = {0, 127};
  for (uint32_t i = 192; i < 256; ++i) ids.push_back(i);
  ids.push_back(384);
  ids.push_back(447);
  const SortedIds set = SortedIds::FromBits(bits, 0);
  ExpectHolds(set, ids, 0, 7 * 64);
}

TEST(SortedIdsTest, AnArrayIsReadAsGiven) {
  const std::vector<uint32_t> ids = {3, 4, 90, 1u << 31, 4000000000u};
  ExpectHolds(SortedIds(ids), ids, 0, 200);
  EXPECT_EQ(SortedIds(ids).CountBelow(4000000000u), 4u);
  EXPECT_EQ(SortedIds(ids).CountBelow(4000000001u), 5u);
}

TEST(SortedIdsTest, EmptySets) {
  ExpectHolds(SortedIds(), {}, 0, 10);
  ExpectHolds(SortedIds::FromBits({}, 5), {}, 5, 10);
  ExpectHolds(SortedIds::FromBits({0, 0, 0}, 5), {}, 5, 5 + 192);
}

}  // namespace
}  // namespace neardup
