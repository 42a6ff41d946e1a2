// io/utf8.h: UTF-8 validation and repair for text read from outside.
//
// Why: scraped corpora contain invalid UTF-8 (truncated multi-byte
// sequences, Latin-1 bytes). The engine and every JSON writer need valid
// UTF-8, so readers repair it here, once, with U+FFFD per invalid sequence,
// and count what they replaced; --strict turns repair into an error.
//
// Example:
//   size_t replaced = 0;
//   std::string clean = RepairUtf8(bytes, &replaced);
//
// Thread safety: pure functions.

#ifndef NEARDUP_IO_UTF8_H_
#define NEARDUP_IO_UTF8_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace neardup {

// FirstInvalidUtf8()
//
// Offset of the first byte that does not start a valid UTF-8 sequence
// (overlong forms, surrogates and code points above U+10FFFF are invalid),
// or npos when `bytes` is valid.
size_t FirstInvalidUtf8(absl::string_view bytes);

// RepairUtf8()
//
// `bytes` with each maximal invalid subsequence replaced by U+FFFD (the
// Unicode "substitution of maximal subparts" practice). Adds the number of
// replacements to `*replaced`.
std::string RepairUtf8(absl::string_view bytes, size_t* replaced);

}  // namespace neardup

#endif  // NEARDUP_IO_UTF8_H_
