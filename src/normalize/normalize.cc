#include "normalize/normalize.h"

#include <utf8proc.h>

#include <algorithm>

#include "base/check.h"

namespace neardup {
namespace {

bool IsAsciiLower(unsigned char c) { return c >= 'a' && c <= 'z'; }
bool IsAsciiUpper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
bool IsAsciiAlnum(unsigned char c) {
  return IsAsciiLower(c) || IsAsciiUpper(c) || (c >= '0' && c <= '9');
}

// Builds the normalized text one character at a time.
class Builder {
 public:
  explicit Builder(size_t capacity) {
    out_.text.reserve(capacity);
    out_.origin.reserve(capacity + 1);
  }

  // Appends one byte of a token produced by the input byte at `origin`.
  void TokenByte(char c, uint32_t origin) {
    out_.text.push_back(c);
    out_.origin.push_back(origin);
    in_token_ = true;
  }

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
      out_.text.push_back(' ');
      out_.origin.push_back(pending_space_origin_);
      space_pending_ = false;
    }
  }

  bool in_token() const { return in_token_; }

  NormalizedText Finish(uint32_t input_size) {
    out_.origin.push_back(input_size);
    return std::move(out_);
  }

 private:
  NormalizedText out_;
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

// Normalizes one non-ASCII code point `cp` that starts at `origin`.
void AppendCodePoint(utf8proc_int32_t cp, uint32_t origin, Builder& builder) {
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
      if (IsAsciiAlnum(c)) {
        if (IsAsciiUpper(c)) {
          // "VisitsPresident": a glued word boundary starts a new token.
          if (i > 0 && IsAsciiLower(static_cast<unsigned char>(s[i - 1])) &&
              i + 1 < s.size() &&
              IsAsciiLower(static_cast<unsigned char>(s[i + 1]))) {
            builder.Separator(origin);
          }
          builder.BeginChar();
          builder.TokenByte(static_cast<char>(c - 'A' + 'a'), origin);
        } else {
          builder.BeginChar();
          builder.TokenByte(static_cast<char>(c), origin);
        }
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
    AppendCodePoint(cp, origin, builder);
    i += static_cast<size_t>(len);
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
