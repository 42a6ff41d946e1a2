#include "shingle/shingle.h"

#include <algorithm>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "base/hash.h"
#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace neardup {
namespace {

using ::testing::HasSubstr;

TEST(ShingleSpecTest, ParsesAndPrints) {
  const ShingleSpec word = *ShingleSpec::Parse("word:5");
  EXPECT_EQ(word.kind, ShingleKind::kWord);
  EXPECT_EQ(word.size, 5);
  EXPECT_EQ(ShingleSpec::Parse("char:3")->ToString(), "char:3");
  for (const char* bad :
       {"word", "word:0", "char:65", "byte:3", "word:x", ""}) {
    EXPECT_THAT(ShingleSpec::Parse(bad).status(),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("word:N or char:N")))
        << bad;
  }
}

TEST(ShingleTest, WordNgramsCountAndAreSortedUnique) {
  const ShingleSpec spec{ShingleKind::kWord, 2};
  const auto s = Shingle("a b c a b", spec);  // ab bc ca ab -> 3 distinct
  EXPECT_EQ(s.size(), 3u);
  EXPECT_TRUE(std::is_sorted(s.begin(), s.end()));
  EXPECT_EQ(Shingle("a b", spec), Shingle("a b", spec));
}

TEST(ShingleTest, TextsShorterThanNStillGetOneShingle) {
  EXPECT_EQ(Shingle("north korea", ShingleSpec{ShingleKind::kWord, 5}).size(),
            1u);
  EXPECT_EQ(Shingle("abc", ShingleSpec{ShingleKind::kChar, 5}).size(), 1u);
  EXPECT_TRUE(Shingle("", ShingleSpec{ShingleKind::kChar, 5}).empty());
  // A text of exactly n units and a shorter one differ.
  EXPECT_NE(Shingle("abcde", ShingleSpec{ShingleKind::kChar, 5}),
            Shingle("abcd", ShingleSpec{ShingleKind::kChar, 5}));
}

TEST(ShingleTest, CharNgramsCountCodePointsNotBytes) {
  // Five two-byte letters form one 5-gram, not six byte 5-grams.
  EXPECT_EQ(Shingle("ελλαδ", ShingleSpec{ShingleKind::kChar, 5}).size(), 1u);
  EXPECT_EQ(Shingle("ελλαδα", ShingleSpec{ShingleKind::kChar, 5}).size(), 2u);
}

TEST(ShingleTest, WordNgramsDoNotDependOnNeighbours) {
  const ShingleSpec spec{ShingleKind::kWord, 2};
  const auto ab = Shingle("x a b", spec);
  const auto ab2 = Shingle("a b y", spec);
  EXPECT_EQ(IntersectionSize(ab, ab2), 1u);  // "a b" in both
}

// The hashes of every n-gram, sorted and unique, the plain way: a substring
// per n-gram from a list of unit starts.
std::vector<uint64_t> ReferenceShingles(absl::string_view text, bool by_word,
                                        size_t n) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool starts_unit =
        by_word ? i == 0 || text[i - 1] == ' '
                : (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (starts_unit) starts.push_back(i);
  }
  if (starts.size() <= n) return {Hash64(text)};
  std::vector<uint64_t> hashes;
  for (size_t k = 0; k + n <= starts.size(); ++k) {
    const size_t end =
        k + n < starts.size() ? starts[k + n] - (by_word ? 1 : 0) : text.size();
    hashes.push_back(Hash64(text.substr(starts[k], end - starts[k])));
  }
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  return hashes;
}

TEST(ShingleTest, MatchesAPlainReferenceOnAsciiText) {
  // ASCII text takes a path of its own for code point n-grams (a byte per
  // code point; 4- to 8-byte n-grams hashed without XXH3's dispatch on
  // length): every n around those, on both sides of the 1,024 n-grams kept
  // on the stack, and texts no longer than n.
  std::mt19937 random(9);
  const std::vector<std::string> words = {"the",  "wire", "copy", "a",
                                          "news", "of",   "1916", "Co."};
  for (const size_t target : {1, 3, 8, 9, 200, 1030, 5000}) {
    std::string text;
    while (text.size() < target) {
      if (!text.empty()) text += ' ';
      text += words[random() % words.size()];
    }
    for (const int n : {1, 3, 4, 5, 8, 9}) {
      EXPECT_EQ(
          Shingle(text, ShingleSpec{ShingleKind::kChar, n}),
          ReferenceShingles(text, /*by_word=*/false, static_cast<size_t>(n)))
          << text.size() << " bytes, char:" << n;
    }
  }
}

