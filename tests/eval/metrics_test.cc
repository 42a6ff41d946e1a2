#include "eval/metrics.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace neardup {
namespace {

using ::testing::ElementsAre;

TEST(ScorePairsTest, CountsAgreementsAndMistakes) {
  const std::vector<ItemPair> gold = {{0, 1}, {2, 3}, {4, 5}};
  const std::vector<ItemPair> predicted = {{0, 1}, {1, 2}};
  const PairScores s = ScorePairs(gold, predicted);
  EXPECT_EQ(s.true_positives, 1u);
  EXPECT_EQ(s.false_positives, 1u);
  EXPECT_EQ(s.false_negatives, 2u);
  EXPECT_DOUBLE_EQ(s.precision, 0.5);
  EXPECT_DOUBLE_EQ(s.recall, 1.0 / 3);
  EXPECT_DOUBLE_EQ(s.f1, 0.4);
}

TEST(ScorePairsTest, NothingPredictedIsPerfectPrecisionAndZeroRecall) {
  const std::vector<ItemPair> gold = {{0, 1}};
  const PairScores s = ScorePairs(gold, {});
  EXPECT_DOUBLE_EQ(s.precision, 1.0);
  EXPECT_DOUBLE_EQ(s.recall, 0.0);
  EXPECT_DOUBLE_EQ(s.f1, 0.0);
}

TEST(ScoreCountsTest, PrecisionCountsPredictionsAndRecallCountsGoldPairs) {
  // Span gold: 4 of 5 predictions are right, but two of them match the same
  // gold pair, so 3 of 6 gold pairs are found.
  const PairScores s = ScoreCounts(4, 5, 3, 6);
  EXPECT_DOUBLE_EQ(s.precision, 0.8);
  EXPECT_DOUBLE_EQ(s.recall, 0.5);
  EXPECT_EQ(s.true_positives, 3u);
  EXPECT_EQ(s.false_positives, 1u);
  EXPECT_EQ(s.false_negatives, 3u);
  EXPECT_DOUBLE_EQ(ScoreCounts(0, 0, 0, 0).f1, 1.0);
}

TEST(ScoreLabelledPairsTest, ScoresOnlyLabelledPairsInEitherOrder) {
  const std::vector<ItemPair> pairs = {{1, 0}, {2, 3}, {4, 5}, {6, 7}};
  const std::vector<bool> labels = {true, true, false, false};
  // (8, 9) is predicted but unlabelled: it counts for nothing.
  const std::vector<ItemPair> predicted = {{0, 1}, {4, 5}, {8, 9}};
  const PairScores s = ScoreLabelledPairs(pairs, labels, predicted);
  EXPECT_EQ(s.true_positives, 1u);
  EXPECT_EQ(s.false_positives, 1u);
  EXPECT_EQ(s.false_negatives, 1u);
  EXPECT_DOUBLE_EQ(s.precision, 0.5);
  EXPECT_DOUBLE_EQ(s.recall, 0.5);
}

TEST(ScorePartitionsTest, IdenticalPartitionsScoreOne) {
  const std::vector<std::vector<uint32_t>> p = {{0, 1, 2}, {4, 5}};
  const PartitionScores s = ScorePartitions(7, p, p);
  EXPECT_DOUBLE_EQ(s.adjusted_rand_index, 1.0);
  EXPECT_DOUBLE_EQ(s.bcubed_precision, 1.0);
  EXPECT_DOUBLE_EQ(s.bcubed_recall, 1.0);
}

TEST(ScorePartitionsTest, MatchesTheTextbookValues) {
  // Gold {0,1,2} {3,4,5}, predicted {0,1} {2,3,4,5}. Contingency table
  // [[2,1],[0,3]]: index 4, gold pairs 6, predicted pairs 7, expected
  // 6*7/15 = 2.8, maximum 6.5: ARI = 1.2 / 3.7 (sklearn agrees).
  const PartitionScores s =
      ScorePartitions(6, {{0, 1, 2}, {3, 4, 5}}, {{0, 1}, {2, 3, 4, 5}});
  EXPECT_NEAR(s.adjusted_rand_index, 1.2 / 3.7, 1e-12);
  // B-cubed precision: items 0,1: 2/2; item 2: 1/4; items 3,4,5: 3/4.
  EXPECT_NEAR(s.bcubed_precision, (2 + 0.25 + 3 * 0.75) / 6, 1e-12);
  // Recall: items 0,1: 2/3; item 2: 1/3; items 3,4,5: 3/3.
  EXPECT_NEAR(s.bcubed_recall, (2 * 2.0 / 3 + 1.0 / 3 + 3) / 6, 1e-12);
}

TEST(ScorePartitionsTest, MissingEveryPairScoresZeroAri) {
  const PartitionScores s = ScorePartitions(4, {{0, 1}}, {});
  EXPECT_DOUBLE_EQ(s.adjusted_rand_index, 0.0);
  EXPECT_DOUBLE_EQ(s.bcubed_precision, 1.0);
  EXPECT_DOUBLE_EQ(s.bcubed_recall, 0.75);
}

TEST(PairsOfTest, ListsEveryPairInsideEachClusterOnce) {
  EXPECT_THAT(PairsOf({{3, 1, 2}, {5, 4}}),
              ElementsAre(ItemPair{1, 2}, ItemPair{1, 3}, ItemPair{2, 3},
                          ItemPair{4, 5}));
}

TEST(ConnectedComponentsTest, JoinsChainsAndDropsSingletons) {
  const std::vector<ItemPair> pairs = {{0, 1}, {1, 2}, {4, 5}};
  EXPECT_THAT(ConnectedComponents(7, pairs),
              ElementsAre(ElementsAre(0, 1, 2), ElementsAre(4, 5)));
}

}  // namespace
}  // namespace neardup
