#include "segment/segment.h"

#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "segment/sentence_marks.h"

namespace neardup {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Sentences(absl::string_view text) {
  std::vector<std::string> out;
  for (const Segment& s : SplitSentences(text)) {
    out.emplace_back(text.substr(s.start, s.end - s.start));
  }
  return out;
}

TEST(SegmentTest, SplitsSentencesOnOneLine) {
  EXPECT_THAT(Sentences("It rained. Then it stopped! Did it? Yes."),
              ElementsAre("It rained.", "Then it stopped!", "Did it?", "Yes."));
}

TEST(SegmentTest, KeepsAbbreviationsInitialsAndDecimals) {
  EXPECT_THAT(
      Sentences("Mr. Smith met Gen. Lee on Feb. 3 in the U.S. capital. "
                "Bradley T. Smith paid 3.5 million dollars. Done."),
      ElementsAre("Mr. Smith met Gen. Lee on Feb. 3 in the U.S. capital.",
                  "Bradley T. Smith paid 3.5 million dollars.", "Done."));
}

TEST(SegmentTest, DottedAbbreviationEndsASentenceBeforeAnOpener) {
  EXPECT_THAT(Sentences("He lives in the U.S. The rest live abroad."),
              ElementsAre("He lives in the U.S.", "The rest live abroad."));
}

TEST(SegmentTest, QuotationsEndSentencesInsideTheirClosingQuote) {
  EXPECT_THAT(
      Sentences("He said “it is over.” Then he left. \"Why?\" she asked."),
      ElementsAre("He said “it is over.”", "Then he left.",
                  "\"Why?\" she asked."));
}

TEST(SegmentTest, LinesWithoutFinalPunctuationAreTheirOwnSegments) {
  EXPECT_THAT(Sentences("US imposes sanctions\nRelated Articles\nThe U.S. said "
                        "Jon led a team.\n\nalso read"),
              ElementsAre("US imposes sanctions", "Related Articles",
                          "The U.S. said Jon led a team.", "also read"));
}

TEST(SegmentTest, SplitsWordsGluedAcrossAMissingSpace) {
  EXPECT_THAT(
      Sentences("SEE ALSO: Ties With Russia As Security Chief VisitsPresident "
                "Vladimir Putin made a rare visit. JavaScript is a language."),
      ElementsAre("SEE ALSO: Ties With Russia As Security Chief Visits",
                  "President Vladimir Putin made a rare visit.",
                  "JavaScript is a language."));
}

TEST(SegmentTest, HardWrappedTextJoinsLinesButKeepsHeadlines) {
  const std::string text =
      "BAHIA COCOA REVIEW\n"
      "Showers continued throughout the week in\n"
      "the Bahia cocoa zone, alleviating the drought since early\n"
      "January and improving prospects for the coming temporao,\n"
      "although normal humidity levels have not been restored,\n"
      "Comissaria Smith said in its weekly review.\n"
      "    The dry period means the temporao will be late this year.\n";
  EXPECT_THAT(
      Sentences(text),
      ElementsAre("BAHIA COCOA REVIEW",
                  "Showers continued throughout the week in\nthe Bahia cocoa "
                  "zone, alleviating the drought since early\nJanuary and "
                  "improving prospects for the coming temporao,\nalthough "
                  "normal humidity levels have not been restored,\nComissaria "
                  "Smith said in its weekly review.",
                  "The dry period means the temporao will be late this year."));
}

TEST(SegmentTest, EmptyAndBlankInputHaveNoSegments) {
  EXPECT_TRUE(SplitSentences("").empty());
  EXPECT_TRUE(SplitSentences(" \n\n\t ").empty());
  EXPECT_THAT(Sentences("word"), ElementsAre("word"));
}

TEST(SegmentTest, SegmentsAreOrderedTrimmedAndDisjoint) {
  const std::string text = "  A b c.  D e f!\n\n G h?  ";
  const std::vector<Segment> segments = SplitSentences(text);
  ASSERT_EQ(segments.size(), 3u);
  for (size_t i = 0; i < segments.size(); ++i) {
    EXPECT_LT(segments[i].start, segments[i].end);
    EXPECT_NE(text[segments[i].start], ' ');
    EXPECT_NE(text[segments[i].end - 1], ' ');
    if (i > 0) {
      EXPECT_LE(segments[i - 1].end, segments[i].start);
    }
  }
}

TEST(MessageHeaderEndTest, FindsTheBodyAfterAMailHeader) {
  const std::string message =
      "Path: a!b!c\nFrom: x@y.org (X)\nSubject: Re: sale\n"
      "References: <1@a>\n <2@b>\nLines: 3\n\nThe body starts here.\n";
  EXPECT_EQ(MessageHeaderEnd(message), message.find("The body"));
  EXPECT_EQ(MessageHeaderEnd("A: 1\r\nB: 2\r\nC-D: 3\r\n\r\nbody"),
            std::string("A: 1\r\nB: 2\r\nC-D: 3\r\n\r\n").size());
  const std::string dotted = "Article-I.D.: x.1\nFrom: a\nLines: 2\n\n";
  EXPECT_EQ(MessageHeaderEnd(dotted + "body"), dotted.size());
}

TEST(MessageHeaderEndTest, NewsIsNotAHeader) {
  // Too few fields, a prose line, no blank line, or a colon with no space.
  EXPECT_EQ(MessageHeaderEnd("From: a\nTo: b\n\nbody"), 0u);
  EXPECT_EQ(MessageHeaderEnd("WASHINGTON: The president said.\nHe left."
                             "\n\nbody"),
            0u);
  EXPECT_EQ(MessageHeaderEnd("A: 1\nB: 2\nC: 3\nno blank line follows"), 0u);
  EXPECT_EQ(MessageHeaderEnd("A: 1\nB: 2\nC: 3"), 0u);
  EXPECT_EQ(MessageHeaderEnd("A: 1\nB: 2\nhttp://x.org\n\nbody"), 0u);
  EXPECT_EQ(MessageHeaderEnd(" indented: 1\nB: 2\nC: 3\n\nbody"), 0u);
  EXPECT_EQ(MessageHeaderEnd(""), 0u);
}

// The vectorized scan against a byte-by-byte reading of its contract, on
// random text dense in marks and near-marks (capitals after spaces,
// punctuation that is not a mark, bytes >= 0x80), from every start offset.
TEST(SentenceMarksTest, NextMarkMatchesAByteByByteScan) {
  std::mt19937 random(7);
  const std::string alphabet = "aaaaazzzzAZMm  ..!?,;:'\"\n@[`{\x80\xC3\xA9";
  for (int round = 0; round < 200; ++round) {
    std::string text;
    const size_t size = random() % 80;
    for (size_t k = 0; k < size; ++k) {
      text.push_back(alphabet[random() % alphabet.size()]);
    }
    for (size_t end = 0; end <= text.size(); end += 1 + end / 7) {
      for (size_t i = 0; i <= end; ++i) {
        size_t expected = i;
        while (expected < end && !IsSentenceMark(text, expected)) ++expected;
        ASSERT_EQ(NextSentenceMark(text, i, end), expected)
            << "text '" << text << "' i " << i << " end " << end;
      }
    }
  }
}

}  // namespace
}  // namespace neardup
