// base/release.h: hand a container's memory back to the allocator.
//
// Why: the streaming scan stays inside a memory budget only if a buffer it
// is done with is freed before the next step takes its share. `v = {}` and
// `v.clear()` look like they free, but both keep the capacity: `= {}`
// assigns an empty initializer list, element by element. A sort buffer
// kept that way through its merge held a quarter of the budget twice.
//
// A buffer freed still counts against the budget if the allocator keeps its
// pages: KeepLargeBuffersOutOfTheHeap() makes glibc hand them back. It sets
// a process-wide allocator option, so the program calls it (the CLI does
// with --memory; a Python module or Spark job embedding the streaming scan
// should too), never the library.
//
// Example:
//   Release(buffer);  // buffer.capacity() == 0 afterwards

#ifndef NEARDUP_BASE_RELEASE_H_
#define NEARDUP_BASE_RELEASE_H_

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace neardup {

// Empties `container` and frees its storage (a std::vector, std::string or
// any container with swap()).
template <typename Container>
void Release(Container& container) {
  Container().swap(container);
}

// glibc maps an allocation past M_MMAP_THRESHOLD on its own and unmaps it
// when it is freed, but it raises that threshold to the size of each mapped
// buffer freed, so that later buffers come from the heap and their pages
// stay resident, scattered, after they are freed. A fixed threshold
// (setting it turns the raising off) keeps every buffer of 128 KiB or more
// mapped: chronam1916 Q1 within --memory=100M peaked at 100-116 MiB of RSS
// without, 74-76 MiB with, in the same time. Does nothing elsewhere.
inline void KeepLargeBuffersOutOfTheHeap() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
}

}  // namespace neardup

#endif  // NEARDUP_BASE_RELEASE_H_
