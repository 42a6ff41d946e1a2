#include "eval/evaluate.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/hash.h"
#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace neardup {
namespace {

using ::testing::HasSubstr;

// A sentence of 12 words drawn by `index` from 240 distinct words, so two
// different sentences share almost nothing.
std::string Sentence(uint64_t index) {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> w;
    const char* stems[] = {"harbor", "violet",  "granite", "lantern", "meadow",
                           "copper", "thistle", "falcon",  "orchard", "quartz",
                           "saddle", "timber",  "willow",  "ember",   "glacier",
                           "hollow", "juniper", "marble",  "nectar",  "pebble"};
    const char* tails[] = {"s",   "ed",   "ing",  "er",   "ly",  "ish",
                           "ful", "less", "ness", "ward", "dom", "ist"};
    for (const char* stem : stems) {
      for (const char* tail : tails) w.push_back(absl::StrCat(stem, tail));
    }
    return w;
  }();
  std::vector<std::string> picked;
  for (uint64_t k = 0; k < 12; ++k) {
    picked.push_back(words[Mix64(index * 16 + k) % words.size()]);
  }
  picked[0][0] = static_cast<char>(picked[0][0] - 'a' + 'A');
  return absl::StrCat(absl::StrJoin(picked, " "), ".");
}

std::string Article(uint64_t first, int sentences) {
  std::vector<std::string> out;
  for (int i = 0; i < sentences; ++i) out.push_back(Sentence(first + i));
  return absl::StrJoin(out, " ");
}

Document Doc(std::string id, std::string text) {
  Document d;
  d.id = std::move(id);
  d.text = std::move(text);
  d.source = d.id;
  return d;
}

class EvaluateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // a2 copies a1 whole; b2 keeps two of b1's twelve sentences (a trimmed
    // copy: shares passages, not a duplicate as a whole); c is unrelated.
    std::string a2 = Article(100, 12);
    a2.append(" One more closing line of the story here.");
    documents_ = {Doc("a1", Article(100, 12)), Doc("a2", a2),
                  Doc("b1", Article(200, 12)),
                  Doc("b2", Article(200, 2) + " " + Article(900, 10)),
                  Doc("c", Article(300, 12))};
    absl::StatusOr<ScanResult> scan = Scan(documents_, options_);
    ASSERT_TRUE(scan.ok()) << scan.status();
    scan_ = *std::move(scan);
  }

  Gold ClusterGold() const {
    Gold gold;
    gold.clusters = {{{{"a1"}, {"a2"}}, "", "gold:1"},
                     {{{"b1"}, {"b2"}}, "", "gold:2"}};
    return gold;
  }

  std::vector<Document> documents_;
  EngineOptions options_;
  ScanResult scan_;
};

TEST_F(EvaluateTest, DocumentLevelFindsTheWholeCopyOnly) {
  absl::StatusOr<Evaluation> e =
      Evaluate(documents_, scan_, ClusterGold(), options_, {});
  ASSERT_TRUE(e.ok()) << e.status();
  ASSERT_EQ(e->levels.size(), 2u);
  const LevelEvaluation& doc = e->levels[0];
  EXPECT_EQ(doc.level, Level::kDocument);
  EXPECT_EQ(doc.gold_positives, 2u);
  EXPECT_EQ(doc.pairs.true_positives, 1u);
  EXPECT_EQ(doc.pairs.false_positives, 0u);
  EXPECT_DOUBLE_EQ(doc.pairs.recall, 0.5);
  ASSERT_TRUE(doc.partition.has_value());
  EXPECT_LT(doc.partition->adjusted_rand_index, 1.0);
  ASSERT_EQ(doc.false_negatives.size(), 1u);
  EXPECT_EQ(documents_[doc.false_negatives[0].doc_a].id, "b1");
  EXPECT_LT(doc.false_negatives[0].similarity, 0.7);
}

TEST_F(EvaluateTest, PassageLevelFindsDocumentsThatShareText) {
  absl::StatusOr<Evaluation> e =
      Evaluate(documents_, scan_, ClusterGold(), options_, {});
  ASSERT_TRUE(e.ok()) << e.status();
  const LevelEvaluation& passage = e->levels[1];
  EXPECT_EQ(passage.level, Level::kPassage);
  EXPECT_DOUBLE_EQ(passage.pairs.precision, 1.0);
  EXPECT_DOUBLE_EQ(passage.pairs.recall, 1.0);
  EXPECT_DOUBLE_EQ(passage.partition->adjusted_rand_index, 1.0);
}

