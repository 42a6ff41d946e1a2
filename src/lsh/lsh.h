// lsh/lsh.h: banded locality-sensitive hashing over MinHash signatures.
//
// Why: comparing every pair of n texts is O(n^2). Cutting each signature into
// `bands` bands of `rows` values and pairing only texts that agree on a whole
// band finds pairs of Jaccard similarity s with probability
// 1 - (1 - s^rows)^bands (the S-curve), in time linear in n plus the
// candidates found.
//
// Bands and rows are chosen from a threshold by minimizing the weighted areas
// of false positives (the curve's area left of the threshold) and false
// negatives (the gap above it, right of the threshold), as datasketch does,
// among the choices that make a pair exactly at the threshold a candidate
// with probability >= `min_recall` (0.99 by default). The area criterion
// alone leaves pairs at the threshold a coin flip (0.37 for threshold 0.45
// and 128 permutations); since every candidate is verified exactly, a false
// positive costs one comparison while a false negative is a lost duplicate.
//
// A bucket shared by more than `max_bucket` items (a boilerplate line that
// survived exact de-duplication in near-identical variants) costs linear
// work: its members are paired with its first member and with their
// neighbours in sorted order, never all pairs. Such buckets are counted.
//
// Example:
//   NEARDUP_ASSIGN_OR_RETURN(LshParams p, ChooseLshParams(0.7, 128));
//   CandidateSet c = FindCandidates(signatures, 128, p, {.max_bucket = 64});
//   for (auto [a, b] : c.pairs) { ... verify ... }
//
// Determinism: pairs are sorted (a < b, ascending), whatever the input order
// of equal keys. Thread safety: pure functions.

#ifndef NEARDUP_LSH_LSH_H_
#define NEARDUP_LSH_LSH_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "base/hash.h"
#include "base/huge_pages.h"

