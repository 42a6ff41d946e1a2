#include "engine/clean.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/reader.h"

namespace neardup {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

TEST(CleanTest, SeedRepeatsAppearOnceAndNothingElseIsLost) {
  std::vector<Document> docs =
      ReadCorpus({NEARDUP_CORPUS_DIR}, ReadOptions())->documents;
  Document copy = docs[2];
  copy.id = "copy-002";
  docs.push_back(copy);
  const EngineOptions options;
  const ScanResult scan = *Scan(docs, options);
  const std::vector<CleanDecision> decisions = DecideClean(docs, scan, options);
  ASSERT_EQ(decisions.size(), docs.size());  // every document accounted for
  EXPECT_FALSE(decisions[5].kept);
  EXPECT_EQ(decisions[5].duplicate_of, 2u);
  EXPECT_TRUE(decisions[1].kept);
  EXPECT_TRUE(decisions[1].removed.empty());

  const std::string seed000 = ApplyRemovals(docs[0].text, decisions[0].removed);
  EXPECT_EQ(Count(seed000, "Since high-profile"), 1u);
  EXPECT_THAT(seed000, HasSubstr("despite harsh international sanctions"));
  EXPECT_EQ(decisions[0].removed.size(), 2u);

  const std::string seed002 = ApplyRemovals(docs[2].text, decisions[2].removed);
  EXPECT_EQ(Count(seed002, "has failed twice in recent months"), 1u);
  EXPECT_EQ(Count(seed002, "Aerospace Development Administration"), 1u);
  // The first occurrence of the paragraph stays whole.
  EXPECT_THAT(seed002, HasSubstr("into orbit. The nation's National"));

  // Only the cut passages (and the whitespace after them) are gone.
  size_t cut_bytes = 0;
  for (const RemovedPassage& r : decisions[0].removed)
    cut_bytes += r.end - r.start;
  EXPECT_EQ(docs[0].text.size() - seed000.size(), cut_bytes + 2);  // two spaces
  EXPECT_THAT(seed000, Not(HasSubstr("  ")));
}

TEST(ApplyRemovalsTest, CutsSpansWithTheirTrailingWhitespace) {
  const std::string text = "A one. B two. C three.";
  const std::vector<RemovedPassage> middle = {{7, 13, 1, 0, 6, 1.0}};
  EXPECT_EQ(ApplyRemovals(text, middle), "A one. C three.");
  const std::vector<RemovedPassage> last = {{14, 22, 1, 0, 6, 1.0}};
  EXPECT_EQ(ApplyRemovals(text, last), "A one. B two.");
  EXPECT_EQ(ApplyRemovals(text, {}), text);
}

}  // namespace
}  // namespace neardup
