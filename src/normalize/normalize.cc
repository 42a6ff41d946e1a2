#include "normalize/normalize.h"

#include <utf8proc.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <bit>
#include <cstring>

#include "base/check.h"

namespace neardup {
namespace {

bool IsAsciiLower(unsigned char c) { return c >= 'a' && c <= 'z'; }
bool IsAsciiUpper(unsigned char c) { return c >= 'A' && c <= 'Z'; }

bool IsAsciiLowerOrDigit(unsigned char c) {
  return IsAsciiLower(c) || (c >= '0' && c <= '9');
}

// Builds the normalized text, writing into buffers sized ahead: Normalize()
// runs over every byte of the corpus, and dropping the capacity check and
// size update of a push_back per byte took BM_Normalize from 197 to 254
// MB/s (16-byte windows of plain text then to ~630 MB/s).
//
// Without `kOrigins` (NormalizeText()) no offset map is written: at the
// document level alone it would be 4 bytes written per byte kept, and never
// read.
//
// Capacity invariant: before each input byte, capacity >= size + pending
// space + input bytes left. An ASCII byte writes at most one byte of its
// own, plus the space a previous separator byte left pending, so the ASCII
// path needs no check. Two cases write more, and Reserve() first: a glued
// word boundary ("VisitsPresident") writes a space and a letter for one
// byte, and a non-ASCII code point can expand (NFKC).
template <bool kOrigins>
class Builder {
 public:
  explicit Builder(size_t input_size) { Grow(input_size + 1); }

  // Makes room for `bytes` more output bytes besides what the invariant
  // already holds for `input_left` bytes of input.
  void Reserve(size_t bytes, size_t input_left) {
    const size_t needed = size_ + 1 + bytes + input_left;
    if (needed > text_.size()) Grow(std::max(needed, 2 * text_.size()));
  }

  // Appends one byte of a token produced by the input byte at `origin`.
  void TokenByte(char c, uint32_t origin) {
    text_[size_] = c;
    if constexpr (kOrigins) origin_[size_] = origin;
    ++size_;
    in_token_ = true;
  }

  // Copies the run of lowercase letters and digits that starts at `begin`
  // as token bytes; returns where it ends. Through local pointers: a store
  // through char* may alias the builder's members, which would otherwise be
  // reloaded per byte.
  size_t CopyLowerRun(absl::string_view s, size_t begin) {
    char* text = text_.data() + size_;
    [[maybe_unused]] uint32_t* origin = origin_.data() + size_;
    size_t i = begin;
    do {
      *text++ = s[i];
      if constexpr (kOrigins) *origin++ = static_cast<uint32_t>(i);
      ++i;
    } while (i < s.size() &&
             IsAsciiLowerOrDigit(static_cast<unsigned char>(s[i])));
    size_ += i - begin;
    in_token_ = true;
    return i;
  }

#if defined(__SSE2__)
  // With 16 bytes of input from `begin`: normalizes the longest prefix of
  // those 16 made of ASCII letters, digits and separators (any other ASCII
  // byte but the apostrophe and the hyphen, whose meaning depends on what
  // surrounds them), with no glued word boundary; returns where it ends
  // (`begin` when the first byte is none of those). The rest of Normalize()
  // takes what stops a window. 16 bytes are classified at once, and the
  // bytes kept (letters folded; the first separator after a token, as a
  // space, when a token follows in the window) written without a branch
  // per byte; a window that keeps every byte up to its last token is
  // stored whole. Separators after the window's last token are left
  // pending, as Separator() leaves them.
  size_t CopyAsciiWindow(absl::string_view s, size_t begin) {
    const __m128i bytes =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + begin));
    // Signed compares: bytes >= 0x80 are negative, never in a range here.
    const auto in_range = [&](char low, char high) {
      return _mm_and_si128(_mm_cmpgt_epi8(bytes, _mm_set1_epi8(low - 1)),
                           _mm_cmplt_epi8(bytes, _mm_set1_epi8(high + 1)));
    };
    const auto mask = [](__m128i m) {
      return static_cast<unsigned>(_mm_movemask_epi8(m));
    };
    const __m128i lower = in_range('a', 'z');
    const __m128i upper = in_range('A', 'Z');
    const __m128i token =
        _mm_or_si128(_mm_or_si128(lower, upper), in_range('0', '9'));
    const unsigned lowers = mask(lower);
    const unsigned uppers = mask(upper);
    const unsigned previous_lower =
        (lowers << 1) |
        (begin > 0 && IsAsciiLower(static_cast<unsigned char>(s[begin - 1])));
    // Stops: non-ASCII, apostrophes, hyphens, and a capital after a
    // lowercase letter and before one ("VisitsPresident"; at the last byte,
    // whatever follows).
    const unsigned stops = mask(bytes) |
                           mask(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('\''))) |
                           mask(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('-'))) |
                           (uppers & previous_lower & ((lowers >> 1) | 0x8000));
    const unsigned length = stops == 0 ? 16 : std::countr_zero(stops);
    const unsigned within = (1u << length) - 1;
    const unsigned tokens = mask(token) & within;
    const unsigned separators = ~mask(token) & within;
    if (tokens == 0) {  // separators only, if any
      if (separators != 0) Separator(static_cast<uint32_t>(begin));
      return begin + length;
    }
    // The first separator of each run that follows a token.
    const unsigned run_starts =
        separators & ((tokens << 1) | (in_token_ ? 1u : 0u));
    const unsigned last_token = std::bit_width(tokens) - 1;
    const unsigned through_last = (2u << last_token) - 1;
    const unsigned kept = tokens | (run_starts & (through_last >> 1));
    BeginChar();
    // Letters folded, separators as spaces. All 16 bytes may be written:
    // the capacity invariant holds as many as the input bytes left.
    const __m128i folded = _mm_or_si128(
        _mm_and_si128(
            token,
            _mm_or_si128(bytes, _mm_and_si128(upper, _mm_set1_epi8(0x20)))),
        _mm_andnot_si128(token, _mm_set1_epi8(' ')));
    char* text = text_.data() + size_;
    [[maybe_unused]] uint32_t* origin = origin_.data() + size_;
    if (kept == through_last) {
      // Single separators between tokens: the window's bytes as they are.
      _mm_storeu_si128(reinterpret_cast<__m128i*>(text), folded);
      if constexpr (kOrigins) {
        for (size_t j = 0; j < 16; ++j) {
          origin[j] = static_cast<uint32_t>(begin + j);
        }
      }
      size_ += last_token + 1;
    } else {
      alignas(16) char out[16];
      _mm_store_si128(reinterpret_cast<__m128i*>(out), folded);
      size_t written = 0;
      for (unsigned j = 0; j <= last_token; ++j) {
        text[written] = out[j];
        if constexpr (kOrigins)
          origin[written] = static_cast<uint32_t>(begin + j);
        written += (kept >> j) & 1;
      }
      size_ += written;
    }
    in_token_ = true;
    if (last_token + 1 < length) {  // separators after the last token
      Separator(static_cast<uint32_t>(begin + last_token + 1));
    }
    return begin + length;
  }
