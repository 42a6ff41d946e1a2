// base/release.h: hand a container's memory back to the allocator.
//
// Why: the streaming scan stays inside a memory budget only if a buffer it
// is done with is freed before the next step takes its share. `v = {}` and
// `v.clear()` look like they free, but both keep the capacity: `= {}`
// assigns an empty initializer list, element by element. A sort buffer
// kept that way through its merge held a quarter of the budget twice.
//
// A buffer freed still counts against the budget if the allocator keeps its
// pages: KeepLargeBuffersOutOfTheHeap() makes glibc hand large ones back as
// they are freed. It sets a process-wide allocator option, so the program
// calls it (the CLI does with --memory; a Python module or Spark job
// embedding the streaming scan should too), never the library. The pages of
// small ones are handed back by ReturnFreedPages(), which changes no
// setting: the streaming scan calls it between its steps.
//
// Example:
//   Release(buffer);  // buffer.capacity() == 0 afterwards

#ifndef NEARDUP_BASE_RELEASE_H_
#define NEARDUP_BASE_RELEASE_H_

// Any C library header defines __GLIBC__ on glibc; without one first, a
// file including this header before the others saw it undefined and got
// both functions below as no-ops (tests/base/release_test.cc does).
#include <cstdlib>
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

// Hands the allocator's free pages back to the system. Small buffers (the
// shingle sets read for verification, sort readers' buffers, per-thread
// scratch) come from the heap, and glibc returns their pages only from the
// top of each arena, so the pages of those a step freed stay resident and
// count against the next step's budget: 2 GB of generated news within 200
// MB held ~45 MiB more than its live heap, and peaked at 201 MiB; with
// this called as each step of the streaming scan starts, 168 MiB. Costs a
// walk of the free lists (milliseconds) and the page faults of reusing
// what it returned. Does nothing elsewhere.
inline void ReturnFreedPages() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace neardup

#endif  // NEARDUP_BASE_RELEASE_H_
