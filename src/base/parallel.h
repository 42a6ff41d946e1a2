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

}  // namespace neardup

#endif  // NEARDUP_BASE_PARALLEL_H_