#endif

  // Ends the current token, if any; the space is emitted lazily so that runs
  // of separators and a trailing separator cost nothing.
  void Separator(uint32_t origin) {
    if (in_token_) {
      pending_space_origin_ = origin;
      space_pending_ = true;
      in_token_ = false;
    }
  }

  // Called before the first byte of every token character.
  void BeginChar() {
    if (space_pending_) {
      text_[size_] = ' ';
      if constexpr (kOrigins) origin_[size_] = pending_space_origin_;
      ++size_;
      space_pending_ = false;
    }
  }

  bool in_token() const { return in_token_; }

  NormalizedText Finish(uint32_t input_size) {
    NormalizedText out{std::move(text_), std::move(origin_)};
    out.text.resize(size_);
    if constexpr (kOrigins) {
      out.origin.resize(size_ + 1);
      out.origin[size_] = input_size;
    }
    return out;
  }

 private:
  void Grow(size_t capacity) {
    text_.resize(capacity);
    if constexpr (kOrigins) origin_.resize(capacity);
  }

  std::string text_;
  std::vector<uint32_t> origin_;
  size_t size_ = 0;
  bool in_token_ = false;
  bool space_pending_ = false;
  uint32_t pending_space_origin_ = 0;
};

// If a hyphen at `pos` ends a line and the next line continues the word in
// lowercase, returns the offset of that lowercase letter; otherwise 0.
size_t LineEndHyphenContinuation(absl::string_view s, size_t pos) {
  size_t i = pos + 1;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) ++i;
  if (i >= s.size() || s[i] != '\n') return 0;
  ++i;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  if (i < s.size() && IsAsciiLower(static_cast<unsigned char>(s[i]))) return i;
  return 0;
}

