#include "base/hash_sort.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include "base/hash.h"
#include "gtest/gtest.h"

namespace neardup {
namespace {

TEST(SortHashedTest, SortsLikeStdSortAtEverySize) {
  std::mt19937_64 random(7);
  // Past 65,536 values, a first pass splits them on their top bits.
  for (const size_t n :
       {0, 1, 2, 63, 64, 65, 100, 1000, 5000, 65536, 65537, 300000}) {
    std::vector<uint64_t> values(n), scratch;
    for (uint64_t& v : values) v = Hash64(std::to_string(random() % (n + 1)));
    std::vector<uint64_t> expected = values;
    std::sort(expected.begin(), expected.end());
    SortHashed(
        values, scratch, [](uint64_t v) { return v; }, std::less<uint64_t>());
    EXPECT_EQ(values, expected) << n;
  }
}

TEST(SortHashedTest, IntoWritesTheSortedCopyAndLeavesTheInput) {
  // Counting arrays on the stack up to 4,096 partitions (4,096 values), on
  // the heap past that; split first past 65,536 values.
  std::mt19937_64 random(3);
  for (const size_t n : {0, 1, 2, 3, 63, 64, 110, 4096, 4097, 9000, 70000}) {
    std::vector<uint64_t> values(n);
    for (uint64_t& v : values) v = Hash64(std::to_string(random() % (n + 1)));
    const std::vector<uint64_t> input = values;
    std::vector<uint64_t> expected = values;
    std::sort(expected.begin(), expected.end());
    std::vector<uint64_t> out(n);
    SortHashedInto(
        values.data(), n, out.data(), [](uint64_t v) { return v; },
        std::less<uint64_t>());
    EXPECT_EQ(out, expected) << n;
    EXPECT_EQ(values, input) << n;
  }
}

TEST(SortHashedTest, SortsKeysThatAreNotSpreadInTheirTopBits) {
  // Small numbers all fall in the first partition: it is sorted on its own
  // rather than by insertion, and the result is the same.
  std::mt19937_64 random(5);
  for (const size_t n : {40, 5000, 100000}) {
    std::vector<uint64_t> values(n), scratch;
    for (uint64_t& v : values) v = random() % 100000;
    std::vector<uint64_t> expected = values;
    std::sort(expected.begin(), expected.end());
    SortHashed(
        values, scratch, [](uint64_t v) { return v; }, std::less<uint64_t>());
    EXPECT_EQ(values, expected) << n;
  }
}

TEST(SortHashedTest, OrdersEqualKeysByTheRestOfTheOrder) {
  // Keys from 50 hashes, so partitions hold long runs of one key (as an LSH
  // bucket shared by many items does), given in scrambled item order.
  struct Entry {
    uint64_t key;
    uint32_t item;
    bool operator==(const Entry& other) const {
      return key == other.key && item == other.item;
    }
  };
  const auto less = [](const Entry& x, const Entry& y) {
    return x.key != y.key ? x.key < y.key : x.item < y.item;
  };
  std::mt19937 random(11);
  for (const uint32_t n : {20000, 100000}) {  // without and with a split
    std::vector<Entry> entries, scratch;
    for (uint32_t i = 0; i < n; ++i) {
      entries.push_back(Entry{Hash64(std::to_string(random() % 50)),
                              static_cast<uint32_t>(random())});
    }
    std::vector<Entry> expected = entries;
    std::sort(expected.begin(), expected.end(), less);
    SortHashed(
        entries, scratch, [](const Entry& e) { return e.key; }, less);
    EXPECT_TRUE(entries == expected) << n;
  }
}

}  // namespace
}  // namespace neardup
