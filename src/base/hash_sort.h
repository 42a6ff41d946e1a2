// base/hash_sort.h: sorting values keyed by 64-bit hashes.
//
// Why: shingle sets (a sort per text, 10^6 sentences a season of front
// pages) and LSH bands (a sort of 10^6 bucket keys per band) sort hashes,
// whose top bits are spread evenly. One counting pass on the top bits, with
// about as many partitions as values, puts every value within a place or
// two of where it belongs; one insertion pass finishes the job. Past 65,536
// values, a first pass splits them into 256 on their top 8 bits, so that
// each part is sorted in cache. BM_SortHashes (bench/stages_benchmark.cc,
// many different inputs, medians of 3, 2026-11-24): 3.4x faster than
// std::sort on 100 hashes (a sentence), 8.1x on 4,000 (an article), 6.3x on
// 2^20 (a band; 5.3x before the split: 68 -> 98 M/s).
//
// Example:
//   std::vector<uint64_t> hashes = ..., scratch;
//   SortHashed(hashes, scratch, [](uint64_t h) { return h; },
//              std::less<uint64_t>());
//
// The result is exactly std::sort(values, less) when `less` orders by
// key(value) first: the partition of a value is a function of its key's top
// bits, so partitions are in key order. Thread safety: pure function.

#ifndef NEARDUP_BASE_HASH_SORT_H_
#define NEARDUP_BASE_HASH_SORT_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace neardup {

namespace hash_sort_internal {

// Copies the `count` values at `values` to `out` grouped by partition
// (partition_of(value) < `partitions`), in partition order and, within
// one, in input order. `ends` (`partitions` zeros) becomes where each
// partition ends, which is where the next starts. Returns the size of the
// largest partition. Inlined by force: called out of line, BM_SortHashes
// on 4,000 hashes lost a quarter of its speed.
template <typename T, typename PartitionOf>
[[gnu::always_inline]] inline uint32_t ScatterByPartition(
    const T* values, size_t count, T* out, uint32_t* ends, size_t partitions,
    PartitionOf partition_of) {
  for (size_t i = 0; i < count; ++i) ++ends[partition_of(values[i])];
  uint32_t sum = 0, largest = 0;
  for (size_t p = 0; p < partitions; ++p) {
    const uint32_t size = ends[p];
    largest = std::max(largest, size);
    ends[p] = sum;
    sum += size;
  }
  for (size_t i = 0; i < count; ++i)
    out[ends[partition_of(values[i])]++] = values[i];
  return largest;
}

// SortHashedInto() on the key bits below the top `skip` ones, which all
// `count` values share.
template <typename T, typename KeyOf, typename Less>
void SortByLowerBitsInto(const T* values, size_t count, T* out, KeyOf key,
                         Less less, int skip) {
  // About one value per partition: most partitions then hold zero or one,
  // and a single insertion pass over all of `out` moves the few values
  // that share one. (Four per partition, each insertion-sorted on its own,
  // took 1.75-2.8x as long on 8 to 164 hashes; std::sort as long or longer.)
  if (count < 2) {
    std::copy(values, values + count, out);
    return;
  }
  int bits = 1;
  while (bits < 20 && bits < 64 - skip && (size_t{1} << bits) < count) ++bits;
  const int shift = 64 - bits;
  const size_t partitions = size_t{1} << bits;
  const auto partition_of = [&](const T& value) -> size_t {
    return (key(value) << skip) >> shift;
  };
  constexpr size_t kStackPartitions = 4096;
  uint32_t stack_ends[kStackPartitions];
  std::vector<uint32_t> heap_ends;  // zeroed
  uint32_t* ends = stack_ends;
  if (partitions > kStackPartitions) {
    heap_ends.resize(partitions);
    ends = heap_ends.data();
  } else {
    std::fill(ends, ends + partitions, 0);
  }
  const uint32_t largest =
      ScatterByPartition(values, count, out, ends, partitions, partition_of);
  // A partition of many equal keys (an LSH bucket shared by many items),
  // or bad luck: sorted on its own, so the pass below moves none of it.
  constexpr uint32_t kInsertionLimit = 32;
  if (largest > kInsertionLimit) {
    for (size_t p = 0; p < partitions; ++p) {
      const uint32_t begin = p == 0 ? 0 : ends[p - 1];
      if (ends[p] - begin > kInsertionLimit) {
        std::sort(out + begin, out + ends[p], less);
      }
    }
  }
  // Partitions are in key order, so each value moves back at most to the
  // start of its own partition.
  for (size_t i = 1; i < count; ++i) {
    if (!less(out[i], out[i - 1])) continue;
    const T moving = out[i];
    size_t j = i;
    do {
      out[j] = out[j - 1];
      --j;
    } while (j > 0 && less(moving, out[j - 1]));
    out[j] = moving;
  }
}

}  // namespace hash_sort_internal

// SortHashedInto()
//
// Writes the `count` values at `values`, sorted by `less`, to `out` (room for
// `count` values, not overlapping `values`). `less` must order by key(value)
// (a uint64_t) before anything else. Allocates nothing up to 4,096 values,
// so that sorting a sentence's shingles (millions of calls) costs no malloc.
template <typename T, typename KeyOf, typename Less>
void SortHashedInto(const T* values, size_t count, T* out, KeyOf key,
                    Less less) {
  // Above kSplitAbove values, one partition per value scatters them over
  // more memory than the caches hold (a cache miss and a TLB miss each).
  // Then a first pass splits them into kTopPartitions on their top bits,
  // each of a few thousand values, and each is sorted apart in cache.
  constexpr size_t kSplitAbove = size_t{1} << 16;
  constexpr int kTopBits = 8;
  if (count <= kSplitAbove) {
    hash_sort_internal::SortByLowerBitsInto(values, count, out, key, less, 0);
    return;
  }
  constexpr size_t kTopPartitions = size_t{1} << kTopBits;
  uint32_t ends[kTopPartitions] = {};
  const auto partition_of = [&](const T& value) -> size_t {
    return key(value) >> (64 - kTopBits);
  };
  const uint32_t largest = hash_sort_internal::ScatterByPartition(
      values, count, out, ends, kTopPartitions, partition_of);
  std::vector<T> sorted(largest);
  for (size_t p = 0; p < kTopPartitions; ++p) {
    const uint32_t begin = p == 0 ? 0 : ends[p - 1];
    hash_sort_internal::SortByLowerBitsInto(out + begin, ends[p] - begin,
                                            sorted.data(), key, less, kTopBits);
    std::copy(sorted.begin(), sorted.begin() + (ends[p] - begin), out + begin);
  }
}

// SortHashed()
//
// Sorts `values` in place by `less`, as SortHashedInto() does. `scratch` is
// reused storage of the same type; its contents are lost.
template <typename T, typename KeyOf, typename Less>
void SortHashed(std::vector<T>& values, std::vector<T>& scratch, KeyOf key,
                Less less) {
  scratch.resize(values.size());
  SortHashedInto(values.data(), values.size(), scratch.data(), key, less);
  values.swap(scratch);
}

}  // namespace neardup

#endif  // NEARDUP_BASE_HASH_SORT_H_
