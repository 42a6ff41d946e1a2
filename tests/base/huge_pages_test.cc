#include "base/huge_pages.h"

#include <cstdint>
#include <string>

#include "gtest/gtest.h"

namespace neardup {
namespace {

constexpr uintptr_t kMiB = uintptr_t{1} << 20;

TEST(HugePagesTest, AdvisesOnlyWholeTwoMebibytePagesInsideTheBuffer) {
  // Aligned both ends: all of it.
  AddressRange pages = WholeHugePages(4 * kMiB, 4 * kMiB);
  EXPECT_EQ(pages.begin, 4 * kMiB);
  EXPECT_EQ(pages.end, 8 * kMiB);
  // Unaligned: the start rounds up, the end down.
  pages = WholeHugePages(4 * kMiB + 16, 6 * kMiB);
  EXPECT_EQ(pages.begin, 6 * kMiB);
  EXPECT_EQ(pages.end, 10 * kMiB);
  // A buffer holding no whole huge page gets none.
  pages = WholeHugePages(4 * kMiB + 16, 3 * kMiB);
  EXPECT_GE(pages.begin, pages.end);
  pages = WholeHugePages(4 * kMiB, 2 * kMiB - 1);
  EXPECT_GE(pages.begin, pages.end);
}

TEST(HugePagesTest, ResizeKeepsTheBytesAndZeroesTheNewOnes) {
  std::string buffer = "inflated";
  ResizeOnHugePages(buffer, 5 * kMiB);  // grows past the capacity
  ASSERT_EQ(buffer.size(), 5 * kMiB);
  EXPECT_EQ(buffer.substr(0, 8), "inflated");
  EXPECT_EQ(buffer.find_first_not_of('\0', 8), std::string::npos);
  ResizeOnHugePages(buffer, 4);  // shrinks within it
  EXPECT_EQ(buffer, "infl");
}

TEST(HugePagesTest, BuffersStartOnAHugePageBoundary) {
  for (const size_t size : {size_t{0}, size_t{1}, size_t{1000}, 3 * kMiB}) {
    HugeBuffer<uint8_t> buffer = MakeHugeBuffer<uint8_t>(size);
    ASSERT_NE(buffer, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(buffer.get()) % (2 * kMiB), 0u);
    // All of it writable (AddressSanitizer checks the bounds).
    for (size_t i = 0; i < size; ++i) buffer[i] = static_cast<uint8_t>(i);
  }
}

}  // namespace
}  // namespace neardup
