// base/hash.h: the 64-bit hash every fingerprint in neardup is built from.
//
// Why: one hash function (XXH3, stable since xxHash 0.8.0) for shingles, exact
// duplicate keys and LSH band keys keeps fingerprints reproducible across
// machines and releases; changing it changes every report.
//
// Example:
//   uint64_t h = neardup::Hash64("north korea", /*seed=*/0);

#ifndef NEARDUP_BASE_HASH_H_
#define NEARDUP_BASE_HASH_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

// xxHash compiled into each caller (its functions become static inline, no
// symbols are exported): hashing a 4-byte shingle is then a few instructions
// instead of a call into libxxhash. The hashes are the same either way.
#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

namespace neardup {

// Hash64()
//
// XXH3 64-bit hash of `bytes` with `seed`. Deterministic on every platform.
inline uint64_t Hash64(absl::string_view bytes, uint64_t seed = 0) {
  return XXH3_64bits_withSeed(bytes.data(), bytes.size(), seed);
}

// Hash64Of4To8()
//
// Hash64(absl::string_view(data, size)) for 4 <= size <= 8: XXH3's own code
// for those lengths, without its dispatch on the length. In a loop over the
// n-grams of one length (char 4-grams of ASCII text: 10^8 a season of front
// pages), the hashes of successive n-grams then overlap in the pipeline.
inline uint64_t Hash64Of4To8(const char* data, size_t size) {
  return XXH3_len_4to8_64b(reinterpret_cast<const xxh_u8*>(data), size,
                           XXH3_kSecret, 0);
}

// Mix64()
//
// A bijective 64-bit finalizer (the splitmix64 mixing function). Used to
// derive independent per-permutation constants from one user seed.
constexpr uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace neardup

#endif  // NEARDUP_BASE_HASH_H_
