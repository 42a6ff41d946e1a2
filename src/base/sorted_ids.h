// base/sorted_ids.h: a set of distinct uint32 ids, read by position (the
// i-th smallest) and by value (the position of an id), held in whichever of
// two forms takes less memory.
//
// Why: the streaming scan lists the texts of a connected component of
// candidate pairs, and of a group of verified pairs, to number them 0..n-1.
// On a large corpus one component holds millions of the texts below some
// bound (2.2 M of 9.7 M passages on 1 GB of generated news): as an array
// that is 4 bytes each, as a bit per id below the bound plus a count per 64
// of them 1.5 bits per id in the range, 1.8 MB against 8.9 MB there.
//
// Reading by position costs a binary search over the counts when the ids
// are held as bits; by value, one popcount (bits) or a binary search (array).
//
// Example:
//   std::vector<uint64_t> bits(...);  // bit i set: id base + i is held
//   const SortedIds ids = SortedIds::FromBits(std::move(bits), base);
//   for (size_t i = 0; i < ids.size(); ++i) Use(ids[i]);
//   const uint32_t position = ids.IndexOf(id);  // ids[position] == id
//   for (auto id = ids.FirstAtOrAfter(0); id; id = ids.FirstAtOrAfter(*id + 1))
//
// Thread safety: const methods may be called concurrently.

#ifndef NEARDUP_BASE_SORTED_IDS_H_
#define NEARDUP_BASE_SORTED_IDS_H_

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace neardup {

class SortedIds {
 public:
  SortedIds() = default;
  // `ids` ascending and distinct, held as they are.
  explicit SortedIds(std::vector<uint32_t> ids) : ids_(std::move(ids)) {
    ids_.shrink_to_fit();
    size_ = ids_.size();
  }

  // The ids base + i for each bit i set in `bits` (base + 64 * bits.size()
  // must not exceed 2^32), held as those bits with a count per word, or as
  // an array where that takes less.
  static SortedIds FromBits(std::vector<uint64_t> bits, uint32_t base) {
    SortedIds set;
    size_t count = 0;
    for (const uint64_t word : bits) count += std::popcount(word);
    if (count * sizeof(uint32_t) <
        bits.size() * (sizeof(uint64_t) + sizeof(uint32_t))) {
      set.ids_.reserve(count);
      for (size_t w = 0; w < bits.size(); ++w) {
        for (uint64_t word = bits[w]; word != 0; word &= word - 1) {
          set.ids_.push_back(
              base + static_cast<uint32_t>(w * 64 + std::countr_zero(word)));
        }
      }
    } else {
      set.base_ = base;
      set.ranks_.resize(bits.size());
      uint32_t rank = 0;
      for (size_t w = 0; w < bits.size(); ++w) {
        set.ranks_[w] = rank;
        rank += static_cast<uint32_t>(std::popcount(bits[w]));
      }
      set.bits_ = std::move(bits);
    }
    set.size_ = count;
    return set;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // The i-th smallest id, i < size().
  uint32_t operator[](size_t i) const {
    if (bits_.empty()) return ids_[i];
    // The last word whose count of ids before it is at most i holds it.
    const size_t w =
        static_cast<size_t>(std::upper_bound(ranks_.begin(), ranks_.end(),
                                             static_cast<uint32_t>(i)) -
                            ranks_.begin() - 1);
    uint64_t word = bits_[w];
    for (uint32_t skip = static_cast<uint32_t>(i) - ranks_[w]; skip > 0;
         --skip) {
      word &= word - 1;
    }
    return base_ + static_cast<uint32_t>(w * 64 + std::countr_zero(word));
  }

  // The number of ids held below `id` (any id): for a held id, its
  // position.
  uint32_t CountBelow(uint32_t id) const {
    if (bits_.empty()) {
      return static_cast<uint32_t>(
          std::lower_bound(ids_.begin(), ids_.end(), id) - ids_.begin());
    }
    if (id <= base_) return 0;
    const uint64_t offset = uint64_t{id} - base_;
    const size_t w = static_cast<size_t>(offset / 64);
    if (w >= bits_.size()) return static_cast<uint32_t>(size_);
    const uint64_t below = bits_[w] & ((uint64_t{1} << (offset % 64)) - 1);
    return ranks_[w] + static_cast<uint32_t>(std::popcount(below));
  }
  // The position of `id`, which is held.
  uint32_t IndexOf(uint32_t id) const { return CountBelow(id); }

  // The smallest id held at or after `id`, if any: walking the ids in
  // order this way costs a word or two each, where operator[] searches.
  std::optional<uint32_t> FirstAtOrAfter(uint32_t id) const {
    if (bits_.empty()) {
      const auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
      if (it == ids_.end()) return std::nullopt;
      return *it;
    }
    const uint64_t offset = id <= base_ ? 0 : uint64_t{id} - base_;
    size_t w = static_cast<size_t>(offset / 64);
    if (w >= bits_.size()) return std::nullopt;
    uint64_t word = bits_[w] & (~uint64_t{0} << (offset % 64));
    while (word == 0) {
      if (++w == bits_.size()) return std::nullopt;
      word = bits_[w];
    }
    return base_ + static_cast<uint32_t>(w * 64 + std::countr_zero(word));
  }

  // Bytes held.
  uint64_t memory_bytes() const {
    return ids_.capacity() * sizeof(uint32_t) +
           bits_.capacity() * sizeof(uint64_t) +
           ranks_.capacity() * sizeof(uint32_t);
  }

 private:
  std::vector<uint32_t> ids_;    // the ids, unless held as bits
  std::vector<uint64_t> bits_;   // bit i: id base_ + i is held
  std::vector<uint32_t> ranks_;  // ids held before each word of bits_
  uint32_t base_ = 0;
  size_t size_ = 0;
};

}  // namespace neardup

#endif  // NEARDUP_BASE_SORTED_IDS_H_
