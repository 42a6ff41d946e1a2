#include "base/hash.h"

#include <cstdint>
#include <string>

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

TEST(Hash64Test, Of4To8IsHash64ForThoseLengths) {
  // Every byte value at every position of the 4- to 8-byte windows.
  std::string bytes;
  for (int i = 0; i < 256 + 8; ++i) bytes.push_back(static_cast<char>(i * 37));
  for (size_t size = 4; size <= 8; ++size) {
    for (size_t start = 0; start + size <= bytes.size(); ++start) {
      EXPECT_EQ(Hash64Of4To8(bytes.data() + start, size),
                Hash64(absl::string_view(bytes).substr(start, size)))
          << size << " bytes at " << start;
    }
  }
  EXPECT_EQ(Hash64Of4To8("news", 4), Hash64("news"));
}

}  // namespace
}  // namespace neardup
