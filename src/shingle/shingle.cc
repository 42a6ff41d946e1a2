#include "shingle/shingle.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <memory>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/hash.h"
#include "base/hash_sort.h"

namespace neardup {
namespace {

bool IsContinuationByte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// A buffer of `size` values on the stack when it fits in kCapacity, else on
// the heap: sentence-sized inputs (the passage level makes millions of
// calls) then cost no malloc for their scratch.
template <typename T, size_t kCapacity>
class ScratchBuffer {
 public:
  explicit ScratchBuffer(size_t size) {
    if (size > kCapacity) heap_ = std::make_unique_for_overwrite<T[]>(size);
  }
  T* data() { return heap_ != nullptr ? heap_.get() : stack_; }

 private:
  T stack_[kCapacity];
  std::unique_ptr<T[]> heap_;
};

bool IsAscii(absl::string_view text) {
  unsigned char any = 0;
  for (const char c : text) any |= static_cast<unsigned char>(c);
  return any < 0x80;
}

// Writes 0 and the offset after every space but a last byte's to `starts`
// (which holds text.size() values); returns how many. A word starts every ~6
// bytes of news text, so the scan takes 16 bytes at a time (SSE2) and writes
// each block's starts from its mask of spaces: four unconditionally, more
// only in the rare block with more spaces, so that the branch on the count
// is almost always predicted.
size_t FindWordStarts(absl::string_view text, uint32_t* starts) {
  size_t units = 0;
  starts[units++] = 0;
  const size_t last = text.size() - 1;  // a space here starts no word
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(' ');
  for (; i + 16 <= last; i += 16) {
    const __m128i block =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    uint32_t mask =
        static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, space)));
    const uint32_t base = static_cast<uint32_t>(i + 1);
    // Slots past the block's count are overwritten later or lie beyond the
    // last start (starts has room: at most one start per byte, written below
    // `i + 16`). The count is summed as the bits are taken, not found with
    // std::popcount: without -mpopcnt (default builds) that is a call into
    // libgcc, 3.4% of a BBC scan's CPU samples at the document level.
    size_t count = 0;
    for (size_t k = 0; k < 4; ++k) {
      starts[units + k] = base + static_cast<uint32_t>(std::countr_zero(mask));
      count += mask != 0 ? 1 : 0;
      mask &= mask - 1;
    }
    for (; mask != 0; ++count) {
      starts[units + count] =
          base + static_cast<uint32_t>(std::countr_zero(mask));
      mask &= mask - 1;
    }
    units += count;
  }
#endif
  for (; i < last; ++i) {
    starts[units] = static_cast<uint32_t>(i + 1);
    units += text[i] == ' ' ? 1 : 0;
  }
  return units;
}

// Appends the hashes of the n-grams of `text` to `out`, in text order, one
// per n-gram; units are words (by_word) or code points.
void AppendNgramHashes(absl::string_view text, bool by_word, int n,
                       std::vector<uint64_t>& out) {
  if (text.empty()) return;
  const size_t size = static_cast<size_t>(n);
  const size_t old_size = out.size();
  if (!by_word && IsAscii(text)) {
    // A code point per byte (most news): the n-grams are the n-byte
    // substrings, with no unit starts to find.
    if (text.size() <= size) {
      out.push_back(Hash64(text));
      return;
    }
    const size_t count = text.size() - size + 1;
    out.resize(old_size + count);
    uint64_t* const hashes = out.data() + old_size;
    if (size >= 4 && size <= 8) {
      for (size_t k = 0; k < count; ++k) {
        hashes[k] = Hash64Of4To8(text.data() + k, size);
      }
    } else {
      for (size_t k = 0; k < count; ++k) {
        hashes[k] = Hash64(text.substr(k, size));
      }
    }
    return;
  }
  // The start offset of every unit. Without a branch per byte: each byte
  // writes the next slot and moves past it only when a unit starts there
  // (a branch mispredicted at every word boundary took half of Shingle()).
  ScratchBuffer<uint32_t, 2048> start_buffer(text.size());
  uint32_t* const starts = start_buffer.data();
  size_t units = 0;
  if (by_word) {
    units = FindWordStarts(text, starts);
  } else {
    for (size_t i = 0; i < text.size(); ++i) {
      starts[units] = static_cast<uint32_t>(i);
      units += IsContinuationByte(text[i]) ? 0 : 1;
    }
  }
  if (units <= size) {
    out.push_back(Hash64(text));
    return;
  }
  const size_t count = units - size + 1;
  out.resize(old_size + count);
  uint64_t* const hashes = out.data() + old_size;
  for (size_t k = 0; k < count; ++k) {
    const size_t begin = starts[k];
    // A word n-gram ends before the space that precedes the next word.
    const size_t end =
        k + size < units ? starts[k + size] - (by_word ? 1 : 0) : text.size();
    hashes[k] = Hash64(text.substr(begin, end - begin));
  }
}

}  // namespace

absl::StatusOr<ShingleSpec> ShingleSpec::Parse(absl::string_view text) {
  const size_t colon = text.find(':');
  const absl::string_view kind = text.substr(0, colon);
  int size = 0;
  if (colon == absl::string_view::npos || (kind != "word" && kind != "char") ||
      !absl::SimpleAtoi(text.substr(colon + 1), &size) || size < 1 ||
      size > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad shingle spec '", text,
                     "': expected word:N or char:N, 1 <= N <= 64"));
  }
  return ShingleSpec{kind == "word" ? ShingleKind::kWord : ShingleKind::kChar,
                     size};
}

std::string ShingleSpec::ToString() const {
  return absl::StrCat(kind == ShingleKind::kWord ? "word:" : "char:", size);
}

