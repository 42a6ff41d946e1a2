#include "normalize/normalize.h"

#include <cctype>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace neardup {
namespace {

// Normalize(s).text, checked against NormalizeText(), which must give the
// same text without the offset map.
std::string Norm(absl::string_view s) {
  std::string text = Normalize(s).text;
  EXPECT_EQ(NormalizeText(s), text) << "input '" << s << "'";
  return text;
}

TEST(NormalizeTest, FoldsCaseAndSeparatesOnPunctuation) {
  EXPECT_EQ(Norm("  The U.S. Treasury, on FRIDAY!  "),
            "the u s treasury on friday");
}

TEST(NormalizeTest, CurlyAndStraightApostrophesGiveTheSameText) {
  EXPECT_EQ(Norm("The nation’s agency"), Norm("The nation's agency"));
  EXPECT_EQ(Norm("The nation’s agency"), "the nations agency");
}

TEST(NormalizeTest, QuotesAndDashesAreSeparators) {
  EXPECT_EQ(Norm("“Today’s action” — said"), Norm("\"Today's action\" - said"));
  EXPECT_EQ(Norm("high-profile"), "high profile");
}

TEST(NormalizeTest, JoinsWordsHyphenatedAtLineEnds) {
  EXPECT_EQ(Norm("he denied him-\nself tobacco"), "he denied himself tobacco");
  EXPECT_EQ(Norm("develop-  \r\n   ment"), "development");
  // A hyphen before a capitalized line is a real hyphen or dash.
  EXPECT_EQ(Norm("Russia-\nNorth Korea"), "russia north korea");
}

TEST(NormalizeTest, SplitsWordsGluedAcrossAMissingSpace) {
  EXPECT_EQ(Norm("Security Chief VisitsPresident Vladimir"),
            "security chief visits president vladimir");
  // All-caps words are not split.
  EXPECT_EQ(Norm("DPRK ICBMs"), "dprk icbms");
}

// Normalize() writes into buffers sized ahead; these inputs produce more
// bytes than they hold (a space per glued word, NFKC expansions), so an
// error in the sizing overflows them (caught under AddressSanitizer).
TEST(NormalizeTest, OutputLongerThanTheInputIsWhole) {
  std::string glued, expected;
  for (int i = 0; i < 1000; ++i) {
    glued += "aBc";
    expected += i == 0 ? "a bca" : " bca";
  }
  expected.pop_back();
  EXPECT_EQ(Norm(glued), expected);
  // U+FDFA, one code point of 3 bytes, folds to 18 in four words.
  std::string expanding, folded;
  for (int i = 0; i < 200; ++i) {
    expanding += "\xEF\xB7\xBA x ";
    folded += i == 0 ? "" : " ";
    folded += Norm("\xEF\xB7\xBA") + " x";
  }
  EXPECT_GT(Norm("\xEF\xB7\xBA").size(), 3u * 4);
  EXPECT_EQ(Norm(expanding), folded);
}

// Normalize() byte by byte, as the rules in normalize.h state them, for the
// alphabet of the test below: ASCII letters, digits and separators, the
// apostrophe (straight or curly: it never ends a token), the hyphen (joins
// a word broken at a line end) and "é" (folds to "e").
NormalizedText ReferenceNormalize(const std::string& s) {
  NormalizedText r;
  bool in_token = false, space_pending = false;
  uint32_t space_origin = 0;
  const auto separator = [&](size_t at) {
    if (in_token) space_origin = static_cast<uint32_t>(at);
    space_pending = space_pending || in_token;
    in_token = false;
  };
  const auto emit = [&](char c, size_t at) {
    if (space_pending) {
      r.text += ' ';
      r.origin.push_back(space_origin);
      space_pending = false;
    }
    r.text += c;
    r.origin.push_back(static_cast<uint32_t>(at));
    in_token = true;
  };
  const auto lower_at = [&](size_t at) {
    return at < s.size() && s[at] >= 'a' && s[at] <= 'z';
  };
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (s.compare(i, 3, "’") == 0) {
      i += 3;
    } else if (s.compare(i, 2, "é") == 0) {
      emit('e', i);
      i += 2;
    } else if (std::isalnum(c)) {
      if (std::isupper(c) && i > 0 && lower_at(i - 1) && lower_at(i + 1)) {
        separator(i);  // "VisitsPresident"
      }
      emit(static_cast<char>(std::tolower(c)), i++);
    } else if (c == '\'') {
      ++i;
    } else {
      size_t next = i + 1;  // after a hyphen, a word continued on a new line
      while (next < s.size() &&
             (s[next] == ' ' || s[next] == '\t' || s[next] == '\r')) {
        ++next;
      }
      if (c == '-' && in_token && next < s.size() && s[next] == '\n') {
        for (++next; next < s.size() && (s[next] == ' ' || s[next] == '\t');)
          ++next;
        if (lower_at(next)) {
          i = next;
          continue;
        }
      }
      separator(i++);
    }
  }
  r.origin.push_back(static_cast<uint32_t>(s.size()));
  return r;
}

