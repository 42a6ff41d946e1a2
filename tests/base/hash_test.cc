#include "base/hash.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace neardup {
namespace {

// Values fixed by xxHash's specification (stable since 0.8.0): a change here
// means every report neardup has written changes.
TEST(Hash64Test, MatchesXxh3ReferenceValues) {
  EXPECT_EQ(Hash64(""), 0x2D06800538D394C2ULL);
  EXPECT_EQ(Hash64("a"), 0xE6C632B61E964E1FULL);
  EXPECT_EQ(Hash64("north korea"), 0x142B729311F32ECAULL);
  EXPECT_EQ(Hash64("the quick brown fox jumps over"), 0x03F833898877B13DULL);
}

}  // namespace
}  // namespace neardup