TEST(ShingleTest, MatchesAPlainReferenceAtEveryTextSize) {
  // Scratch lives on the stack up to 2,048 bytes of text and 1,024 n-grams,
  // on the heap past that; sizes on both sides of each limit, with words
  // and n-grams repeated (duplicates) and two-byte letters.
  std::mt19937 random(5);
  const std::vector<std::string> words = {"the", "wire", "copy", "ελλάδα",
                                          "a",   "news", "of",   "1916"};
  for (const size_t target : {1, 20, 1000, 1030, 2040, 2050, 5000, 20000}) {
    std::string text;
    while (text.size() < target) {
      if (!text.empty()) text += ' ';
      text += words[random() % words.size()];
    }
    for (const bool by_word : {true, false}) {
      for (const int n : {1, 4, 5}) {
        const ShingleSpec spec{
            by_word ? ShingleKind::kWord : ShingleKind::kChar, n};
        EXPECT_EQ(Shingle(text, spec),
                  ReferenceShingles(text, by_word, static_cast<size_t>(n)))
            << text.size() << " bytes, " << spec.ToString();
      }
    }
  }
}

TEST(ShingleHashesTest, OneHashPerNgramInTextOrder) {
  const ShingleSpec spec{ShingleKind::kWord, 2};
  // ab bc ca ab: the repeated "a b" is hashed twice, in place.
  const std::vector<uint64_t> hashes = ShingleHashes("a b c a b", spec);
  ASSERT_EQ(hashes.size(), 4u);
  EXPECT_EQ(hashes[0], Hash64("a b"));
  EXPECT_EQ(hashes[1], Hash64("b c"));
  EXPECT_EQ(hashes[2], Hash64("c a"));
  EXPECT_EQ(hashes[3], Hash64("a b"));
  EXPECT_EQ(ShingleHashes("abcd", ShingleSpec{ShingleKind::kChar, 4}),
            std::vector<uint64_t>{Hash64("abcd")});
  EXPECT_TRUE(ShingleHashes("", spec).empty());
}

TEST(ShingleHashesTest, WordNgramsMatchAReferenceWithSpacesAnywhere) {
  // Word starts are found 16 bytes at a time; blocks with no space, with
  // more than four, runs of spaces (empty words) and spaces first, last and
  // at each block's edges, at every text size around the block size.
  std::mt19937 random(11);
  for (size_t size = 1; size <= 80; ++size) {
    for (const int density : {0, 2, 5, 9}) {
      std::string text;
      for (size_t i = 0; i < size; ++i) {
        text += static_cast<int>(random() % 10) < density ? ' '
                                                          : "abc"[random() % 3];
      }
      std::vector<size_t> starts = {0};
      for (size_t i = 0; i + 1 < text.size(); ++i) {
        if (text[i] == ' ') starts.push_back(i + 1);
      }
      for (const size_t n : {1u, 2u, 5u}) {
        std::vector<uint64_t> expected;
        if (starts.size() <= n) {
          expected.push_back(Hash64(text));
        } else {
          for (size_t k = 0; k + n <= starts.size(); ++k) {
            const size_t end =
                k + n < starts.size() ? starts[k + n] - 1 : text.size();
            expected.push_back(Hash64(
                absl::string_view(text).substr(starts[k], end - starts[k])));
          }
        }
        EXPECT_EQ(ShingleHashes(text, ShingleSpec{ShingleKind::kWord,
                                                  static_cast<int>(n)}),
                  expected)
            << "'" << text << "' word:" << n;
      }
    }
  }
}

TEST(ShingleHashesTest, AppendsAfterWhatIsThere) {
  const ShingleSpec spec{ShingleKind::kChar, 4};
  std::vector<uint64_t> out = {7};
  EXPECT_EQ(AppendShingleHashes("wire copy", spec, out), 6u);
  EXPECT_EQ(AppendShingleHashes("", spec, out), 0u);
  EXPECT_EQ(AppendShingleHashes("ab", spec, out), 1u);  // shorter than n
  std::vector<uint64_t> expected = {7};
  for (const char* text : {"wire copy", "ab"}) {
    const std::vector<uint64_t> hashes = ShingleHashes(text, spec);
    expected.insert(expected.end(), hashes.begin(), hashes.end());
  }
  EXPECT_EQ(out, expected);
}

