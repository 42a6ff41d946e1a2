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

  // SignInto()
  //
  // As Sign(), writing into `out`, which must hold num_perm() values.
  void SignInto(absl::Span<const uint64_t> hashes,
                absl::Span<uint64_t> out) const;

 private:
  MinHasher(std::vector<uint64_t> multipliers, std::vector<uint64_t> addends)
      : multipliers_(std::move(multipliers)), addends_(std::move(addends)) {}

  std::vector<uint64_t> multipliers_;  // odd
  std::vector<uint64_t> addends_;
};

// EstimateJaccard()
//
// The fraction of positions where `a` and `b` agree: an unbiased estimate of
// the Jaccard similarity of the two signed sets, with standard error
// sqrt(J(1-J)/k) for k = |a|. `a` and `b` must have the same length > 0.
double EstimateJaccard(absl::Span<const uint64_t> a,
                       absl::Span<const uint64_t> b);

}  // namespace neardup

#endif  // NEARDUP_MINHASH_MINHASH_H_
