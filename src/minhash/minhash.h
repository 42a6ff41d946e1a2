// minhash/minhash.h: MinHash signatures for sets of 64-bit shingle hashes.
//
// Why: the k minima of k random permutations of a set estimate its Jaccard
// similarity to another set (the fraction of equal minima), in a fixed k
// values however long the text. lsh/ indexes these signatures to find
// candidate pairs without comparing every pair of texts.
//
// Permutations are 64-bit multiply-add maps h -> a_i * h + b_i (mod 2^64)
// with odd a_i: bijections of the 64-bit space, applied to shingle hashes that
// XXH3 has already spread uniformly. The constants come from `seed` through
// Mix64, so a signature depends only on the hash set, num_perm and seed.
//
// 32-bit signatures (Sign32) apply 32-bit maps x -> a_i * x + b_i (mod 2^32)
// to each hash folded to 32 bits (its halves XORed): half the memory and, on
// AVX2, eight permutations per instruction instead of four emulated ones.
// Two distinct shingles collide with probability 2^-32, which moves the
// estimate by less than 1e-4 for sets of a few thousand; the measured bias
// and RMSE against exact Jaccard match the 64-bit ones (tests/minhash,
// bench/stages_benchmark BM_EstimateError).
//
// The signing loops are compiled for baseline x86-64, AVX2 and AVX-512 (the
// 32-bit AVX2 one written with intrinsics) and the best one the CPU has is
// picked when the program loads (GCC function multiversioning): no -march
// flag is needed, and every version computes the same integers (a test
// checks them against the definition).
//
// Example:
//   NEARDUP_ASSIGN_OR_RETURN(MinHasher hasher, MinHasher::Create(128, 1));
//   std::vector<uint64_t> sa = hasher.Sign(shingles_a);
//   std::vector<uint64_t> sb = hasher.Sign(shingles_b);
//   double j = EstimateJaccard(sa, sb);
//
// Determinism: same hashes, num_perm and seed give the same signature on any
// machine and thread. Thread safety: a MinHasher is immutable after Create();
// share it freely between threads.

#ifndef NEARDUP_MINHASH_MINHASH_H_
#define NEARDUP_MINHASH_MINHASH_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace neardup {

class MinHasher {
 public:
  // Create()
  //
  // A hasher of `num_perm` permutations (1 <= num_perm <= 1024) derived from
  // `seed`. kInvalidArgument if num_perm is out of range.
  static absl::StatusOr<MinHasher> Create(int num_perm, uint64_t seed);

  int num_perm() const { return static_cast<int>(multipliers_.size()); }

  // Sign()
  //
  // The signature of `hashes` (any order; duplicates allowed): num_perm()
  // minima. An empty set gives all values UINT64_MAX, which matches no
  // non-empty set. O(num_perm * |hashes|).
  std::vector<uint64_t> Sign(absl::Span<const uint64_t> hashes) const;

  // Sign32()
  //
  // As Sign() with 32-bit permutations and values; an empty set gives all
  // values UINT32_MAX.
  std::vector<uint32_t> Sign32(absl::Span<const uint64_t> hashes) const;

  // SignInto()
  //
  // As Sign() (64-bit `out`) or Sign32() (32-bit `out`), writing into `out`,
  // which must hold num_perm() values. The overloads let code templated on
  // the value width sign without branching on it.
  void SignInto(absl::Span<const uint64_t> hashes,
                absl::Span<uint64_t> out) const;
  void SignInto(absl::Span<const uint64_t> hashes,
                absl::Span<uint32_t> out) const;

 private:
  MinHasher(std::vector<uint64_t> multipliers, std::vector<uint64_t> addends,
            std::vector<uint32_t> multipliers32,
            std::vector<uint32_t> addends32)
      : multipliers_(std::move(multipliers)),
        addends_(std::move(addends)),
        multipliers32_(std::move(multipliers32)),
        addends32_(std::move(addends32)) {}

  std::vector<uint64_t> multipliers_;  // odd
  std::vector<uint64_t> addends_;
  std::vector<uint32_t> multipliers32_;  // odd
  std::vector<uint32_t> addends32_;
};

// EstimateJaccard()
//
// The fraction of positions where `a` and `b` agree: an unbiased estimate of
// the Jaccard similarity of the two signed sets, with standard error
// sqrt(J(1-J)/k) for k = |a|. `a` and `b` must have the same length > 0.
double EstimateJaccard(absl::Span<const uint64_t> a,
                       absl::Span<const uint64_t> b);
double EstimateJaccard(absl::Span<const uint32_t> a,
                       absl::Span<const uint32_t> b);

}  // namespace neardup

#endif  // NEARDUP_MINHASH_MINHASH_H_
