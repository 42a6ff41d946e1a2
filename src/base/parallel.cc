#include "base/parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace neardup {

void ParallelFor(size_t count, int threads,
                 absl::FunctionRef<void(size_t)> body) {
  const size_t workers =
      std::min<size_t>(count, threads > 1 ? static_cast<size_t>(threads) : 1);
  if (workers <= 1) {
    for (size_t i = 0; i < count; ++i) body(i);
    return;
  }
  // Blocks small enough to balance uneven documents, large enough that the
  // shared counter is not contended.
  const size_t block = std::max<size_t>(1, count / (workers * 64));
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (;;) {
      const size_t begin = next.fetch_add(block, std::memory_order_relaxed);
      if (begin >= count) return;
      const size_t end = std::min(count, begin + block);
      for (size_t i = begin; i < end; ++i) body(i);
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (size_t t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (std::thread& thread : pool) thread.join();
}

}  // namespace neardup
