#include "minhash/minhash.h"

#include <immintrin.h>

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

// The signing kernels (see minhash.h for the dispatch). Permutations go in
// blocks of kBlock, each swept over all the hashes with its multipliers,
// addends and minima copied to locals the compiler keeps in vector
// registers, instead of loading and storing every minimum for every hash;
// the permutations past the last whole block follow in hash-major order.
// Side by side, medians of 3, twice (bench/stages_benchmark.cc): 1 KiB
// documents, 32-bit values, 421-437 MB/s hash-major, 715-745 MB/s in blocks
// of 64; sentences (BM_SignSentences/32) 512-525 K/s -> 784-811 K/s. 64-bit
// values (a multiply emulated with three on AVX2) gain less, 109-112 ->
// 142-146 MB/s, and do best in blocks of 32.
template <size_t kBlock, typename Value, typename Fold>
[[gnu::always_inline]] inline void SignBlocked(const uint64_t* hashes,
                                               size_t count, const Value* a,
                                               const Value* b, Value* minima,
                                               size_t k, Fold fold) {
  size_t base = 0;
  for (; base + kBlock <= k; base += kBlock) {
    Value block_a[kBlock], block_b[kBlock], block_min[kBlock];
    for (size_t i = 0; i < kBlock; ++i) {
      block_a[i] = a[base + i];
      block_b[i] = b[base + i];
      block_min[i] = minima[base + i];
    }
    for (size_t j = 0; j < count; ++j) {
      const Value x = fold(hashes[j]);
      for (size_t i = 0; i < kBlock; ++i) {
        const Value v = block_a[i] * x + block_b[i];
        block_min[i] = v < block_min[i] ? v : block_min[i];
      }
    }
    for (size_t i = 0; i < kBlock; ++i) minima[base + i] = block_min[i];
  }
  for (size_t j = 0; j < count; ++j) {
    const Value x = fold(hashes[j]);
    for (size_t i = base; i < k; ++i) {
      const Value v = a[i] * x + b[i];
      minima[i] = v < minima[i] ? v : minima[i];
    }
  }
}

__attribute__((target_clones("default", "avx2", "arch=skylake-avx512"))) void
SignKernel(const uint64_t* hashes, size_t count, const uint64_t* a,
           const uint64_t* b, uint64_t* minima, size_t k) {
  SignBlocked<32>(hashes, count, a, b, minima, k, [](uint64_t h) { return h; });
}

uint32_t Fold32(uint64_t h) { return static_cast<uint32_t>(h ^ (h >> 32)); }

__attribute__((target("default"))) void SignKernel32(
    const uint64_t* hashes, size_t count, const uint32_t* a, const uint32_t* b,
    uint32_t* minima, size_t k) {
  SignBlocked<64>(hashes, count, a, b, minima, k, Fold32);
}

// Chosen by the CPU's AVX-512F feature bit (the "arch=skylake-avx512"
// clone this replaces may be chosen by CPU model). Not run on the 2-core
// development machine, which has AVX2 only.
__attribute__((target("avx512f"))) void SignKernel32(
    const uint64_t* hashes, size_t count, const uint32_t* a, const uint32_t* b,
    uint32_t* minima, size_t k) {
  SignBlocked<64>(hashes, count, a, b, minima, k, Fold32);
}

// AVX2 by hand: blocks of 32 permutations, whose multipliers, addends and
// minima fill 12 of the 16 vector registers, swept over all the hashes.
// GCC's vectorization of SignBlocked<64> kept a third of them on the stack
// (and blocks of 32 from it were slower still). Side by side, medians of 3,
// twice: BM_SignSentences/32 1.08 M -> 1.32 M sentences/s, BM_MinHash
// (1 KiB, 32-bit) 927 -> 1,115 MB/s.
__attribute__((target("avx2"))) void SignKernel32(const uint64_t* hashes,
                                                  size_t count,
                                                  const uint32_t* a,
                                                  const uint32_t* b,
                                                  uint32_t* minima, size_t k) {
  constexpr size_t kLanes = 8, kBlock = 4 * kLanes;
  size_t base = 0;
  for (; base + kBlock <= k; base += kBlock) {
    const auto* av = reinterpret_cast<const __m256i*>(a + base);
    const auto* bv = reinterpret_cast<const __m256i*>(b + base);
    auto* mv = reinterpret_cast<__m256i*>(minima + base);
    const __m256i a0 = _mm256_loadu_si256(av), a1 = _mm256_loadu_si256(av + 1),
                  a2 = _mm256_loadu_si256(av + 2),
                  a3 = _mm256_loadu_si256(av + 3);
    const __m256i b0 = _mm256_loadu_si256(bv), b1 = _mm256_loadu_si256(bv + 1),
                  b2 = _mm256_loadu_si256(bv + 2),
                  b3 = _mm256_loadu_si256(bv + 3);
    __m256i m0 = _mm256_loadu_si256(mv), m1 = _mm256_loadu_si256(mv + 1),
            m2 = _mm256_loadu_si256(mv + 2), m3 = _mm256_loadu_si256(mv + 3);
    for (size_t j = 0; j < count; ++j) {
      const __m256i x = _mm256_set1_epi32(static_cast<int>(Fold32(hashes[j])));
      m0 =
          _mm256_min_epu32(m0, _mm256_add_epi32(_mm256_mullo_epi32(a0, x), b0));
      m1 =
          _mm256_min_epu32(m1, _mm256_add_epi32(_mm256_mullo_epi32(a1, x), b1));
      m2 =
          _mm256_min_epu32(m2, _mm256_add_epi32(_mm256_mullo_epi32(a2, x), b2));
      m3 =
          _mm256_min_epu32(m3, _mm256_add_epi32(_mm256_mullo_epi32(a3, x), b3));
    }
    _mm256_storeu_si256(mv, m0);
    _mm256_storeu_si256(mv + 1, m1);
    _mm256_storeu_si256(mv + 2, m2);
    _mm256_storeu_si256(mv + 3, m3);
  }
  // The permutations past the last whole block.
  SignBlocked<kBlock>(hashes, count, a + base, b + base, minima + base,
                      k - base, Fold32);
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
