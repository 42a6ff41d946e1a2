#include "normalize/normalize.h"

#include <cctype>
#include <random>
#include <string>

#include "gtest/gtest.h"

namespace neardup {
namespace {

std::string Norm(absl::string_view s) { return Normalize(s).text; }

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

// Plain stretches (letters, digits, single spaces) are copied 16 bytes at a
// time; runs of them that start, end or break (a double space, a glued
// capital, punctuation) at every offset of such a window must normalize as
// words split on separators do, with each byte's origin where it came from.
TEST(NormalizeTest, PlainTextAtEveryOffsetNormalizesAsSplitWords) {
  std::mt19937 random(7);
  const std::string alphabet = "abcz09    QRZ.,";
  for (int trial = 0; trial < 3000; ++trial) {
    std::string input;
    const size_t size = random() % 70;
    for (size_t i = 0; i < size; ++i) {
      input += alphabet[random() % alphabet.size()];
    }
    std::string expected;
    for (size_t i = 0; i < input.size();) {
      if (!std::isalnum(static_cast<unsigned char>(input[i]))) {
        ++i;
        continue;
      }
      if (!expected.empty()) expected += ' ';
      const size_t word = i;
      for (; i < input.size() &&
             std::isalnum(static_cast<unsigned char>(input[i]));
           ++i) {
        // "aQb": a capital between lowercase letters starts a word.
        const auto is = [&](int (*test)(int), size_t at) {
          return at < input.size() &&
                 test(static_cast<unsigned char>(input[at])) != 0;
        };
        if (i > word && is(std::isupper, i) && is(std::islower, i - 1) &&
            is(std::islower, i + 1)) {
          expected += ' ';
        }
        expected += static_cast<char>(
            std::tolower(static_cast<unsigned char>(input[i])));
      }
    }
    const NormalizedText n = Normalize(input);
    ASSERT_EQ(n.text, expected) << "input '" << input << "'";
    for (size_t j = 0; j < n.text.size(); ++j) {
      const char source = input[n.origin[j]];
      if (n.text[j] == ' ') {
        // A separator, or the capital of a glued word boundary.
        EXPECT_TRUE(!std::isalnum(static_cast<unsigned char>(source)) ||
                    std::isupper(static_cast<unsigned char>(source)));
        EXPECT_TRUE(
            std::isalnum(static_cast<unsigned char>(input[n.origin[j] - 1])));
      } else {
        EXPECT_EQ(n.text[j], std::tolower(static_cast<unsigned char>(source)));
      }
      if (j > 0) {
        EXPECT_LE(n.origin[j - 1], n.origin[j]);
      }
    }
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
