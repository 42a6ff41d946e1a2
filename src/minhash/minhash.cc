#include "minhash/minhash.h"

#include <algorithm>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/check.h"
#include "base/hash.h"

namespace neardup {

absl::StatusOr<MinHasher> MinHasher::Create(int num_perm, uint64_t seed) {
  if (num_perm < 1 || num_perm > 1024) {
    return absl::InvalidArgumentError(
        absl::StrCat("num_perm must be in [1, 1024], got ", num_perm));
  }
  std::vector<uint64_t> multipliers(static_cast<size_t>(num_perm));
  std::vector<uint64_t> addends(static_cast<size_t>(num_perm));
  uint64_t state = Mix64(seed);
  for (int i = 0; i < num_perm; ++i) {
    state = Mix64(state);
    multipliers[static_cast<size_t>(i)] = state | 1;
    state = Mix64(state);
    addends[static_cast<size_t>(i)] = state;
  }
  return MinHasher(std::move(multipliers), std::move(addends));
}

std::vector<uint64_t> MinHasher::Sign(absl::Span<const uint64_t> hashes) const {
  std::vector<uint64_t> signature(multipliers_.size());
  SignInto(hashes, absl::MakeSpan(signature));
  return signature;
}

namespace {

// The signing kernel, compiled for baseline x86-64 and for AVX2 and
// AVX-512; the dynamic loader picks the best the CPU has (GCC function
// multiversioning), so default builds need no -march flag. Every version
// computes the same integers.
__attribute__((target_clones("default", "avx2", "arch=skylake-avx512"))) void
SignKernel(const uint64_t* hashes, size_t count, const uint64_t* a,
           const uint64_t* b, uint64_t* minima, size_t k) {
  // Hash-major order keeps `minima`, `a` and `b` in L1 and lets the compiler
  // vectorize the inner loop.
  for (size_t j = 0; j < count; ++j) {
    const uint64_t h = hashes[j];
    for (size_t i = 0; i < k; ++i) {
      const uint64_t v = a[i] * h + b[i];
      minima[i] = v < minima[i] ? v : minima[i];
    }
  }
}

}  // namespace

void MinHasher::SignInto(absl::Span<const uint64_t> hashes,
                         absl::Span<uint64_t> out) const {
  NEARDUP_CHECK(out.size() == multipliers_.size());
  std::fill(out.begin(), out.end(), std::numeric_limits<uint64_t>::max());
  SignKernel(hashes.data(), hashes.size(), multipliers_.data(), addends_.data(),
             out.data(), multipliers_.size());
}

double EstimateJaccard(absl::Span<const uint64_t> a,
                       absl::Span<const uint64_t> b) {
  NEARDUP_CHECK(a.size() == b.size() && !a.empty());
  size_t equal = 0;
  for (size_t i = 0; i < a.size(); ++i) equal += a[i] == b[i] ? 1 : 0;
  return static_cast<double>(equal) / static_cast<double>(a.size());
}

}  // namespace neardup
