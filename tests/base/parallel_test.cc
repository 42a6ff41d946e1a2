#include "base/parallel.h"

#include <atomic>
#include <vector>

#include "gtest/gtest.h"

namespace neardup {
namespace {

TEST(ParallelForTest, CallsEveryIndexExactlyOnceForAnyThreadCount) {
  for (const int threads : {0, 1, 2, 3, 8}) {
    for (const size_t count : {size_t{0}, size_t{1}, size_t{7}, size_t{1000}}) {
      std::vector<std::atomic<int>> calls(count);
      ParallelFor(count, threads, [&](size_t i) { calls[i].fetch_add(1); });
      for (size_t i = 0; i < count; ++i) {
        EXPECT_EQ(calls[i].load(), 1) << "threads=" << threads << " i=" << i;
      }
    }
  }
}

}  // namespace
}  // namespace neardup
