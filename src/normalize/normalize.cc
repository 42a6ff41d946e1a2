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
// MB/s (CopyPlainText()'s 16-byte windows then to ~630 MB/s).
//
// Capacity invariant: before each input byte, capacity >= size + pending
// space + input bytes left. An ASCII byte writes at most one byte of its
// own, plus the space a previous separator byte left pending, so the ASCII
// path needs no check. Two cases write more, and Reserve() first: a glued
// word boundary ("VisitsPresident") writes a space and a letter for one
// byte, and a non-ASCII code point can expand (NFKC).
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
    origin_[size_] = origin;
    ++size_;
    in_token_ = true;
  }

  // Copies the run of lowercase letters and digits that starts at `begin`
  // as token bytes; returns where it ends. Through local pointers: a store
  // through char* may alias the builder's members, which would otherwise be
  // reloaded per byte.
  size_t CopyLowerRun(absl::string_view s, size_t begin) {
    char* text = text_.data() + size_;
    uint32_t* origin = origin_.data() + size_;
    size_t i = begin;
    do {
      *text++ = s[i];
      *origin++ = static_cast<uint32_t>(i);
      ++i;
    } while (i < s.size() &&
             IsAsciiLowerOrDigit(static_cast<unsigned char>(s[i])));
    size_ += i - begin;
    in_token_ = true;
    return i;
  }

#if defined(__SSE2__)
  // At a lowercase letter or digit at `begin`, with 16 bytes of input from
  // there: copies the longest prefix of those 16 that is plain text
  // (letters, digits and single spaces, ending in a letter or digit, with no
  // glued word boundary), whose normalized form is itself lowercased, byte
  // for byte, with origins begin, begin + 1, ...; returns where it ends
  // (past `begin`). 16 bytes are classified at once; the rest of Normalize()
  // takes what stops a window (punctuation, a capital between lowercase
  // letters, non-ASCII, a run of spaces).
  size_t CopyPlainText(absl::string_view s, size_t begin) {
    const __m128i bytes =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + begin));
    // Signed compares: bytes >= 0x80 are negative, never in a range here.
    const auto in_range = [&](char low, char high) {
      return _mm_and_si128(_mm_cmpgt_epi8(bytes, _mm_set1_epi8(low - 1)),
                           _mm_cmplt_epi8(bytes, _mm_set1_epi8(high + 1)));
    };
    const __m128i lower = in_range('a', 'z');
    const __m128i upper = in_range('A', 'Z');
    const __m128i space = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(' '));
    const unsigned plain = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(
        _mm_or_si128(lower, upper), _mm_or_si128(in_range('0', '9'), space))));
    const unsigned spaces = static_cast<unsigned>(_mm_movemask_epi8(space));
    const unsigned lowers = static_cast<unsigned>(_mm_movemask_epi8(lower));
    const unsigned uppers = static_cast<unsigned>(_mm_movemask_epi8(upper));
    // Stops: the first byte that is not plain, the first of two spaces, and
    // a capital after a lowercase letter and before one ("VisitsPresident";
    // at the last byte, whatever follows).
    unsigned stops = (~plain & 0xFFFF) | (spaces & (spaces >> 1)) |
                     (uppers & (lowers << 1) & ((lowers >> 1) | 0x8000));
    size_t length = stops == 0 ? 16 : std::countr_zero(stops);
    if (s[begin + length - 1] == ' ') --length;  // left to Separator()
    // All 16 bytes and origins are written: the capacity invariant holds 16
    // more, and bytes past `length` are overwritten or cut by Finish().
    const __m128i folded =
        _mm_or_si128(bytes, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(text_.data() + size_), folded);
    uint32_t* origin = origin_.data() + size_;
    for (size_t j = 0; j < 16; ++j) {
      origin[j] = static_cast<uint32_t>(begin + j);
    }
    size_ += length;
    in_token_ = true;
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
      origin_[size_] = pending_space_origin_;
      ++size_;
      space_pending_ = false;
    }
  }

  bool in_token() const { return in_token_; }

  NormalizedText Finish(uint32_t input_size) {
    NormalizedText out{std::move(text_), std::move(origin_)};
    out.text.resize(size_);
    out.origin.resize(size_ + 1);
    out.origin[size_] = input_size;
    return out;
  }

 private:
  void Grow(size_t capacity) {
    text_.resize(capacity);
    origin_.resize(capacity);
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
void AppendCodePoint(utf8proc_int32_t cp, uint32_t origin, size_t input_left,
                     Builder& builder) {
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

}  // namespace

NormalizedText Normalize(absl::string_view s) {
  NEARDUP_CHECK(s.size() < (uint64_t{1} << 32));
  Builder builder(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const uint32_t origin = static_cast<uint32_t>(i);
    if (c < 0x80) {
      if (IsAsciiLowerOrDigit(c)) {
        // The common case, a run of lowercase letters and digits.
        builder.BeginChar();
#if defined(__SSE2__)
        if (i + 16 <= s.size()) {
          i = builder.CopyPlainText(s, i);
          continue;
        }
#endif
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
