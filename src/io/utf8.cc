#include "io/utf8.h"

#include <simdjson.h>

namespace neardup {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 if it is invalid. When
// invalid, `*consumed` is the length of the maximal invalid subpart (>= 1).
size_t ValidSequenceLength(absl::string_view s, size_t i, size_t* consumed) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  *consumed = 1;
  if (c < 0x80) return 1;
  size_t length;
  unsigned char low = 0x80, high = 0xBF;  // bounds of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    if (c == 0xE0) low = 0xA0;   // overlong
    if (c == 0xED) high = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    if (c == 0xF0) low = 0x90;   // overlong
    if (c == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  for (size_t k = 1; k < length; ++k) {
    if (i + k >= s.size()) return 0;
    const unsigned char b = static_cast<unsigned char>(s[i + k]);
    const bool ok = k == 1 ? (b >= low && b <= high) : (b >= 0x80 && b <= 0xBF);
    if (!ok) return 0;
    *consumed = k + 1;
  }
  return length;
}

}  // namespace

size_t FirstInvalidUtf8(absl::string_view bytes) {
  // Nearly every document is valid: simdjson's vectorized check says so at
  // several GB/s; the byte-at-a-time scan only finds where a bad one breaks.
  if (simdjson::validate_utf8(bytes.data(), bytes.size())) {
    return absl::string_view::npos;
  }
  size_t i = 0;
  while (i < bytes.size()) {
    size_t consumed;
    const size_t length = ValidSequenceLength(bytes, i, &consumed);
    if (length == 0) return i;
    i += length;
  }
  return absl::string_view::npos;
}

std::string RepairUtf8(absl::string_view bytes, size_t* replaced) {
  std::string out;
  out.reserve(bytes.size() + 8);
  size_t i = 0;
  while (i < bytes.size()) {
    size_t consumed;
    const size_t length = ValidSequenceLength(bytes, i, &consumed);
    if (length == 0) {
      out.append("\xEF\xBF\xBD");
      ++*replaced;
      i += consumed;
    } else {
      out.append(bytes.data() + i, length);
      i += length;
    }
  }
  return out;
}

}  // namespace neardup
