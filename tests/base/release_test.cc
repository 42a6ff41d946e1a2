#include "base/release.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace neardup {
namespace {

TEST(ReleaseTest, FreesTheStorageThatAssigningEmptyKeeps) {
  std::vector<uint64_t> assigned(1 << 16, 7);
  assigned = {};
  // The idiom Release() replaces: empty, but still holding its storage.
  EXPECT_TRUE(assigned.empty());
  EXPECT_GE(assigned.capacity(), size_t{1} << 16);

  std::vector<uint64_t> released(1 << 16, 7);
  Release(released);
  EXPECT_TRUE(released.empty());
  EXPECT_EQ(released.capacity(), 0u);
}

TEST(ReleaseTest, FreesAStringAndLeavesItUsable) {
  std::string text(1 << 16, 'x');
  Release(text);
  EXPECT_TRUE(text.empty());
  EXPECT_LT(text.capacity(), size_t{1} << 16);
  text = "again";
  EXPECT_EQ(text, "again");
}

}  // namespace
}  // namespace neardup
