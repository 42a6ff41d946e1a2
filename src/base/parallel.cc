#include "base/parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace neardup {

size_t ParallelWorkers(size_t count, int threads) {
  return std::max<size_t>(
      1,
      std::min<size_t>(count, threads > 1 ? static_cast<size_t>(threads) : 1));
}

void ParallelFor(size_t count, int threads,
                 absl::FunctionRef<void(size_t index, size_t worker)> body) {
  const size_t workers = ParallelWorkers(count, threads);
  if (workers == 1) {
    for (size_t i = 0; i < count; ++i) body(i, 0);
    return;
  }
  // Blocks small enough to balance uneven documents, large enough that the
  // shared counter is not contended.
  const size_t block = std::max<size_t>(1, count / (workers * 64));
  std::atomic<size_t> next{0};
  auto work = [&](size_t worker) {
    for (;;) {
      const size_t begin = next.fetch_add(block, std::memory_order_relaxed);
      if (begin >= count) return;
      const size_t end = std::min(count, begin + block);
      for (size_t i = begin; i < end; ++i) body(i, worker);
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (size_t t = 1; t < workers; ++t) pool.emplace_back(work, t);
  work(0);
  for (std::thread& thread : pool) thread.join();
}

void ParallelFor(size_t count, int threads,
                 absl::FunctionRef<void(size_t)> body) {
  ParallelFor(count, threads, [&](size_t i, size_t) { body(i); });
}

}  // namespace neardup
