#include "engine/scan.h"

#include <algorithm>
#include <atomic>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/hash.h"
#include "base/status_matchers.h"
#include "engine/report.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/reader.h"

namespace neardup {
namespace {

using ::testing::HasSubstr;

Document Doc(std::string id, std::string text, std::string date = "") {
  Document d;
  d.id = std::move(id);
  d.text = std::move(text);
  d.date = std::move(date);
  d.source = d.id;
  return d;
}

std::vector<Document> SeedsAndVariants() {
  std::vector<Document> docs =
      ReadCorpus({NEARDUP_CORPUS_DIR}, ReadOptions())->documents;
  // A trimmed, lightly edited reprint of seed 003, and an exact copy of 001.
  std::string reprint = docs[3].text.substr(0, docs[3].text.size() * 9 / 10);
  reprint.replace(reprint.find("allegedly"), 9, "reportedly");
  docs.push_back(Doc("reprint-003", reprint, "2024-09-20"));
  docs.push_back(Doc("copy-001", docs[1].text));
  docs.push_back(Doc("empty", " \n "));
  return docs;
}

TEST(ScanTest, OutputIsIdenticalForAnyThreadCount) {
  const std::vector<Document> docs = SeedsAndVariants();
  EngineOptions options;
  options.threads = 1;
  const std::string one = ReportJsonLines(*Scan(docs, options), docs);
  for (const int threads : {2, 4, 7}) {
    options.threads = threads;
    EXPECT_EQ(ReportJsonLines(*Scan(docs, options), docs, threads), one)
        << threads;
  }
}

TEST(ScanTest, ReportLinesKeepTheirOrderWhenWrittenInParallelChunks) {
  const std::vector<Document> docs = SeedsAndVariants();
  ScanResult scan = *Scan(docs, EngineOptions());
  ASSERT_FALSE(scan.clusters.empty());
  const size_t before = scan.clusters.size() + scan.overlaps.size();
  for (size_t i = 0; i < 3000; ++i) {  // lines enough for several chunks
    Overlap overlap;
    overlap.doc_a = 0;
    overlap.doc_b = 1;
    overlap.shared_passages = i;
    scan.overlaps.push_back(overlap);
  }
  const std::string report = ReportJsonLines(scan, docs, 3);
  EXPECT_EQ(report, ReportJsonLines(scan, docs, 1));
  const std::vector<std::string> lines =
      absl::StrSplit(report, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), before + 3000);
  EXPECT_THAT(lines.front(), testing::StartsWith("{\"level\":\"document\""));
  for (size_t i = 0; i < 3000; ++i) {
    EXPECT_THAT(lines[before + i], testing::HasSubstr(absl::StrCat(
                                       "\"shared_passages\":", i, ",")));
  }

