#include "base/append_arena.h"

#include <cstdint>
#include <numeric>
#include <vector>

#include "gtest/gtest.h"

namespace neardup {
namespace {

std::vector<uint64_t> Values(size_t count, uint64_t first) {
  std::vector<uint64_t> values(count);
  std::iota(values.begin(), values.end(), first);
  return values;
}

TEST(AppendArenaTest, SpansKeepTheirValuesWhileLaterOnesFillNewBlocks) {
  AppendArena<uint64_t> arena;
  std::vector<absl::Span<const uint64_t>> kept;
  std::vector<std::vector<uint64_t>> expected;
  // Sentence-sized sets past several 4 MiB blocks, with sets larger than a
  // block (524,288 values) in between.
  uint64_t first = 0;
  for (size_t i = 0; i < 30000; ++i) {
    const size_t count = i % 5000 == 4999 ? 600000 : 1 + (i * 7919) % 300;
    std::vector<uint64_t> values = Values(count, first);
    first += count;
    kept.push_back(arena.Append(values));
    values.assign(values.size(), 0);  // the arena holds its own copy
    expected.push_back(Values(count, first - count));
  }
  for (size_t i = 0; i < kept.size(); ++i) {
    ASSERT_EQ(std::vector<uint64_t>(kept[i].begin(), kept[i].end()),
              expected[i])
        << "set " << i;
  }
}

TEST(AppendArenaTest, EmptyInputGivesAnEmptySpan) {
  AppendArena<uint64_t> arena;
  EXPECT_TRUE(arena.Append({}).empty());
  const std::vector<uint64_t> one = {42};
  EXPECT_EQ(arena.Append(one)[0], 42u);
}

TEST(AppendArenaTest, SpansSurviveMovingTheArena) {
  AppendArena<uint32_t> arena;
  const std::vector<uint32_t> values = {3, 1, 4, 1, 5};
  const absl::Span<const uint32_t> kept = arena.Append(values);
  AppendArena<uint32_t> moved = std::move(arena);
  EXPECT_EQ(std::vector<uint32_t>(kept.begin(), kept.end()), values);
  EXPECT_EQ(moved.Append(values).size(), values.size());
}

}  // namespace
}  // namespace neardup
