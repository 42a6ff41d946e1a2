// base/release.h: hand a container's memory back to the allocator.
//
// Why: the streaming scan stays inside a memory budget only if a buffer it
// is done with is freed before the next step takes its share. `v = {}` and
// `v.clear()` look like they free, but both keep the capacity: `= {}`
// assigns an empty initializer list, element by element. A sort buffer
// kept that way through its merge held a quarter of the budget twice.
//
// Example:
//   Release(buffer);  // buffer.capacity() == 0 afterwards

#ifndef NEARDUP_BASE_RELEASE_H_
#define NEARDUP_BASE_RELEASE_H_

namespace neardup {

// Empties `container` and frees its storage (a std::vector, std::string or
// any container with swap()).
template <typename Container>
void Release(Container& container) {
  Container().swap(container);
}

}  // namespace neardup

#endif  // NEARDUP_BASE_RELEASE_H_
