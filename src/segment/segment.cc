#include "segment/segment.h"

#include <algorithm>
#include <array>
#include <string>

#include "absl/strings/ascii.h"
#include "base/check.h"
#include "segment/sentence_marks.h"

namespace neardup {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
         c == '\v';
}
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLetter(char c) { return IsLower(c) || IsUpper(c); }

// Abbreviations that end in a period without ending a sentence.
bool IsAbbreviation(absl::string_view word) {
  static constexpr std::array<absl::string_view, 46> kAbbreviations = {
      "mr",  "mrs",  "ms",   "dr",   "prof", "sr",    "jr",   "st",
      "mt",  "gen",  "col",  "lt",   "sgt",  "capt",  "cmdr", "adm",
      "rep", "sen",  "gov",  "pres", "rev",  "hon",   "jan",  "feb",
      "mar", "apr",  "jun",  "jul",  "aug",  "sep",   "sept", "oct",
      "nov", "dec",  "no",   "nos",  "vs",   "inc",   "corp", "co",
      "ltd", "bros", "dept", "est",  "fig",  "approx"};
  if (word.size() > 6) return false;
  const std::string lower = absl::AsciiStrToLower(word);
  return std::find(kAbbreviations.begin(), kAbbreviations.end(), lower) !=
         kAbbreviations.end();
}

// Words that commonly open a news sentence; used where a period or a glued
// capital is ambiguous.
bool IsSentenceOpener(absl::string_view word) {
  static constexpr std::array<absl::string_view, 32> kOpeners = {
      "The", "A",   "An",  "He",   "She",   "It",    "They",  "We",
      "I",   "But", "In",  "This", "That",  "There", "These", "Those",
      "On",  "At",  "For", "As",   "After", "When",  "While", "However",
      "Yet", "So",  "If",  "His",  "Her",   "Its",   "Their", "President"};
  return std::find(kOpeners.begin(), kOpeners.end(), word) != kOpeners.end();
}

// Length of the UTF-8 closing quote at s[i] (” or ’), or 0.
size_t ClosingQuoteLength(absl::string_view s, size_t i) {
  if (i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xE2 &&
      static_cast<unsigned char>(s[i + 1]) == 0x80 &&
      (static_cast<unsigned char>(s[i + 2]) == 0x9D ||
       static_cast<unsigned char>(s[i + 2]) == 0x99)) {
    return 3;
  }
  if (s[i] == '"' || s[i] == '\'' || s[i] == ')' || s[i] == ']') return 1;
  return 0;
}

// Whether s[i] can start a sentence: uppercase, digit or an opening quote.
bool CanStartSentence(absl::string_view s, size_t i) {
  const char c = s[i];
  if (IsUpper(c) || (c >= '0' && c <= '9') || c == '"' || c == '\'' ||
      c == '(' || c == '[') {
    return true;
  }
  // “ or ‘
  return i + 2 < s.size() && static_cast<unsigned char>(c) == 0xE2 &&
         static_cast<unsigned char>(s[i + 1]) == 0x80 &&
         (static_cast<unsigned char>(s[i + 2]) == 0x9C ||
          static_cast<unsigned char>(s[i + 2]) == 0x98);
}

absl::string_view WordAt(absl::string_view s, size_t i) {
  size_t end = i;
  while (end < s.size() && IsLetter(s[end])) ++end;
  return s.substr(i, end - i);
}

// Whether the period at s[dot] ends a sentence whose next one starts at
// s[next].
bool PeriodEndsSentence(absl::string_view s, size_t dot, size_t next) {
  size_t begin = dot;
  while (begin > 0 && (IsLetter(s[begin - 1]) || s[begin - 1] == '.')) {
    --begin;
  }
  const absl::string_view word = s.substr(begin, dot - begin);
  if (word.size() == 1 && IsUpper(word[0])) return false;  // an initial
  if (word.find('.') != absl::string_view::npos) {         // U.S., a.m.
    return IsSentenceOpener(WordAt(s, next));
  }
  return !IsAbbreviation(word);
}

class Splitter {
 public:
  explicit Splitter(absl::string_view text) : s_(text) {}

  std::vector<Segment> Run() {
    const std::vector<Line> lines = Lines();
    const bool wrapped = IsHardWrapped(lines);
    const size_t headline_limit = wrapped ? MedianLength(lines) * 6 / 10 : 0;
    size_t block_start = 0;
    for (size_t k = 0; k < lines.size(); ++k) {
      const Line& line = lines[k];
      const bool last = k + 1 == lines.size();
      bool ends_block = last || !wrapped || line.blank || lines[k + 1].blank;
      if (!ends_block && line.Length() < headline_limit &&
          !EndsWithTerminal(line) && CanStartSentence(s_, lines[k + 1].first)) {
        ends_block = true;
      }
      if (ends_block) {
        SplitBlock(block_start, line.end);
        block_start = last ? line.end : lines[k + 1].begin;
      }
    }
    return std::move(out_);
  }

 private:
  struct Line {
    size_t begin = 0, end = 0;   // without the '\n'
    size_t first = 0, last = 0;  // first and one past the last non-space byte
    bool blank = true;
    size_t Length() const { return last - first; }
  };

  std::vector<Line> Lines() const {
    std::vector<Line> lines;
    size_t begin = 0;
    while (begin <= s_.size()) {
      size_t end = s_.find('\n', begin);
      if (end == absl::string_view::npos) end = s_.size();
      Line line{begin, end, begin, begin, true};
      size_t first = begin;
      while (first < end && IsSpace(s_[first])) ++first;
      size_t last = end;
      while (last > first && IsSpace(s_[last - 1])) --last;
      if (first < last) line = Line{begin, end, first, last, false};
      lines.push_back(line);
      if (end == s_.size()) break;
      begin = end + 1;
    }
    return lines;
  }

