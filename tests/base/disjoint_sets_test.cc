#include "base/disjoint_sets.h"

#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace neardup {
namespace {

TEST(DisjointSetsTest, JoinedChainsShareTheirSmallestMemberAsRoot) {
  DisjointSets sets(8);
  // {1, 3, 6, 7} joined as a chain from its largest end; {0, 4}; 2, 5 alone.
  for (const auto& [a, b] : std::vector<std::pair<uint32_t, uint32_t>>{
           {7, 6}, {6, 3}, {4, 0}, {3, 1}, {7, 1}}) {
    sets.Join(a, b);
  }
  const std::vector<uint32_t> roots = {0, 1, 2, 1, 0, 5, 1, 1};
  for (uint32_t x = 0; x < 8; ++x) EXPECT_EQ(sets.Find(x), roots[x]) << x;
}

}  // namespace
}  // namespace neardup
