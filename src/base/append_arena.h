// base/append_arena.h: values copied in once and kept, unchanged, until the
// arena is destroyed; stored in 4 MiB blocks.
//
// Why: a scan keeps every document's normalized text until it has
// clustered them, and the shingle sets of the texts it verifies (for
// chronam1916 Q1, 160 MB of text and 0.3 GB of sets for 0.4 M passages). A
// std::vector per text or set cost a malloc and a free each, and the heap
// interleaved the kept values with each document's short-lived buffers,
// so those kept landing on fresh pages: 352 K page faults while
// fingerprinting, 21 K with the sets in arenas. Blocks on 2 MiB pages
// (base/huge_pages.h) were slower here: more system time per run than the
// 4 KiB faults they saved (docs/performance_history.md, "Passage shingle
// sets in arenas").
//
// Example:
//   AppendArena<uint64_t> arena;
//   absl::Span<const uint64_t> kept = arena.Append(scratch_hashes);
//   scratch_hashes.clear();  // `kept` still holds the values
//
// Thread safety: none; give each thread its own arena (ParallelFor() with a
// worker index). Spans may be read from any thread.

#ifndef NEARDUP_BASE_APPEND_ARENA_H_
#define NEARDUP_BASE_APPEND_ARENA_H_

#include <algorithm>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <vector>

#include "absl/types/span.h"

namespace neardup {

template <typename T>
class AppendArena {
  static_assert(std::is_trivially_copyable_v<T> &&
                std::is_trivially_destructible_v<T>);

 public:
  AppendArena() = default;
  AppendArena(AppendArena&&) = default;
  AppendArena& operator=(AppendArena&&) = default;

  // Copies `values` into the arena. The returned span stays valid until the
  // arena is destroyed (moving the arena keeps it valid). Empty input gives
  // an empty span and allocates nothing.
  absl::Span<const T> Append(absl::Span<const T> values) {
    if (values.empty()) return {};
    if (values.size() > left_) {
      // A set larger than a block gets a block of its own size; the
      // current block stays open for the sets after it.
      if (values.size() > kBlockValues) {
        T* const own = NewBlock(values.size());
        std::copy(values.begin(), values.end(), own);
        return absl::MakeConstSpan(own, values.size());
      }
      next_ = NewBlock(kBlockValues);
      left_ = kBlockValues;
    }
    T* const begin = next_;
    std::copy(values.begin(), values.end(), begin);
    next_ += values.size();
    left_ -= values.size();
    return absl::MakeConstSpan(begin, values.size());
  }

 private:
  static constexpr size_t kBlockValues = (size_t{4} << 20) / sizeof(T);

  T* NewBlock(size_t values) {
    blocks_.push_back(std::make_unique_for_overwrite<T[]>(values));
    return blocks_.back().get();
  }

  std::vector<std::unique_ptr<T[]>> blocks_;
  T* next_ = nullptr;
  size_t left_ = 0;  // values free at next_
};

}  // namespace neardup

#endif  // NEARDUP_BASE_APPEND_ARENA_H_
