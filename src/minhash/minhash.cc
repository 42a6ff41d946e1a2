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
  const size_t k = static_cast<size_t>(num_perm);
  std::vector<uint64_t> multipliers(k), addends(k);
  std::vector<uint32_t> multipliers32(k), addends32(k);
  uint64_t state = Mix64(seed);
  for (size_t i = 0; i < k; ++i) {
    state = Mix64(state);
    multipliers[i] = state | 1;
    multipliers32[i] = static_cast<uint32_t>(state >> 32) | 1;
    state = Mix64(state);
    addends[i] = state;
    addends32[i] = static_cast<uint32_t>(state >> 32);
  }
  return MinHasher(std::move(multipliers), std::move(addends),
                   std::move(multipliers32), std::move(addends32));
}

std::vector<uint64_t> MinHasher::Sign(absl::Span<const uint64_t> hashes) const {
  std::vector<uint64_t> signature(multipliers_.size());
  SignInto(hashes, absl::MakeSpan(signature));
  return signature;
}

namespace {

// The signing kernels (see minhash.h for the dispatch).
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

__attribute__((target_clones("default", "avx2", "arch=skylake-avx512"))) void
SignKernel32(const uint64_t* hashes, size_t count, const uint32_t* a,
             const uint32_t* b, uint32_t* minima, size_t k) {
  for (size_t j = 0; j < count; ++j) {
    const uint32_t x = static_cast<uint32_t>(hashes[j] ^ (hashes[j] >> 32));
    for (size_t i = 0; i < k; ++i) {
      const uint32_t v = a[i] * x + b[i];
      minima[i] = v < minima[i] ? v : minima[i];
    }
  }
}

template <typename T>
double AgreementRate(absl::Span<const T> a, absl::Span<const T> b) {
  NEARDUP_CHECK(a.size() == b.size() && !a.empty());
  size_t equal = 0;
  for (size_t i = 0; i < a.size(); ++i) equal += a[i] == b[i] ? 1 : 0;
  return static_cast<double>(equal) / static_cast<double>(a.size());
}

}  // namespace

std::vector<uint32_t> MinHasher::Sign32(
    absl::Span<const uint64_t> hashes) const {
  std::vector<uint32_t> signature(multipliers32_.size());
  SignInto(hashes, absl::MakeSpan(signature));
  return signature;
}

void MinHasher::SignInto(absl::Span<const uint64_t> hashes,
                         absl::Span<uint32_t> out) const {
  NEARDUP_CHECK(out.size() == multipliers32_.size());
  std::fill(out.begin(), out.end(), std::numeric_limits<uint32_t>::max());
  SignKernel32(hashes.data(), hashes.size(), multipliers32_.data(),
               addends32_.data(), out.data(), multipliers32_.size());
}

void MinHasher::SignInto(absl::Span<const uint64_t> hashes,
                         absl::Span<uint64_t> out) const {
  NEARDUP_CHECK(out.size() == multipliers_.size());
  std::fill(out.begin(), out.end(), std::numeric_limits<uint64_t>::max());
  SignKernel(hashes.data(), hashes.size(), multipliers_.data(), addends_.data(),
             out.data(), multipliers_.size());
}

double EstimateJaccard(absl::Span<const uint64_t> a,
                       absl::Span<const uint64_t> b) {
  return AgreementRate(a, b);
}

double EstimateJaccard(absl::Span<const uint32_t> a,
                       absl::Span<const uint32_t> b) {
  return AgreementRate(a, b);
}

}  // namespace neardup
