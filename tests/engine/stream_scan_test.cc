#include "engine/stream_scan.h"

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/hash.h"
#include "base/status_matchers.h"
#include "engine/report.h"
#include "engine/scan.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/test_files.h"

namespace neardup {
namespace {

using ::testing::HasSubstr;

// `count` documents of 40 words from a 3000-word vocabulary; every 10th is
// reprinted with 1 or 2 words changed, every 50th copied exactly, every
// 500th is empty. Dates run backwards so that "earliest" differs from
// "first".
std::string Corpus(int count) {
  std::string lines;
  uint64_t n = 0;
  std::vector<std::string> texts;
  for (int d = 0; d < count; ++d) {
    std::string text;
    if (d % 500 == 7) {
      text = "";
    } else if (d % 10 == 3 && d >= 10) {
      text = texts[static_cast<size_t>(d - 7)];  // a reprint, lightly edited
      const size_t cut = text.find(' ', (Mix64(n++) % 30) * 6);
      text = text.substr(0, cut) + " edited" + std::to_string(d % 3) +
             text.substr(cut);
    } else if (d % 50 == 9 && d >= 50) {
      text = texts[static_cast<size_t>(d - 40)];  // an identical copy
    } else {
      for (int w = 0; w < 40; ++w) {
        absl::StrAppend(&text, w ? " " : "", "w", Mix64(n++) % 3000);
      }
    }
    texts.push_back(text);
    absl::StrAppend(&lines, "{\"id\":\"d", d, "\",\"date\":\"19",
                    10 + (count - d) % 90, "-01-01\",\"text\":\"", text,
                    "\"}\n");
  }
  return lines;
}

std::string StreamReport(const StreamScanResult& result) {
  std::string out;
  for (const Cluster& c : result.scan.clusters) {
    std::vector<Document> documents;
    for (const Member& m : c.members) {
      documents.push_back(*result.documents->Get(m.doc));
    }
    std::vector<const Document*> pointers;
    for (const Document& d : documents) pointers.push_back(&d);
    out += ClusterJsonLine(c, pointers);
  }
  return out;
}

struct Case {
  int signature_bits;
  CanonicalPolicy canonical;
  int threads;
};

class StreamScanTest : public ::testing::TestWithParam<Case> {};

// The streaming scan, with band keys spilled to several runs, reports the
// document clusters of the in-memory scan byte for byte.
TEST_P(StreamScanTest, ReportsTheClustersOfTheInMemoryScan) {
  TempDir dir;
  const std::string path = dir.Write("c.jsonl", Corpus(45000));
  EngineOptions options;
  options.level = Level::kDocument;
  options.signature_bits = GetParam().signature_bits;
  options.document.canonical = GetParam().canonical;
  options.threads = GetParam().threads;

  const absl::StatusOr<neardup::Corpus> corpus =
      ReadCorpus({path}, ReadOptions());
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  const absl::StatusOr<ScanResult> expected = Scan(corpus->documents, options);
  ASSERT_TRUE(expected.ok()) << expected.status();
  ASSERT_GT(expected->clusters.size(), 3500u);

  ReadOptions read;
  read.whole_files = false;
  auto input = *DocumentStream::Open({path}, read);
  const absl::StatusOr<StreamScanResult> streamed =
      ScanStream(*input, options, {uint64_t{64} << 20, dir.path()});
  ASSERT_TRUE(streamed.ok()) << streamed.status();
  EXPECT_GE(streamed->spill.band_runs, 2u);
  EXPECT_EQ(StreamReport(*streamed),
            ReportJsonLines(*expected, corpus->documents));
  const ScanStats& a = expected->stats;
  const ScanStats& b = streamed->scan.stats;
  EXPECT_EQ(b.documents, 45000u);
  EXPECT_EQ(b.empty_documents, a.empty_documents);
  EXPECT_EQ(b.document.distinct, a.document.distinct);
  EXPECT_EQ(b.document.candidates, a.document.candidates);
  EXPECT_EQ(b.document.pruned, a.document.pruned);
  EXPECT_EQ(b.document.verified, a.document.verified);
}

INSTANTIATE_TEST_SUITE_P(
    Widths, StreamScanTest,
    ::testing::Values(Case{32, CanonicalPolicy::kLongest, 1},
                      Case{64, CanonicalPolicy::kCentral, 2},
                      Case{32, CanonicalPolicy::kEarliest, 2}));

TEST(StreamScanOptionsTest, PassagesAndTinyBudgetsAreRefused) {
  TempDir dir;
  const std::string path = dir.Write("c.jsonl", Corpus(10));
  auto input = *DocumentStream::Open({path}, ReadOptions());
  EXPECT_THAT(
      ScanStream(*input, EngineOptions(), {1 << 30, dir.path()}).status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("--level=document")));
  EngineOptions documents;
  documents.level = Level::kDocument;
  EXPECT_THAT(
      ScanStream(*input, documents, {uint64_t{63} << 20, dir.path()}).status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("at least 64 MB")));
  EXPECT_THAT(
      ScanStream(*input, documents, {1 << 30, dir.path() + "/none"}).status(),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("/none")));
}

TEST(ParseMemoryBudgetTest, BytesSuffixesAndShares) {
  EXPECT_EQ(*ParseMemoryBudget("800000000", 0), 800000000u);
  EXPECT_EQ(*ParseMemoryBudget("500M", 0), 500u << 20);
  EXPECT_EQ(*ParseMemoryBudget("1.5G", 0), uint64_t{3} << 29);
  EXPECT_EQ(*ParseMemoryBudget("10%", 1000000), 100000u);
  for (const char* bad : {"", "M", "-1G", "0", "lots", "5X", "1e30G"}) {
    EXPECT_THAT(
        ParseMemoryBudget(bad, 1 << 30).status(),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--memory")))
        << bad;
  }
}

}  // namespace
}  // namespace neardup
