#include "base/release.h"

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
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

#if defined(__linux__) && defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
// Resident anonymous memory of this process, in KiB.
int64_t ResidentAnonymousKiB() {
  std::ifstream status("/proc/self/status");
  std::string field;
  while (status >> field) {
    if (field == "RssAnon:") {
      int64_t kib = 0;
      status >> kib;
      return kib;
    }
  }
  return -1;
}

TEST(ReturnFreedPagesTest, HandsBackWhatSmallBuffersFreedBelowALiveOne) {
  // 48 MiB of small buffers, freed but for the last, which keeps their
  // pages from the top of the heap that free() trims on its own.
  constexpr size_t kBuffers = 48 * 1024;
  std::vector<std::unique_ptr<char[]>> buffers(kBuffers);
  for (auto& buffer : buffers) {
    buffer = std::make_unique<char[]>(1000);
    buffer[0] = 1;
    buffer[999] = 1;
  }
  for (size_t i = 0; i + 1 < kBuffers; ++i) buffers[i].reset();
  const int64_t before = ResidentAnonymousKiB();
  ASSERT_GT(before, 0);
  ReturnFreedPages();
  const int64_t after = ResidentAnonymousKiB();
  EXPECT_LT(after, before - 32 * 1024) << before << " KiB -> " << after;
}
#endif

}  // namespace
}  // namespace neardup