  // Written a chunk of whole lines at a time, in order; the first error of
  // writing ends it.
  std::vector<std::string> pieces;
  ASSERT_THAT(WriteReportJsonLines(scan, docs, 3,
                                   [&](absl::string_view text) {
                                     pieces.emplace_back(text);
                                     return absl::OkStatus();
                                   }),
              IsOk());
  ASSERT_GE(pieces.size(), 3u);
  for (const std::string& piece : pieces) EXPECT_EQ(piece.back(), '\n');
  EXPECT_EQ(absl::StrJoin(pieces, ""), report);
  size_t writes = 0;
  EXPECT_EQ(WriteReportJsonLines(scan, docs, 3,
                                 [&](absl::string_view) {
                                   return ++writes == 2
                                              ? absl::DataLossError("disk full")
                                              : absl::OkStatus();
                                 }),
            absl::DataLossError("disk full"));
  EXPECT_EQ(writes, 2u);
}

// The same clusters, as sets of (document id, text), whatever the input order.
std::set<std::set<std::string>> ClusterSets(const std::vector<Document>& docs,
                                            const ScanResult& scan) {
  std::set<std::set<std::string>> out;
  for (const Cluster& c : scan.clusters) {
    std::set<std::string> members;
    for (const Member& m : c.members) {
      members.insert(docs[m.doc].id + "|" +
                     docs[m.doc].text.substr(m.start, m.end - m.start));
    }
    out.insert(members);
  }
  return out;
}

// The width of signature values changes which pairs are candidates, never
// which are verified: on this corpus (every true pair well above the
// threshold's LSH recall floor) the reports are identical.
TEST(ScanTest, ThirtyTwoAndSixtyFourBitSignaturesReportTheSame) {
  const std::vector<Document> docs = SeedsAndVariants();
  EngineOptions options;
  options.signature_bits = 64;
  const std::string wide = ReportJsonLines(*Scan(docs, options), docs);
  options.signature_bits = 32;
  EXPECT_EQ(ReportJsonLines(*Scan(docs, options), docs), wide);
}

TEST(ScanTest, ReportsProgressStageByStageNeverConcurrently) {
  std::vector<Document> docs;
  for (int copy = 0; copy < 40; ++copy) {
    for (const Document& d : SeedsAndVariants()) {
      docs.push_back(Doc(absl::StrCat(d.id, "/", copy), d.text));
    }
  }
  EngineOptions options;
  options.threads = 4;
  std::vector<std::string> stages;
  size_t last_done = 0;
  std::atomic<int> inside{0};
  bool overlapped = false;
  options.progress = [&](const Progress& p) {
    overlapped |= inside.fetch_add(1) != 0;
    if (stages.empty() || stages.back() != p.stage) {
      stages.emplace_back(p.stage);
    }
    if (p.stage == "fingerprint") {
      EXPECT_EQ(p.total, docs.size());
      last_done = p.done;
    }
    inside.fetch_sub(1);
  };
  ASSERT_TRUE(Scan(docs, options).ok());
  EXPECT_FALSE(overlapped);
  EXPECT_EQ(last_done, docs.size());
  EXPECT_THAT(stages,
              ::testing::ElementsAre(
                  "fingerprint", "documents: candidates and verification",
                  "passages: candidates and verification", "overlaps"));
}

TEST(ScanTest, ClustersDoNotDependOnInputOrder) {
  std::vector<Document> docs = SeedsAndVariants();
  const auto forward = ClusterSets(docs, *Scan(docs, EngineOptions()));
  std::reverse(docs.begin(), docs.end());
  EXPECT_EQ(ClusterSets(docs, *Scan(docs, EngineOptions())), forward);
}

TEST(ScanTest, FindsDocumentDuplicatesAndKeepsTheLongest) {
  const std::vector<Document> docs = SeedsAndVariants();
  const ScanResult scan = *Scan(docs, EngineOptions());
  std::vector<std::set<std::string>> doc_clusters;
  for (const Cluster& c : scan.clusters) {
    if (c.level != Level::kDocument) continue;
    std::set<std::string> ids;
    for (const Member& m : c.members) ids.insert(docs[m.doc].id);
    doc_clusters.push_back(ids);
    if (ids.count("reprint-003")) {
      EXPECT_EQ(docs[c.members[c.canonical].doc].id,
                "003_3ff6272d002e0d14.txt");
      EXPECT_THAT(c.reason, HasSubstr("longest of 2"));
    }
  }
  EXPECT_THAT(
      doc_clusters,
      ::testing::UnorderedElementsAre(
          std::set<std::string>{"001_89cc51dfdb056fd5.txt", "copy-001"},
          std::set<std::string>{"003_3ff6272d002e0d14.txt", "reprint-003"}));
  EXPECT_EQ(scan.stats.empty_documents, 1u);
  // Passages shared by documents that are duplicates as a whole are not
  // reported again as overlaps; the reprint still overlaps seed 004.
  std::set<std::pair<std::string, std::string>> overlapping;
  for (const Overlap& o : scan.overlaps) {
    overlapping.insert({docs[o.doc_a].id.substr(0, 3), docs[o.doc_b].id});
  }
  EXPECT_FALSE(overlapping.count({"003", "reprint-003"}));
  EXPECT_TRUE(overlapping.count({"004", "reprint-003"}));
}

TEST(ScanTest, MassRepeatedLinesBecomeOneBoilerplateCluster) {
  std::vector<Document> docs;
  for (uint64_t i = 0; i < 60; ++i) {
    // A sentence of made-up words, unlike every other page's.
    std::string story;
    for (uint64_t w = 0; w < 8; ++w) {
      const uint64_t bits = Mix64(i * 100 + w);
      for (int c = 0; c < 6; ++c) story.push_back('a' + (bits >> (6 * c)) % 26);
      story.push_back(' ');
    }
    docs.push_back(
        Doc("page" + std::to_string(i), story + "end.\nRelated Articles\n"));
  }
  EngineOptions options;
  options.level = Level::kPassage;
  const ScanResult scan = *Scan(docs, options);
  ASSERT_EQ(scan.stats.boilerplate_clusters, 1u);
  const auto boilerplate =
      std::find_if(scan.clusters.begin(), scan.clusters.end(),
                   [](const Cluster& c) { return c.boilerplate; });
  ASSERT_NE(boilerplate, scan.clusters.end());
  EXPECT_EQ(boilerplate->members.size(), 60u);
  EXPECT_THAT(boilerplate->reason, HasSubstr("in 60 documents"));
  EXPECT_TRUE(scan.overlaps.empty());
}

TEST(ScanTest, OverlapNamesTheEarlierDocument) {
  const std::string wire =
      "The Treasury imposed sanctions on five entities for enabling payments "
      "between Russia and North Korea.";
  const std::vector<Document> docs = {
      Doc("late",
          "Local news comes first today. " + wire +
              " More local news follows here.",
          "2024-09-21"),
      Doc("early", wire + " Other commentary follows at length.",
          "2024-09-19")};
  const ScanResult scan = *Scan(docs, EngineOptions());
  ASSERT_EQ(scan.overlaps.size(), 1u);
  EXPECT_EQ(scan.overlaps[0].earlier, 1u);
  EXPECT_EQ(scan.overlaps[0].shared_passages, 1u);
  EXPECT_NEAR(scan.overlaps[0].fraction_a, 1.0 / 3.0, 1e-9);
  EXPECT_NEAR(scan.overlaps[0].fraction_b, 1.0 / 2.0, 1e-9);
}

TEST(ScanTest, InvalidOptionsAreRejected) {
  EngineOptions options;
  options.passage.threshold = 1.5;
  EXPECT_THAT(Scan({}, options).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("passage threshold")));
  options = EngineOptions();
  options.document.lsh = {100, 2};
  EXPECT_THAT(Scan({}, options).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("bands * rows <= num_perm")));
  options = EngineOptions();
  options.signature_bits = 16;
  EXPECT_THAT(Scan({}, options).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("signature_bits must be 32 or 64")));
}

}  // namespace
}  // namespace neardup