std::vector<uint64_t> ShingleHashes(absl::string_view normalized,
                                    const ShingleSpec& spec) {
  std::vector<uint64_t> hashes;
  AppendShingleHashes(normalized, spec, hashes);
  return hashes;
}

size_t AppendShingleHashes(absl::string_view normalized,
                           const ShingleSpec& spec,
                           std::vector<uint64_t>& out) {
  const size_t old_size = out.size();
  AppendNgramHashes(normalized, spec.kind == ShingleKind::kWord, spec.size,
                    out);
  return out.size() - old_size;
}

absl::Span<uint64_t> MakeShingleSet(absl::Span<uint64_t> hashes) {
  // Sorted into scratch and copied back once unique.
  ScratchBuffer<uint64_t, 1024> sorted_buffer(hashes.size());
  uint64_t* const sorted = sorted_buffer.data();
  SortHashedInto(
      hashes.data(), hashes.size(), sorted, [](uint64_t h) { return h; },
      std::less<uint64_t>());
  uint64_t* const end =
      std::unique_copy(sorted, sorted + hashes.size(), hashes.data());
  return hashes.subspan(0, static_cast<size_t>(end - hashes.data()));
}

void MakeShingleSet(std::vector<uint64_t>& hashes) {
  hashes.resize(MakeShingleSet(absl::MakeSpan(hashes)).size());
}

std::vector<uint64_t> Shingle(absl::string_view normalized,
                              const ShingleSpec& spec) {
  std::vector<uint64_t> set = ShingleHashes(normalized, spec);
  MakeShingleSet(set);
  return set;
}

namespace {

// |a ∩ b| by merging from a[i] and b[j], with `common` found before them;
// returns early with a count below `needed` once the elements left cannot
// bring it to `needed`. Inlined by force into each CountCommon() below, so
// that the AVX2 one runs it as VEX code: called as plain SSE code after
// 256-bit registers were used, it ran 2-5x slower on this machine.
[[gnu::always_inline]] inline size_t MergeCommon(absl::Span<const uint64_t> a,
                                                 absl::Span<const uint64_t> b,
                                                 size_t needed, size_t i,
                                                 size_t j, size_t common) {
  while (i < a.size() && j < b.size()) {
    if (common + std::min(a.size() - i, b.size() - j) < needed) return common;
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  return common;
}

// |a ∩ b|, or a count below `needed` once it cannot reach it.
#if defined(__x86_64__)
__attribute__((target("default"))) size_t CountCommon(
    absl::Span<const uint64_t> a, absl::Span<const uint64_t> b, size_t needed) {
  return MergeCommon(a, b, needed, 0, 0, 0);
}

// Four elements of each set at a time: each of a's four is compared with
// all four of b's (three rotations), and the block whose last element is
// smaller moves on (both when equal). Every common element is in a's block
// and b's block at once exactly once, so each is counted once. Exact
// verification of chronam1916 Q1's 2.5 M passage candidates: sets of ~100
// (BM_JaccardIfAtLeast: see bench/stages_benchmark.cc).
__attribute__((target("avx2,popcnt"))) size_t CountCommon(
    absl::Span<const uint64_t> a, absl::Span<const uint64_t> b, size_t needed) {
  size_t i = 0, j = 0, common = 0;
  while (i + 4 <= a.size() && j + 4 <= b.size()) {
    if (common + std::min(a.size() - i, b.size() - j) < needed) return common;
    const __m256i x =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.data() + i));
    const __m256i y =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.data() + j));
    const __m256i equal = _mm256_or_si256(
        _mm256_or_si256(
            _mm256_cmpeq_epi64(x, y),
            _mm256_cmpeq_epi64(x, _mm256_permute4x64_epi64(y, 0x39))),
        _mm256_or_si256(
            _mm256_cmpeq_epi64(x, _mm256_permute4x64_epi64(y, 0x4E)),
            _mm256_cmpeq_epi64(x, _mm256_permute4x64_epi64(y, 0x93))));
    common += static_cast<size_t>(std::popcount(
        static_cast<unsigned>(_mm256_movemask_pd(_mm256_castsi256_pd(equal)))));
    const uint64_t last_a = a[i + 3], last_b = b[j + 3];
    i += last_a <= last_b ? 4 : 0;
    j += last_b <= last_a ? 4 : 0;
  }
  return MergeCommon(a, b, needed, i, j, common);
}
#else
size_t CountCommon(absl::Span<const uint64_t> a, absl::Span<const uint64_t> b,
                   size_t needed) {
  return MergeCommon(a, b, needed, 0, 0, 0);
}
#endif

}  // namespace

size_t IntersectionSize(absl::Span<const uint64_t> a,
                        absl::Span<const uint64_t> b) {
  return CountCommon(a, b, 0);
}

double Jaccard(absl::Span<const uint64_t> a, absl::Span<const uint64_t> b) {
  return JaccardIfAtLeast(a, b, 0.0);  // never stops early
}

double JaccardIfAtLeast(absl::Span<const uint64_t> a,
                        absl::Span<const uint64_t> b, double threshold) {
  if (a.empty() && b.empty()) return 0.0;
  const size_t total = a.size() + b.size();
  // The smallest intersection whose Jaccard reaches the threshold.
  const double needed_exact =
      threshold * static_cast<double>(total) / (1.0 + threshold);
  const size_t needed =
      needed_exact <= 0 ? 0
                        : static_cast<size_t>(std::ceil(needed_exact - 1e-9));
  if (std::min(a.size(), b.size()) < needed) return 0.0;
  const size_t common = CountCommon(a, b, needed);
  if (common < needed) return 0.0;
  return static_cast<double>(common) / static_cast<double>(total - common);
}

}  // namespace neardup