TEST_F(EvaluateTest, ExtraPairsAreFalsePositivesMostSimilarFirst) {
  Gold gold;  // claims nothing is a duplicate
  absl::StatusOr<Evaluation> e =
      Evaluate(documents_, scan_, gold, options_, {.examples = 1});
  ASSERT_TRUE(e.ok()) << e.status();
  const LevelEvaluation& passage = e->levels[1];
  EXPECT_EQ(passage.pairs.false_positives, 2u);
  ASSERT_EQ(passage.false_positives.size(), 1u);  // --examples=1
  EXPECT_EQ(documents_[passage.false_positives[0].doc_a].id, "a1");
  EXPECT_DOUBLE_EQ(passage.false_positives[0].similarity, 1.0);
}

TEST_F(EvaluateTest, OriginalLimitsGoldToCopiesOfIt) {
  Gold gold;
  gold.clusters = {{{{"a1"}, {"a2"}, {"c"}}, "a1", "gold:1"}};
  absl::StatusOr<Evaluation> e =
      Evaluate(documents_, scan_, gold, options_, {});
  ASSERT_TRUE(e.ok()) << e.status();
  // Gold pairs: (a1, a2) and (a1, c); (a2, c) is not scored.
  EXPECT_EQ(e->levels[0].gold_positives, 2u);
  EXPECT_EQ(e->levels[0].pairs.true_positives, 1u);
}

TEST_F(EvaluateTest, LabelledPairsScoreOnlyThoseLabelled) {
  Gold gold;
  gold.kind = Gold::Kind::kPairs;
  gold.pairs = {{"a1", "a2", true, "p:1"},
                {"a1", "c", false, "p:2"},
                {"b2", "b1", true, "p:3"}};
  absl::StatusOr<Evaluation> e =
      Evaluate(documents_, scan_, gold, options_, {});
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->levels[0].pairs.true_positives, 1u);
  EXPECT_EQ(e->levels[0].pairs.false_negatives, 1u);
  EXPECT_FALSE(e->levels[0].partition.has_value());
  EXPECT_DOUBLE_EQ(e->levels[1].pairs.recall, 1.0);
}

TEST_F(EvaluateTest, SpanGoldFindsRepeatedPassages) {
  const std::string first = Sentence(500);
  std::string reworded = Sentence(500);
  reworded.replace(0, reworded.find(' '), "Lanterns");
  const std::string text =
      absl::StrCat(first, " ", Article(600, 5), " ", reworded);
  std::vector<Document> docs = {Doc("r", text), Doc("s", Article(700, 6))};
  absl::StatusOr<ScanResult> scan = Scan(docs, options_);
  ASSERT_TRUE(scan.ok()) << scan.status();
  Gold gold;
  gold.kind = Gold::Kind::kSpans;
  const uint32_t second = static_cast<uint32_t>(text.size() - reworded.size());
  gold.clusters = {{{{"r", 0, static_cast<uint32_t>(first.size())},
                     {"r", second, static_cast<uint32_t>(text.size())}},
                    "",
                    "spans:1"}};
  absl::StatusOr<Evaluation> e = Evaluate(docs, *scan, gold, options_, {});
  ASSERT_TRUE(e.ok()) << e.status();
  ASSERT_EQ(e->levels.size(), 1u);
  EXPECT_EQ(e->levels[0].gold_positives, 1u);
  EXPECT_DOUBLE_EQ(e->levels[0].pairs.recall, 1.0);
  EXPECT_DOUBLE_EQ(e->levels[0].pairs.precision, 1.0);
}

TEST_F(EvaluateTest, UnknownIdsAndSpansPastTheEndAreErrors) {
  Gold gold;
  gold.clusters = {{{{"a1"}, {"zz"}}, "", "gold.jsonl:4"}};
  EXPECT_THAT(
      Evaluate(documents_, scan_, gold, options_, {}).status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("gold.jsonl:4: id \"zz\" is not in the input")));
  Gold spans;
  spans.kind = Gold::Kind::kSpans;
  spans.clusters = {{{{"c", 0, 5}, {"c", 10, 100000}}, "", "spans:2"}};
  EXPECT_THAT(Evaluate(documents_, scan_, spans, options_, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("spans:2: span [10, 100000)")));
}

TEST_F(EvaluateTest, JsonAndTableCarryScoresAndExamples) {
  absl::StatusOr<Evaluation> e =
      Evaluate(documents_, scan_, ClusterGold(), options_, {});
  ASSERT_TRUE(e.ok()) << e.status();
  const std::string json = EvaluationJson(*e, documents_);
  EXPECT_THAT(json, HasSubstr("\"gold\":\"clusters\",\"documents\":5"));
  EXPECT_THAT(json, HasSubstr("\"level\":\"document\",\"gold_positives\":2"));
  EXPECT_THAT(json, HasSubstr("\"recall\":0.5000"));
  EXPECT_THAT(json, HasSubstr("\"worst_false_negatives\":[{\"a\":\"b1\""));
  const std::string table = EvaluationTable(*e, documents_);
  EXPECT_THAT(table, HasSubstr("document, worst false negatives (1 of 1)"));
}

}  // namespace
}  // namespace neardup
