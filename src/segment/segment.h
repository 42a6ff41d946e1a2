// segment/segment.h: splits news text into sentences (the passages that
// passage-level fingerprints are taken of).
//
// Why: a repeated or syndicated passage is found sentence by sentence, and
// news text breaks naive splitters: abbreviations (U.S., Feb., Mr.), initials
// ("Bradley T. Smith"), decimals, quotations that end a sentence, headlines
// and "Related Articles" lines with no final punctuation, words glued across
// a missing space ("...Chief VisitsPresident Vladimir Putin made..."), and
// hard-wrapped wire or OCR text whose line breaks fall mid-sentence.
//
// Rules, in order:
//   1. A blank line always ends a sentence.
//   2. A single line break ends a sentence, unless the document is
//      hard-wrapped (at least a fifth of its lines run on into a line that
//      starts in lowercase). In hard-wrapped text a line break ends a
//      sentence only after a short line (under 60% of the median line length)
//      followed by one starting in uppercase: a headline.
//   3. ".", "!", "?" (and runs of them), optionally followed by closing quotes
//      or brackets, then whitespace, then an uppercase letter, digit or
//      opening quote, end a sentence, except after a known abbreviation or a
//      single-letter initial. After a dotted abbreviation ("U.S.") only a
//      common sentence opener ("The", "He", ...) starts a new sentence.
//   4. A lowercase run of three or more letters glued to a capitalized word
//      that is followed by another capitalized word or is a common opener
//      ("VisitsPresident Vladimir") is split there.
//
// Spans are byte offsets into the input, trimmed of whitespace; a segment is
// never empty. Passing the same text always gives the same spans.
//
// Example:
//   for (const Segment& s : SplitSentences(text)) {
//     absl::string_view sentence = text.substr(s.start, s.end - s.start);
//   }
//
// Thread safety: a pure function.

#ifndef NEARDUP_SEGMENT_SEGMENT_H_
#define NEARDUP_SEGMENT_SEGMENT_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"

namespace neardup {

// A sentence: bytes [start, end) of the input.
struct Segment {
  uint32_t start = 0;
  uint32_t end = 0;
};

// SplitSentences()
//
// The sentences of `text` in order, non-overlapping. O(|text|) plus a sort of
// the line lengths. `text` must be shorter than 4 GiB.
std::vector<Segment> SplitSentences(absl::string_view text);

// MessageHeaderEnd()
//
// Where the body of a mail or Usenet message starts: if `text` opens with a
// block of at least three RFC 5322-style header lines ("Name: value", the
// name printable ASCII starting with a letter, as in "Article-I.D.";
// continuation lines indented), ended by a blank line, the offset just past
// that blank line; otherwise 0.
//
// Why: headers (Path, Xref, Message-ID, Date) differ between two copies of
// one message and can outweigh a short body, so whole-text similarity misses
// the copy; they are metadata, not content, and fingerprints leave them out.
// News text does not open with three "Name: value" lines followed by a blank
// line. O(length of the header block).
size_t MessageHeaderEnd(absl::string_view text);

}  // namespace neardup

#endif  // NEARDUP_SEGMENT_SEGMENT_H_
