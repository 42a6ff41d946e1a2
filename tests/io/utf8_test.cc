#include "io/utf8.h"

#include "gtest/gtest.h"

namespace neardup {
namespace {

TEST(Utf8Test, ValidTextPassesUnchanged) {
  for (const char* s : {"", "ascii", "é ’ 中 😀"}) {
    EXPECT_EQ(FirstInvalidUtf8(s), absl::string_view::npos) << s;
    size_t replaced = 0;
    EXPECT_EQ(RepairUtf8(s, &replaced), s);
    EXPECT_EQ(replaced, 0u);
  }
}

TEST(Utf8Test, InvalidSequencesAreFoundAndReplaced) {
  struct Case {
    std::string input;
    size_t first_invalid;
    std::string repaired;
    size_t replaced;
  };
  const Case cases[] = {
      {"a\xff"
       "b",
       1,
       "a\uFFFD"
       "b",
       1},                                           // never valid byte
      {"\xc3(", 0, "\uFFFD(", 1},                    // missing continuation
      {"\xe2\x80", 0, "\uFFFD", 1},                  // truncated at the end
      {"\xc0\xaf", 0, "\uFFFD\uFFFD", 2},            // overlong
      {"\xed\xa0\x80", 0, "\uFFFD\uFFFD\uFFFD", 3},  // surrogate
      {"x\xf4\x90\x80\x80", 1, "x\uFFFD\uFFFD\uFFFD\uFFFD", 4},  // > U+10FFFF
  };
  for (const Case& c : cases) {
    EXPECT_EQ(FirstInvalidUtf8(c.input), c.first_invalid);
    size_t replaced = 0;
    const std::string repaired = RepairUtf8(c.input, &replaced);
    EXPECT_EQ(repaired, c.repaired);
    EXPECT_EQ(replaced, c.replaced);
    EXPECT_EQ(FirstInvalidUtf8(repaired), absl::string_view::npos);
  }
}

}  // namespace
}  // namespace neardup