  bool EndsWithTerminal(const Line& line) const {
    if (line.blank) return false;
    const char c = s_[line.last - 1];
    return c == '.' || c == '!' || c == '?' || c == ':' || c == ';' ||
           c == '"' || static_cast<unsigned char>(c) >= 0x80;
  }

  bool IsHardWrapped(const std::vector<Line>& lines) const {
    size_t text_lines = 0, run_on = 0;
    for (size_t k = 0; k < lines.size(); ++k) {
      if (lines[k].blank) continue;
      ++text_lines;
      if (k + 1 < lines.size() && !lines[k + 1].blank &&
          !EndsWithTerminal(lines[k]) && IsLower(s_[lines[k + 1].first])) {
        ++run_on;
      }
    }
    return text_lines >= 5 && run_on * 5 >= text_lines;
  }

  static size_t MedianLength(const std::vector<Line>& lines) {
    std::vector<size_t> lengths;
    for (const Line& line : lines) {
      if (!line.blank) lengths.push_back(line.Length());
    }
    if (lengths.empty()) return 0;
    std::nth_element(lengths.begin(), lengths.begin() + lengths.size() / 2,
                     lengths.end());
    return lengths[lengths.size() / 2];
  }

  void Emit(size_t start, size_t end) {
    while (start < end && IsSpace(s_[start])) ++start;
    while (end > start && IsSpace(s_[end - 1])) --end;
    if (start < end) {
      out_.push_back(
          Segment{static_cast<uint32_t>(start), static_cast<uint32_t>(end)});
    }
  }

  // Splits the bytes [begin, end), which no hard boundary crosses.
  void SplitBlock(size_t begin, size_t end) {
    size_t sentence_start = begin;
    size_t i = begin;
    while (true) {
      // Only sentence marks can end a sentence here; skip to the next one.
      i = NextSentenceMark(s_, i, end);
      if (i >= end) break;
      const char c = s_[i];
      if (c == '.' || c == '!' || c == '?') {
        size_t j = i + 1;
        while (j < end && (s_[j] == '.' || s_[j] == '!' || s_[j] == '?')) ++j;
        const bool single_period = c == '.' && j == i + 1;
        while (j < end) {
          const size_t quote = ClosingQuoteLength(s_, j);
          if (quote == 0) break;
          j += quote;
        }
        if (j < end && IsSpace(s_[j])) {
          size_t next = j;
          while (next < end && IsSpace(s_[next])) ++next;
          if (next < end && CanStartSentence(s_, next) &&
              (!single_period || PeriodEndsSentence(s_, i, next))) {
            Emit(sentence_start, j);
            sentence_start = next;
            i = next;
            continue;
          }
        }
        i = j;
        continue;
      }
      if (IsUpper(c) && i >= 3 && i + 1 < end && IsLower(s_[i + 1]) &&
          IsLower(s_[i - 1]) && IsLower(s_[i - 2]) && IsLower(s_[i - 3]) &&
          i - 3 >= sentence_start && GluedSentenceStart(i, end)) {
        Emit(sentence_start, i);
        sentence_start = i;
      }
      ++i;
    }
    Emit(sentence_start, end);
  }

  // Whether the capitalized word at s[i], glued to a lowercase run, starts a
  // sentence: it is an opener, or another capitalized word follows it.
  bool GluedSentenceStart(size_t i, size_t end) const {
    const absl::string_view word = WordAt(s_, i);
    if (IsSentenceOpener(word)) return true;
    const size_t after = i + word.size();
    return after + 1 < end && s_[after] == ' ' && IsUpper(s_[after + 1]);
  }

  absl::string_view s_;
  std::vector<Segment> out_;
};

}  // namespace

std::vector<Segment> SplitSentences(absl::string_view text) {
  NEARDUP_CHECK(text.size() < (uint64_t{1} << 32));
  return Splitter(text).Run();
}

size_t MessageHeaderEnd(absl::string_view text) {
  constexpr int kMinFields = 3;
  int fields = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const char first = text[pos];
    if (first == '\n' || (first == '\r' && text.substr(pos, 2) == "\r\n")) {
      // The blank line that ends the block.
      if (fields < kMinFields) return 0;
      return pos + (first == '\r' ? 2 : 1);
    }
    if (first == ' ' || first == '\t') {
      if (fields == 0) return 0;  // a continuation needs a field before it
    } else {
      // RFC 5322: a field name is printable ASCII but ':' (here it must
      // start with a letter), then ':' and a space, a tab or the line end.
      // Checked before looking for the line's end, so prose costs a few
      // bytes, not a line.
      if (!absl::ascii_isalpha(static_cast<unsigned char>(first))) return 0;
      size_t colon = pos;
      while (colon < text.size() && text[colon] > ' ' && text[colon] <= '~' &&
             text[colon] != ':') {
        ++colon;
      }
      if (colon >= text.size() || text[colon] != ':') return 0;
      const char after = colon + 1 < text.size() ? text[colon + 1] : '\n';
      if (after != ' ' && after != '\t' && after != '\n' && after != '\r') {
        return 0;
      }
      ++fields;
    }
    const size_t end = text.find('\n', pos);
    if (end == absl::string_view::npos) return 0;  // no blank line
    pos = end + 1;
  }
  return 0;  // no blank line: not a message
}

}  // namespace neardup
