// segment/sentence_marks.h: finds the next byte where a sentence may end.
//
// Why: the splitter (segment.cc) looks closely only at '.', '!', '?' and at
// an uppercase letter right after a lowercase one (a missing space,
// "VisitsPresident"); every other byte just moves it on. Testing each byte
// with a chain of branches cost most of SplitSentences(), 5.7% of a
// chronam1916 Q1 scan; 16 bytes at a time with SSE2 (every x86-64 CPU) the
// bytes between marks are skipped in a few instructions.
//
// Example:
//   for (size_t i = NextSentenceMark(s, begin, end); i < end;
//        i = NextSentenceMark(s, i + 1, end)) { ... look at s[i] ... }
//
// Thread safety: a pure function.

#ifndef NEARDUP_SEGMENT_SENTENCE_MARKS_H_
#define NEARDUP_SEGMENT_SENTENCE_MARKS_H_

#include <cstddef>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace neardup {

// Whether s[i] is '.', '!', '?', or an ASCII uppercase letter whose previous
// byte (if i > 0) is an ASCII lowercase letter.
inline bool IsSentenceMark(absl::string_view s, size_t i) {
  const char c = s[i];
  if (c == '.' || c == '!' || c == '?') return true;
  return absl::ascii_isupper(static_cast<unsigned char>(c)) && i > 0 &&
         absl::ascii_islower(static_cast<unsigned char>(s[i - 1]));
}

// NextSentenceMark()
//
// The first i' in [i, end) with IsSentenceMark(s, i'), or `end` if none.
// Requires end <= s.size().
inline size_t NextSentenceMark(absl::string_view s, size_t i, size_t end) {
#if defined(__SSE2__)
  // Each window also reads the byte before it, so it starts at 1 or later.
  if (i == 0 && i < end) {
    if (IsSentenceMark(s, 0)) return 0;
    i = 1;
  }
  const auto in_range = [](__m128i v, char low, char high) {
    return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(low - 1)),
                         _mm_cmplt_epi8(v, _mm_set1_epi8(high + 1)));
  };
  for (; i + 16 <= end; i += 16) {
    const __m128i bytes =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const __m128i before =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i - 1));
    const __m128i terminal =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('.')),
                                  _mm_cmpeq_epi8(bytes, _mm_set1_epi8('!'))),
                     _mm_cmpeq_epi8(bytes, _mm_set1_epi8('?')));
    const __m128i glued =
        _mm_and_si128(in_range(bytes, 'A', 'Z'), in_range(before, 'a', 'z'));
    const int marks = _mm_movemask_epi8(_mm_or_si128(terminal, glued));
    if (marks != 0) return i + static_cast<size_t>(__builtin_ctz(marks));
  }
#endif
  for (; i < end; ++i) {
    if (IsSentenceMark(s, i)) return i;
  }
  return end;
}

}  // namespace neardup

#endif  // NEARDUP_SEGMENT_SENTENCE_MARKS_H_
