// base/disjoint_sets.h: union-find over the integers 0..n-1.
//
// Why: connected components of pairs (candidate pairs split into
// independent pieces of work in the streaming scan; clusters induced by
// labelled pairs in evaluation) with near-constant work per pair.
//
// Every set's root is its smallest member, so roots do not depend on the
// order in which pairs are joined.
//
// Example:
//   DisjointSets sets(n);
//   for (auto [a, b] : pairs) sets.Join(a, b);
//   if (sets.Find(x) == sets.Find(y)) { ... same component ... }
//
// Thread safety: Find() shortens paths, so it writes; one thread at a time.

#ifndef NEARDUP_BASE_DISJOINT_SETS_H_
#define NEARDUP_BASE_DISJOINT_SETS_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

namespace neardup {

class DisjointSets {
 public:
  // n singletons.
  explicit DisjointSets(size_t n) : parent_(n) {
    std::iota(parent_.begin(), parent_.end(), uint32_t{0});
  }

  // The smallest member of x's set.
  uint32_t Find(uint32_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }

  // Merges the sets of a and b.
  void Join(uint32_t a, uint32_t b) {
    const uint32_t x = Find(a), y = Find(b);
    if (x != y) parent_[std::max(x, y)] = std::min(x, y);
  }

 private:
  std::vector<uint32_t> parent_;
};

}  // namespace neardup

#endif  // NEARDUP_BASE_DISJOINT_SETS_H_