// ASCII text is normalized 16 bytes at a time where it can be; windows that
// start, end or stop (at an apostrophe, a hyphen, non-ASCII, a glued
// capital) at every offset, after any state (in a token, after a
// separator), must give the text and origins that bytes taken one at a time
// give.
TEST(NormalizeTest, WindowsAtEveryOffsetMatchAByteAtATimeReference) {
  std::mt19937 random(7);
  const std::vector<std::string> alphabet = {
      "a", "b", "c",  "z",  "0",  "9", " ", " ",   " ", " ", "Q",  "R", "Z",
      ".", ",", "\n", "\t", "\"", "'", "-", "-\n", "’", "é", "aB", "(", ":"};
  for (int trial = 0; trial < 5000; ++trial) {
    std::string input;
    const size_t size = random() % 70;
    while (input.size() < size) input += alphabet[random() % alphabet.size()];
    const NormalizedText expected = ReferenceNormalize(input);
    const NormalizedText n = Normalize(input);
    ASSERT_EQ(n.text, expected.text) << "input '" << input << "'";
    ASSERT_EQ(n.origin, expected.origin) << "input '" << input << "'";
    ASSERT_EQ(NormalizeText(input), expected.text) << "input '" << input << "'";
  }
}

TEST(NormalizeTest, UnicodeCompatibilityFormsCaseAndAccentsFold) {
  EXPECT_EQ(Norm("ＡＢＣ１２３"), "abc123");  // full-width forms (NFKC)
  EXPECT_EQ(Norm("Café ÉLAN Straße"), "cafe elan strasse");
  EXPECT_EQ(Norm("ﬁnance"), "finance");  // ligature
  EXPECT_EQ(Norm("Ελλάδα"), "ελλαδα");
}

TEST(NormalizeTest, EmptyAndPunctuationOnlyGiveEmptyText) {
  EXPECT_EQ(Norm(""), "");
  EXPECT_EQ(Norm(" ... --- !!! \n"), "");
  const NormalizedText n = Normalize("");
  ASSERT_EQ(n.origin.size(), 1u);
  EXPECT_EQ(n.origin[0], 0u);
}

TEST(NormalizeTest, InvalidBytesAreSeparatorsNotCrashes) {
  EXPECT_EQ(Norm("ab\xff\xfe"
                 "cd"),
            "ab cd");
  EXPECT_EQ(Norm("ab\xe2\x80"), "ab");  // truncated sequence at the end
}

TEST(NormalizeTest, OriginMapsEveryByteBackToItsSourceCharacter) {
  const std::string input = "  Nation’s ÉLAN-\nment, OK";
  const NormalizedText n = Normalize(input);
  ASSERT_EQ(n.origin.size(), n.text.size() + 1);
  EXPECT_EQ(n.origin.back(), input.size());
  for (size_t i = 0; i + 1 < n.origin.size(); ++i) {
    EXPECT_LE(n.origin[i], n.origin[i + 1]);
    const char source = input[n.origin[i]];
    if ((source >= 'a' && source <= 'z') || (source >= 'A' && source <= 'Z')) {
      // An ASCII letter comes from the same letter in either case.
      EXPECT_EQ(n.text[i], source | 0x20) << "at " << i;
    }
  }
  EXPECT_EQ(n.text, "nations elanment ok");
  EXPECT_EQ(n.origin[n.text.find("elan")], input.find("É"));
}

TEST(NormalizeTest, RangeOfAnOriginalSpanIsTrimmed) {
  const std::string input = "First one. Second, here! Third";
  const NormalizedText n = Normalize(input);
  const uint32_t start = static_cast<uint32_t>(input.find("Second"));
  const uint32_t end = static_cast<uint32_t>(input.find(" Third"));
  const TextRange r = NormalizedRange(n, start, end);
  EXPECT_EQ(n.text.substr(r.begin, r.end - r.begin), "second here");
  const TextRange none = NormalizedRange(n, 9, 11);  // ". "
  EXPECT_EQ(none.begin, none.end);
}

}  // namespace
}  // namespace neardup