// Normalizes one non-ASCII code point `cp` that starts at `origin`, with
// `input_left` bytes of input after it.
template <bool kOrigins>
void AppendCodePoint(utf8proc_int32_t cp, uint32_t origin, size_t input_left,
                     Builder<kOrigins>& builder) {
  utf8proc_int32_t folded[32];
  int boundclass = UTF8PROC_BOUNDCLASS_START;
  const utf8proc_ssize_t n = utf8proc_decompose_char(
      cp, folded, 32,
      static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
                                     UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
                                     UTF8PROC_LUMP),
      &boundclass);
  if (n < 0 || n > 32) {
    builder.Separator(origin);
    return;
  }
  // Each folded code point: up to 4 bytes and a space before it.
  builder.Reserve(static_cast<size_t>(n) * 5, input_left);
  for (utf8proc_ssize_t k = 0; k < n; ++k) {
    const utf8proc_int32_t f = folded[k];
    if (f == '\'') {
      // A lumped apostrophe (’) inside a word vanishes, as the ASCII one does.
      if (!builder.in_token()) builder.Separator(origin);
      continue;
    }
    const utf8proc_category_t category = utf8proc_category(f);
    const bool is_token_char =
        (category >= UTF8PROC_CATEGORY_LU &&
         category <= UTF8PROC_CATEGORY_LO) ||
        (category >= UTF8PROC_CATEGORY_ND && category <= UTF8PROC_CATEGORY_NO);
    if (!is_token_char) {
      builder.Separator(origin);
      continue;
    }
    utf8proc_uint8_t bytes[4];
    const utf8proc_ssize_t len = utf8proc_encode_char(f, bytes);
    builder.BeginChar();
    for (utf8proc_ssize_t b = 0; b < len; ++b) {
      builder.TokenByte(static_cast<char>(bytes[b]), origin);
    }
  }
}

// Normalize(), and without `kOrigins` NormalizeText() (origin left empty).
template <bool kOrigins>
NormalizedText NormalizeWith(absl::string_view s) {
  NEARDUP_CHECK(s.size() < (uint64_t{1} << 32));
  Builder<kOrigins> builder(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const uint32_t origin = static_cast<uint32_t>(i);
    if (c < 0x80) {
#if defined(__SSE2__)
      // The common case: ASCII letters, digits and separators.
      if (i + 16 <= s.size() && c != '\'' && c != '-') {
        const size_t end = builder.CopyAsciiWindow(s, i);
        if (end != i) {
          i = end;
          continue;
        }
      }
#endif
      if (IsAsciiLowerOrDigit(c)) {
        // A run of lowercase letters and digits.
        builder.BeginChar();
        i = builder.CopyLowerRun(s, i);
        continue;
      }
      if (IsAsciiUpper(c)) {
        // "VisitsPresident": a glued word boundary starts a new token.
        if (i > 0 && IsAsciiLower(static_cast<unsigned char>(s[i - 1])) &&
            i + 1 < s.size() &&
            IsAsciiLower(static_cast<unsigned char>(s[i + 1]))) {
          builder.Separator(origin);
          builder.Reserve(1, s.size() - i);  // " p" from "P": a byte more
        }
        builder.BeginChar();
        builder.TokenByte(static_cast<char>(c - 'A' + 'a'), origin);
      } else if (c == '\'' && builder.in_token()) {
        // Apostrophe inside or after a word: dropped.
      } else if (c == '-' && builder.in_token()) {
        const size_t next = LineEndHyphenContinuation(s, i);
        if (next != 0) {
          i = next;
          continue;
        }
        builder.Separator(origin);
      } else {
        builder.Separator(origin);
      }
      ++i;
      continue;
    }
    utf8proc_int32_t cp = -1;
    const utf8proc_ssize_t len = utf8proc_iterate(
        reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
        static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (len <= 0) {
      builder.Separator(origin);
      ++i;
      continue;
    }
    i += static_cast<size_t>(len);
    AppendCodePoint(cp, origin, s.size() - i, builder);
  }
  return builder.Finish(static_cast<uint32_t>(s.size()));
}

}  // namespace

NormalizedText Normalize(absl::string_view utf8) {
  return NormalizeWith<true>(utf8);
}

std::string NormalizeText(absl::string_view utf8) {
  return NormalizeWith<false>(utf8).text;
}

TextRange NormalizedRange(const NormalizedText& normalized, uint32_t start,
                          uint32_t end) {
  const auto text_end = normalized.origin.end() - 1;
  size_t begin = static_cast<size_t>(
      std::lower_bound(normalized.origin.begin(), text_end, start) -
      normalized.origin.begin());
  size_t stop = static_cast<size_t>(
      std::lower_bound(normalized.origin.begin(), text_end, end) -
      normalized.origin.begin());
  while (begin < stop && normalized.text[begin] == ' ') ++begin;
  while (stop > begin && normalized.text[stop - 1] == ' ') --stop;
  return TextRange{begin, stop};
}

}  // namespace neardup