TEST(MakeShingleSetTest, GivesWhatShingleGivesAtEverySize) {
  // Sizes on both sides of the 1,024 values sorted on the stack, with
  // many repeats (a few words) and none (a hash per position).
  std::mt19937 random(9);
  const std::vector<std::string> words = {"wire", "copy", "of", "1916"};
  for (const size_t target : {0, 3, 40, 1020, 1100, 6000}) {
    std::string text;
    while (text.size() < target) {
      if (!text.empty()) text += ' ';
      text += words[random() % words.size()];
    }
    for (const ShingleSpec spec : {ShingleSpec{ShingleKind::kChar, 4},
                                   ShingleSpec{ShingleKind::kWord, 3}}) {
      std::vector<uint64_t> hashes = ShingleHashes(text, spec);
      std::vector<uint64_t> in_place = hashes;
      const absl::Span<uint64_t> set = MakeShingleSet(absl::MakeSpan(in_place));
      EXPECT_EQ(set.data(), in_place.data());
      const std::vector<uint64_t> expected = Shingle(text, spec);
      EXPECT_EQ(std::vector<uint64_t>(set.begin(), set.end()), expected)
          << target << " " << spec.ToString();
      MakeShingleSet(hashes);
      EXPECT_EQ(hashes, expected);
    }
  }
}

TEST(JaccardTest, ExactValues) {
  const std::vector<uint64_t> a = {1, 2, 3, 4}, b = {3, 4, 5, 6}, empty;
  EXPECT_DOUBLE_EQ(Jaccard(a, b), 2.0 / 6.0);
  EXPECT_DOUBLE_EQ(Jaccard(a, a), 1.0);
  EXPECT_DOUBLE_EQ(Jaccard(a, empty), 0.0);
  EXPECT_DOUBLE_EQ(Jaccard(empty, empty), 0.0);
  EXPECT_EQ(IntersectionSize(a, b), 2u);
}

// Against std::set_intersection, on random sets of every overlap and of
// sizes below and well above the 4-element blocks the AVX2 merge compares:
// it must count each common element once, whichever side runs out first.
// Elements spread over all 64 bits half the time (blocks order them as
// unsigned values).
TEST(JaccardTest, IntersectionMatchesTheStandardLibrary) {
  std::mt19937_64 random(11);
  for (int trial = 0; trial < 1000; ++trial) {
    const size_t max_size = trial % 4 == 0 ? 600 : 80;
    const size_t na = random() % max_size, nb = random() % max_size;
    const uint64_t universe = max_size * 5 / 2;
    const uint64_t spread = trial % 2 == 0 ? 1 : 0x9E3779B97F4A7C15;
    std::vector<uint64_t> a, b;
    for (size_t i = 0; i < na; ++i) a.push_back(random() % universe * spread);
    for (size_t i = 0; i < nb; ++i) b.push_back(random() % universe * spread);
    for (auto* set : {&a, &b}) {
      std::sort(set->begin(), set->end());
      set->erase(std::unique(set->begin(), set->end()), set->end());
    }
    std::vector<uint64_t> common;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(),
                          std::back_inserter(common));
    ASSERT_EQ(IntersectionSize(a, b), common.size());
    const size_t total = a.size() + b.size() - common.size();
    const double exact =
        total == 0 ? 0.0 : static_cast<double>(common.size()) / total;
    EXPECT_DOUBLE_EQ(Jaccard(a, b), exact);
    for (const double t : {0.2, 0.52, 0.8}) {
      if (exact >= t) {
        EXPECT_DOUBLE_EQ(JaccardIfAtLeast(a, b, t), exact);
      } else {
        EXPECT_LT(JaccardIfAtLeast(a, b, t), t);
      }
    }
  }
}

TEST(JaccardTest, IfAtLeastIsExactAtOrAboveTheThresholdAndBelowOtherwise) {
  // Sets with every overlap from 0 to 40 of 40 elements.
  for (uint64_t shift = 0; shift <= 40; ++shift) {
    std::vector<uint64_t> a, b;
    for (uint64_t i = 0; i < 40; ++i) {
      a.push_back(i);
      b.push_back(i + shift);
    }
    for (const double t : {0.1, 0.45, 0.5, 0.7, 0.99}) {
      const double exact = Jaccard(a, b);
      const double fast = JaccardIfAtLeast(a, b, t);
      if (exact >= t) {
        EXPECT_DOUBLE_EQ(fast, exact) << shift << " " << t;
      } else {
        EXPECT_LT(fast, t) << shift << " " << t;
      }
    }
  }
  const std::vector<uint64_t> small = {1, 2}, big = {1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_LT(JaccardIfAtLeast(small, big, 0.5), 0.5);  // 0.25 by sizes alone
  EXPECT_DOUBLE_EQ(JaccardIfAtLeast(small, big, 0.2), 0.25);
}

}  // namespace
}  // namespace neardup
