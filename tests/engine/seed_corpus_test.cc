// The founding example: what the report must show on the five seed articles
// in corpus/ (issue "The seed corpus and what it must show").

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "engine/scan.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/reader.h"

namespace neardup {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;

class SeedCorpusTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    corpus_ = new Corpus(*ReadCorpus({NEARDUP_CORPUS_DIR}, ReadOptions()));
    scan_ = new ScanResult(*Scan(corpus_->documents, EngineOptions()));
  }
  static void TearDownTestSuite() {
    delete scan_;
    delete corpus_;
  }

  static std::string Text(const Member& m) {
    return corpus_->documents[m.doc].text.substr(m.start, m.end - m.start);
  }
  static std::string Id(const Member& m) {
    return corpus_->documents[m.doc].id.substr(0, 3);
  }

  // The passage cluster holding a member that starts with `prefix`.
  static const Cluster* FindCluster(absl::string_view prefix) {
    for (const Cluster& c : scan_->clusters) {
      for (const Member& m : c.members) {
        if (c.level == Level::kPassage && absl::StartsWith(Text(m), prefix)) {
          return &c;
        }
      }
    }
    return nullptr;
  }

  static std::vector<std::string> MemberKeys(const Cluster& c) {
    std::vector<std::string> keys;
    for (const Member& m : c.members) keys.push_back(Id(m) + ":" + Text(m));
    return keys;
  }

  static Corpus* corpus_;
  static ScanResult* scan_;
};

Corpus* SeedCorpusTest::corpus_ = nullptr;
ScanResult* SeedCorpusTest::scan_ = nullptr;

TEST_F(SeedCorpusTest, ReadsTheFiveSeeds) {
  ASSERT_EQ(corpus_->documents.size(), 5u);
  EXPECT_EQ(corpus_->documents[0].id, "000_d11ba13045454f38.txt");
}

TEST_F(SeedCorpusTest, ThreeWordingsInSeed000FormOneCluster) {
  const Cluster* c = FindCluster("Since high-profile meetings");
  ASSERT_NE(c, nullptr);
  EXPECT_THAT(MemberKeys(*c),
              ::testing::ElementsAre(
                  HasSubstr("000:Since high-profile meetings"),
                  HasSubstr("000:Since high-profile discussions"),
                  HasSubstr("000:Since high-profile conversations")));
  // The fullest wording is canonical, and the reason says why.
  EXPECT_THAT(Text(c->members[c->canonical]), HasSubstr("despite harsh"));
  EXPECT_THAT(c->reason, HasSubstr("longest of 3 members"));
}

TEST_F(SeedCorpusTest, RepeatedParagraphInSeed002IsClusteredDespiteQuotes) {
  const Cluster* failed = FindCluster("North Korea has failed twice");
  const Cluster* agency = FindCluster("The nation");
  ASSERT_NE(failed, nullptr);
  ASSERT_NE(agency, nullptr);
  EXPECT_EQ(failed->members.size(), 2u);
  ASSERT_EQ(agency->members.size(), 2u);
  EXPECT_THAT(Text(agency->members[0]), HasSubstr("nation's"));
  EXPECT_THAT(Text(agency->members[1]), HasSubstr("nation’s"));
  EXPECT_DOUBLE_EQ(agency->members[1].similarity, 1.0);
}

TEST_F(SeedCorpusTest, WireCopySharedBy003And004IsFound) {
  for (const char* prefix :
       {"\"Today's action holds accountable", "The new sanctions announced",
        "The United States on September 19 imposed sanctions"}) {
    const Cluster* c = FindCluster(prefix);
    ASSERT_NE(c, nullptr) << prefix;
    std::vector<std::string> docs;
    for (const Member& m : c->members) docs.push_back(Id(m));
    EXPECT_THAT(docs, AllOf(Contains("003"), Contains("004"))) << prefix;
  }
  ASSERT_FALSE(scan_->overlaps.empty());
  const Overlap& top = scan_->overlaps.front();
  EXPECT_EQ(corpus_->documents[top.doc_a].id.substr(0, 3), "003");
  EXPECT_EQ(corpus_->documents[top.doc_b].id.substr(0, 3), "004");
  EXPECT_GE(top.shared_passages, 3u);
}

TEST_F(SeedCorpusTest, NoDocumentClustersAndNoTopicOnlyPassageClusters) {
  for (const Cluster& c : scan_->clusters) {
    EXPECT_EQ(c.level, Level::kPassage);
    EXPECT_FALSE(c.boilerplate);
    // Every pair in a cluster is a real near-duplicate: all members are at or
    // above the threshold against the canonical.
    for (const Member& m : c.members) {
      EXPECT_GE(m.similarity, EngineOptions().passage.threshold);
    }
  }
  // The seeds share topic and names (Treasury, Brian Nelson, Kim Jong Un)
  // across 000, 001 and 002; none of that is a copied passage.
  for (const Cluster& c : scan_->clusters) {
    for (const Member& m : c.members) {
      EXPECT_NE(Id(m), "001") << Text(m);
    }
  }
  EXPECT_EQ(scan_->overlaps.size(), 1u);
}

}  // namespace
}  // namespace neardup
