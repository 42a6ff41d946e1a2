#include "eval/gold.h"

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/test_files.h"

namespace neardup {
namespace {

using ::testing::HasSubstr;

TEST(ReadGoldTest, PairsWithAHeaderUseItsColumns) {
  TempDir dir;
  const std::string path = dir.Write(
      "pairs.tsv", "split\tid1\tid2\tlabel\ntrain\ta\tb\t1\ntest\tc\td\t0\n");
  absl::StatusOr<Gold> gold = ReadGold(path);
  ASSERT_TRUE(gold.ok()) << gold.status();
  EXPECT_EQ(gold->kind, Gold::Kind::kPairs);
  ASSERT_EQ(gold->pairs.size(), 2u);
  EXPECT_EQ(gold->pairs[0].a, "a");
  EXPECT_EQ(gold->pairs[0].b, "b");
  EXPECT_TRUE(gold->pairs[0].duplicate);
  EXPECT_FALSE(gold->pairs[1].duplicate);
  EXPECT_EQ(gold->pairs[1].source, path + ":3");
}

TEST(ReadGoldTest, PairsWithoutAHeaderUseTheFirstColumns) {
  TempDir dir;
  absl::StatusOr<Gold> gold = ReadGold(dir.Write("p.tsv", "x\ty\t1\n"));
  ASSERT_TRUE(gold.ok()) << gold.status();
  ASSERT_EQ(gold->pairs.size(), 1u);
  EXPECT_EQ(gold->pairs[0].a, "x");
}

TEST(ReadGoldTest, BadPairLinesNameFileLineAndReason) {
  TempDir dir;
  const std::string path = dir.Write("p.tsv", "x\ty\t1\nx\ty\tmaybe\n");
  EXPECT_THAT(ReadGold(path).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(path + ":2: label must be 0 or 1")));
  const std::string short_line = dir.Write("q.tsv", "x\ty\n");
  EXPECT_THAT(ReadGold(short_line).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(":1: expected 3 tab-separated columns")));
}

TEST(ReadGoldTest, ClustersOfIdsStringsOrNumbers) {
  TempDir dir;
  absl::StatusOr<Gold> gold = ReadGold(
      dir.Write("c.jsonl",
                "{\"members\": [\"a\", \"b\"]}\n\n{\"members\": [7, 8, 9], "
                "\"original\": \"8\"}\n"));
  ASSERT_TRUE(gold.ok()) << gold.status();
  EXPECT_EQ(gold->kind, Gold::Kind::kClusters);
  ASSERT_EQ(gold->clusters.size(), 2u);
  EXPECT_EQ(gold->clusters[1].members[2].doc, "9");
  EXPECT_EQ(gold->clusters[1].original, "8");
  EXPECT_TRUE(gold->clusters[0].original.empty());
}

TEST(ReadGoldTest, SpanClusters) {
  TempDir dir;
  absl::StatusOr<Gold> gold = ReadGold(
      dir.Write("s.jsonl",
                "{\"members\": [{\"doc\": \"a\", \"start\": 0, \"end\": 10}, "
                "{\"doc\": \"a\", \"start\": 20, \"end\": 31}]}\n"));
  ASSERT_TRUE(gold.ok()) << gold.status();
  EXPECT_EQ(gold->kind, Gold::Kind::kSpans);
  EXPECT_EQ(gold->clusters[0].members[1].start, 20u);
  EXPECT_EQ(gold->clusters[0].members[1].end, 31u);
}

TEST(ReadGoldTest, RejectsMalformedClusters) {
  TempDir dir;
  const auto error = [&](const std::string& text) {
    return ReadGold(dir.Write("bad.jsonl", text)).status();
  };
  EXPECT_THAT(error("{\"members\": [\"a\"]}\n{oops\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("bad.jsonl:2: malformed JSON")));
  EXPECT_THAT(error("{\"ids\": [\"a\"]}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"members\" array")));
  EXPECT_THAT(error("{\"members\": [\"a\", {\"doc\": \"b\", \"start\": 1, "
                    "\"end\": 2}]}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("mixes document ids and spans")));
  EXPECT_THAT(
      error("{\"members\": [{\"doc\": \"b\", \"start\": 5, "
            "\"end\": 2}]}\n"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("start < end")));
  EXPECT_THAT(error("{\"members\": [\"a\", \"b\"], \"original\": \"c\"}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"original\" must be one of")));
  EXPECT_THAT(ReadGold(dir.path() + "/missing.jsonl").status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("cannot open")));
}

}  // namespace
}  // namespace neardup
