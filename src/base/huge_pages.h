// base/huge_pages.h: large buffers backed by 2 MiB pages.
//
// Why: a 4 KiB page costs a page fault the first time it is written, and
// the passage level writes gigabytes once (for chronam1916 Q1, 450 MB of LSH
// keys and filter bytes alone; faults were 22% of its CPU time). Where
// transparent huge pages are enabled in "madvise" mode, a buffer the program
// advises is faulted in 2 MiB at a time (docs/performance_history.md, "Page
// faults, mallocs and grouping").
//
// Example:
//   auto signatures = MakeHugeBuffer<uint32_t>(items * 128);  // uninitialized
//   std::string text;
//   ResizeOnHugePages(text, inflated_size);
//
// Thread safety: any thread may call these.

#ifndef NEARDUP_BASE_HUGE_PAGES_H_
#define NEARDUP_BASE_HUGE_PAGES_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <type_traits>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace neardup {

// The whole 2 MiB pages inside [address, address + bytes): [begin, end),
// empty (begin >= end) when there is none.
struct AddressRange {
  uintptr_t begin = 0;
  uintptr_t end = 0;
};
inline AddressRange WholeHugePages(uintptr_t address, size_t bytes) {
  constexpr uintptr_t kHugePage = uintptr_t{2} << 20;
  return AddressRange{(address + kHugePage - 1) & ~(kHugePage - 1),
                      (address + bytes) & ~(kHugePage - 1)};
}

// AdviseHugePages()
//
// Asks the kernel to back the whole 2 MiB pages inside [data, data + bytes)
// with huge pages. A hint: does nothing where it is not supported, and
// nothing to buffers below 2 MiB. Call it before the buffer is first
// written.
inline void AdviseHugePages(void* data, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  const AddressRange pages =
      WholeHugePages(reinterpret_cast<uintptr_t>(data), bytes);
  if (pages.begin < pages.end) {
    madvise(reinterpret_cast<void*>(pages.begin), pages.end - pages.begin,
            MADV_HUGEPAGE);
  }
#else
  (void)data;
  (void)bytes;
#endif
}

// MakeHugeBuffer()
//
// An uninitialized array of `size` values, starting on a 2 MiB boundary
// and advised as AdviseHugePages() says. For buffers the caller writes in
// full (by many threads, each faulting in its own part). The boundary also
// keeps rows of a power-of-two size on whole cache lines: from malloc, a
// buffer this large starts 16 bytes past a page, and each 128-byte row of
// LSH filter bytes then spans three cache lines instead of two.
struct HugeBufferDelete {
  template <typename T>
  void operator()(T* buffer) const {
    ::operator delete[](buffer, std::align_val_t{kHugePageBytes});
  }
  static constexpr size_t kHugePageBytes = size_t{2} << 20;
};
template <typename T>
using HugeBuffer = std::unique_ptr<T[], HugeBufferDelete>;

template <typename T>
HugeBuffer<T> MakeHugeBuffer(size_t size) {
  static_assert(std::is_trivially_default_constructible_v<T> &&
                std::is_trivially_destructible_v<T>);
  T* const buffer = static_cast<T*>(::operator new[](
      size * sizeof(T), std::align_val_t{HugeBufferDelete::kHugePageBytes}));
  AdviseHugePages(buffer, size * sizeof(T));
  return HugeBuffer<T>(buffer);
}

// ResizeOnHugePages()
//
// buffer.resize(size) (new bytes zeroed), where storage the resize allocates
// is advised as AdviseHugePages() says before the zeroing writes it (the
// bytes it copies over from the old storage are written first).
inline void ResizeOnHugePages(std::string& buffer, size_t size) {
  if (size > buffer.capacity()) {
    buffer.reserve(size);
    AdviseHugePages(buffer.data(), buffer.capacity());
  }
  buffer.resize(size);
}

}  // namespace neardup

#endif  // NEARDUP_BASE_HUGE_PAGES_H_