namespace neardup {

struct LshParams {
  int bands = 0;
  int rows = 0;
};

// CandidateProbability()
//
// Probability that two sets of Jaccard similarity `jaccard` share at least
// one band: 1 - (1 - jaccard^rows)^bands.
double CandidateProbability(double jaccard, const LshParams& params);

// ChooseLshParams()
//
// The (bands, rows) with bands * rows <= `num_perm` and
// CandidateProbability(threshold) >= `min_recall` that minimize FP area + FN
// area for `threshold`; if none reaches `min_recall`, the one that comes
// closest. kInvalidArgument if threshold or min_recall is outside (0, 1) or
// num_perm < 1.
absl::StatusOr<LshParams> ChooseLshParams(double threshold, int num_perm,
                                          double min_recall = 0.99);

// ValidateLshParams()
//
// kInvalidArgument unless bands >= 1, rows >= 1 and bands * rows <= num_perm.
absl::Status ValidateLshParams(const LshParams& params, int num_perm);

struct CandidateOptions {
  // Buckets larger than this (>= 2) are paired in linear time.
  size_t max_bucket = 200;
  // Pairs whose signatures agree in fewer than this share of positions
  // (counted on the values' low bytes, see AgreementNeeded()) are
  // dropped as they are found (see EstimateFloor()); 0 keeps every pair.
  double min_estimate = 0;
  // Bands are searched in parallel; the result does not depend on it.
  int threads = 1;
};

struct CandidateSet {
  // Item index pairs (a < b) that share a band and pass min_estimate,
  // sorted and unique.
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  // Pairs found in buckets, once per band that pairs them; of those, the
  // ones min_estimate dropped.
  size_t bucket_pairs = 0;
  size_t pruned = 0;
  // Buckets larger than max_bucket, paired in linear time.
  size_t oversized_buckets = 0;
};

// EstimateFloor()
//
// The MinHash estimate below which a candidate pair is not worth verifying:
// threshold - 4.5 standard errors (sqrt(t(1-t)/num_perm)), floored at 0. A
// pair whose exact Jaccard is at or above the threshold falls below it with
// probability < 1e-5, while most LSH candidates (pairs far below the
// threshold that shared one band by chance) do. Comparing the 128 values of
// two signatures costs far less than an exact Jaccard of two shingle sets,
// and checking pairs as buckets produce them saves holding and sorting the
// raw candidates (~100 M on a season of OCR'd front pages).
double EstimateFloor(double threshold, int num_perm);

// FindCandidates()
//
// Items are the rows of `signatures`, a flat array of n * `num_perm` values
// (64- or 32-bit, see minhash/minhash.h). Returns the pairs that share a
// band and pass options.min_estimate. O(n * bands * log n) for the sorts,
// plus the pairs found; buckets above max_bucket yield at most 2 * size
// pairs.
// The pieces of FindCandidates(), for callers that hold band keys elsewhere
// (on disk, see engine/stream_scan.h) and must find the same pairs.

// BandKey()
//
// The bucket key of `band` for one signature: a 32-bit hash of the band's
// `rows` values at `values` (which points at the band's first value). Of n
// items, about n^2 / 2^33 pairs whose bands differ share a key by chance
// (168 per band at 1.2 M passages, against 3.5 M pairs of equal bands):
// each is one more candidate, which the estimate drops like the many LSH
// makes of dissimilar texts, and nothing is missed. 32 bits instead of 64
// halve the keys held (150 MB less at 1.2 M passages and 31 bands) and
// the bytes sorted per band.
template <typename Value>
uint32_t BandKey(const Value* values, int rows, int band) {
  return static_cast<uint32_t>(
      Hash64(absl::string_view(reinterpret_cast<const char*>(values),
                               static_cast<size_t>(rows) * sizeof(Value)),
             static_cast<uint64_t>(band)) >>
      32);
}

// AgreementNeeded() / LowBytesOf()
//
// How many of `num_perm` positions two signatures must agree in to pass
// `min_estimate`, checked on the low byte of each value (b-bit minwise
// hashing with b = 8): `k` bytes per signature, 1/4 (32-bit values) or 1/8
// (64-bit) of the memory or disk the values take. Two signatures agree in
// at least as many low bytes as values, so the check never drops a pair
// that the values would keep; it keeps a few more (two unequal values share
// a low byte with probability 1/256, which adds about (1 - J) * k / 256
// agreements, 0.35 of 128 at J = 0.3), which exact verification then
// judges. Both scans use it, so that the streaming scan can read a quarter
// of the bytes per bucket member.
size_t AgreementNeeded(double min_estimate, int num_perm);
template <typename Value>
void LowBytesOf(const Value* values, size_t k, uint8_t* out) {
  for (size_t j = 0; j < k; ++j) out[j] = static_cast<uint8_t>(values[j]);
}

// PairBucket()
//
// The pairs LSH makes of one bucket, each checked on its low bytes, for
// both scans (10^8 pairs on a season of front pages). `members` (ascending)
// are rows of `k` low bytes at `rows` (member m's at rows + m * k). The
// pairs are every pair, or above `max_bucket` members each one with the
// first and with its predecessor; each whose rows agree in at least
// `needed` bytes is appended to `kept` as (a, b), a < b, the others are
// counted. With needed == 0 every pair is kept and `rows` is not read.
// Within max_bucket, a member is compared with all those after it in one
// call (AVX2 where the CPU has it, SSE2 otherwise).
struct BucketPairs {
  size_t pairs = 0;   // made by LSH
  size_t pruned = 0;  // of those, dropped by the check
  bool oversized = false;
};
BucketPairs PairBucket(absl::Span<const uint32_t> members, const uint8_t* rows,
                       size_t k, size_t needed, size_t max_bucket,
                       std::vector<std::pair<uint32_t, uint32_t>>& kept);

CandidateSet FindCandidates(absl::Span<const uint64_t> signatures, int num_perm,
                            const LshParams& params,
                            const CandidateOptions& options);
CandidateSet FindCandidates(absl::Span<const uint32_t> signatures, int num_perm,
                            const LshParams& params,
                            const CandidateOptions& options);

// SignatureDigest
//
// All that FindCandidates() reads of n signatures: every band's bucket key
// for every item (BandKey()), band-major, and, if kept, the low byte of every
// value (LowBytesOf()), item-major. Code that signs many texts adds each
// signature as it is made and never keeps the signatures: 4 bytes per band
// plus num_perm bytes per item instead of num_perm values (252 instead of
// 512 bytes for 31 bands of 3 rows of 128 32-bit values: 1.2 M passages of
// a season of front pages need 310 MB less), and each band's keys are read
// in order instead of one cache line per item.
//
// Example:
//   SignatureDigest digest(n, 128, {31, 3}, /*keep_low_bytes=*/true);
//   ParallelFor(n, threads, [&](size_t i) {
//     uint32_t signature[128];
//     hasher.SignInto(sets[i], absl::MakeSpan(signature));
//     digest.Add(i, signature);
//   });
//   CandidateSet c = FindCandidates(digest, options);
//
// Thread safety: Add() for distinct items may run on many threads at once.
class SignatureDigest {
 public:
  // Room for `items` signatures of `num_perm` values banded by `params`
  // (which must be valid for num_perm), uninitialized until added.
  SignatureDigest(size_t items, int num_perm, const LshParams& params,
                  bool keep_low_bytes);

  // Add()
  //
  // Digests item `item`'s signature: num_perm() values at `signature`.
  template <typename Value>
  void Add(size_t item, const Value* signature) {
    const size_t rows = static_cast<size_t>(params_.rows);
    for (size_t band = 0; band < static_cast<size_t>(params_.bands); ++band) {
      keys_[band * items_ + item] = BandKey(
          signature + band * rows, params_.rows, static_cast<int>(band));
    }
    if (low_bytes_ != nullptr) {
      LowBytesOf(signature, num_perm_, low_bytes_.get() + item * num_perm_);
    }
  }

  size_t items() const { return items_; }
  int num_perm() const { return static_cast<int>(num_perm_); }
  const LshParams& params() const { return params_; }
  // The keys of `band` for items 0..items()-1.
  const uint32_t* band_keys(size_t band) const {
    return keys_.get() + band * items_;
  }
  // num_perm() low bytes per item, or nullptr if not kept.
  const uint8_t* low_bytes() const { return low_bytes_.get(); }

 private:
  size_t items_;
  size_t num_perm_;
  LshParams params_;
  HugeBuffer<uint32_t> keys_;
  HugeBuffer<uint8_t> low_bytes_;
};

// FindCandidates() over a digest: the pairs FindCandidates() finds over the
// signatures digested. options.min_estimate > 0 needs the low bytes.
CandidateSet FindCandidates(const SignatureDigest& digest,
                            const CandidateOptions& options);

}  // namespace neardup

#endif  // NEARDUP_LSH_LSH_H_
