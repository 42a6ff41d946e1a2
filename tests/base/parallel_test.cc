#include "base/parallel.h"

#include <algorithm>
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

TEST(ParallelForTest, NoWorkerIndexIsUsedByTwoCallsAtOnce) {
  for (const int threads : {0, 1, 2, 3, 8}) {
    for (const size_t count : {size_t{0}, size_t{1}, size_t{7}, size_t{1000}}) {
      const size_t workers = ParallelWorkers(count, threads);
      EXPECT_GE(workers, 1u);
      EXPECT_LE(workers, std::max<size_t>(1, count));
      std::vector<std::atomic<int>> busy(workers);
      std::vector<std::atomic<int>> calls(count);
      std::atomic<int> overlaps{0};
      ParallelFor(count, threads, [&](size_t i, size_t worker) {
        ASSERT_LT(worker, workers);
        if (busy[worker].fetch_add(1) != 0) overlaps.fetch_add(1);
        calls[i].fetch_add(1);
        busy[worker].fetch_sub(1);
      });
      EXPECT_EQ(overlaps.load(), 0) << "threads=" << threads;
      for (size_t i = 0; i < count; ++i) {
        EXPECT_EQ(calls[i].load(), 1) << "threads=" << threads << " i=" << i;
      }
    }
  }
}

}  // namespace
}  // namespace neardup
