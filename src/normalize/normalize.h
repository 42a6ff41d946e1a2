// normalize/normalize.h: folds text to the form fingerprints are taken of,
// keeping a map back to the original bytes.
//
// Why: copies of one story differ in case, quote style (’ vs '), dashes,
// accents, spacing, hyphenation at line ends and full-width forms. Those
// differences must not change a fingerprint, but every report must point at
// the original bytes, so each normalized byte remembers where it came from
// (as sentencepiece's Normalizer does with its norm_to_orig map).
//
// The normalized form is a sequence of tokens joined by single ASCII spaces,
// with no leading or trailing space. A token is a run of letters and digits:
//   - Unicode NFKC compatibility forms and case folding (utf8proc), combining
//     marks stripped (é -> e), look-alike punctuation lumped (’ -> ');
//   - an ASCII fast path that never calls utf8proc;
//   - apostrophes inside words vanish ("today's" -> "todays");
//   - a hyphen at a line end followed by a lowercase letter joins the word
//     ("develop-\nment" -> "development");
//   - a lowercase letter followed by an uppercase then a lowercase letter
//     starts a new token ("VisitsPresident" -> "visits president"), which
//     repairs words glued across a missing space;
//   - everything else (punctuation, symbols, whitespace) separates tokens.
//
// Example:
//   NormalizedText n = Normalize("Nation’s  TOP-Story");
//   // n.text == "nations top story"; n.origin[0] == 0
//
// Input must be valid UTF-8 (io/ repairs invalid input when reading); an
// invalid byte is treated as a separator. Thread safety: a pure function.

#ifndef NEARDUP_NORMALIZE_NORMALIZE_H_
#define NEARDUP_NORMALIZE_NORMALIZE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace neardup {

struct NormalizedText {
  // Tokens joined by single spaces.
  std::string text;
  // origin[i] is the offset in the input of the character that produced
  // text[i]; origin.back() (one past the last byte) is the input's size, so
  // origin.size() == text.size() + 1. Non-decreasing.
  std::vector<uint32_t> origin;
};

// Normalize()
//
// Returns the normalized form of `utf8` with its offset map. O(|utf8|).
// `utf8` must be shorter than 4 GiB.
NormalizedText Normalize(absl::string_view utf8);

// NormalizeText()
//
// Normalize(utf8).text, without the offset map, for callers that never map
// back to the input (a document's fingerprint when passages are not asked
// for; eval's shingles): ~1.x faster on news text (BM_NormalizeText).
std::string NormalizeText(absl::string_view utf8);

// NormalizedRange()
//
// The half-open range [first, second) of `normalized.text` produced by the
// original bytes [`start`, `end`), without leading or trailing spaces. Empty
// (first == second) when the span holds no token. O(log |text|).
struct TextRange {
  size_t begin = 0;
  size_t end = 0;
};
TextRange NormalizedRange(const NormalizedText& normalized, uint32_t start,
                          uint32_t end);

}  // namespace neardup

#endif  // NEARDUP_NORMALIZE_NORMALIZE_H_
