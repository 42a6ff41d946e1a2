// base/parallel.h: deterministic data-parallel loops over index ranges.
//
// Why: every parallel stage in neardup writes results into slots chosen by
// index, never in completion order, so output is byte-identical for any
// thread count. ParallelFor is the one place threads are started.
//
// Example:
//   std::vector<Signature> out(docs.size());
//   ParallelFor(docs.size(), threads, [&](size_t i) { out[i] = Sign(docs[i]);
//   });
//   std::vector<Scratch> scratch(ParallelWorkers(docs.size(), threads));
//   ParallelFor(docs.size(), threads, [&](size_t i, size_t worker) {
//     out[i] = Sign(docs[i], scratch[worker]);
//   });

#ifndef NEARDUP_BASE_PARALLEL_H_
#define NEARDUP_BASE_PARALLEL_H_

#include <cstddef>

#include "absl/functional/function_ref.h"

namespace neardup {

// ParallelFor()
//
// Calls `body(i)` once for every i in [0, `count`), on up to `threads` threads
// (the calling thread included; `threads` <= 1 runs inline). Indexes are
// handed out in small blocks from a shared counter, so uneven work balances.
// `body` must be safe to call concurrently for distinct indexes. Returns when
// every call has returned.
void ParallelFor(size_t count, int threads,
                 absl::FunctionRef<void(size_t)> body);

// ParallelWorkers()
//
// How many threads ParallelFor(count, threads, ...) runs on: at least 1.
size_t ParallelWorkers(size_t count, int threads);

// ParallelFor() with a worker index
//
// As above, calling `body(i, worker)` with worker in [0,
// ParallelWorkers(count, threads)): no two calls with the same worker run
// at once, so `body` may use per-worker state (a buffer, an arena) without
// locks. Which worker gets which index varies from run to run; results
// must not depend on it.
void ParallelFor(size_t count, int threads,
                 absl::FunctionRef<void(size_t index, size_t worker)> body);

}  // namespace neardup

#endif  // NEARDUP_BASE_PARALLEL_H_
