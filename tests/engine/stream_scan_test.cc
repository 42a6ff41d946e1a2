#include "engine/stream_scan.h"

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/hash.h"
#include "base/status_macros.h"
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

struct Case {
  int signature_bits;
  CanonicalPolicy canonical;
  int threads;
};

std::string StreamReport(const StreamScanResult& result) {
  std::string out;
  EXPECT_TRUE(result.clusters
                  ->ForEach([&](const Cluster& c) -> absl::Status {
                    NEARDUP_ASSIGN_OR_RETURN(
                        const std::string line,
                        ClusterJsonLine(c, [&](uint32_t doc) {
                          return result.documents->Get(doc);
                        }));
                    out += line;
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_TRUE(result.overlaps
                  ->ForEach([&](const Overlap& o) {
                    out += OverlapJsonLine(o, *result.documents->Get(o.doc_a),
                                           *result.documents->Get(o.doc_b));
                    return absl::OkStatus();
                  })
                  .ok());
  return out;
}

// ScanStream() of the file at `path`, read in pieces, within 64 MiB and
// with scratch files in `tmp_dir`.
absl::StatusOr<StreamScanResult> StreamWithin64MiB(const std::string& path,
                                                   const EngineOptions& options,
                                                   const std::string& tmp_dir) {
  ReadOptions read;
  read.whole_files = false;
  NEARDUP_ASSIGN_OR_RETURN(std::unique_ptr<DocumentStream> input,
                           DocumentStream::Open({path}, read));
  return ScanStream(*input, options, {uint64_t{64} << 20, tmp_dir});
}

// `count` articles of 6 to 11 sentences of 5 to 14 words (a 2000-word
// vocabulary, the first capitalized; 1 in 12 sentences of 2 words). Every 6th
// article reprints sentences of earlier ones, some with one word changed, some
// exactly, one of them twice; every 25th carries a line of boilerplate (in 1 of
// 25 articles: above boilerplate_min_docs at 1,250 articles and more); every
// 300th is empty.
std::string PassageCorpus(int count) {
  std::vector<std::vector<std::string>> articles;
  std::string lines;
  uint64_t n = 0;
  const auto sentence = [&] {
    const int words = Mix64(n++) % 12 == 0 ? 2 : 5 + Mix64(n++) % 10;
    std::string s;
    for (int w = 0; w < words; ++w) {
      absl::StrAppend(&s, w ? " w" : "W", Mix64(n++) % 2000);
    }
    return s + ".";
  };
  for (int d = 0; d < count; ++d) {
    std::vector<std::string> sentences;
    if (d % 300 != 299) {
      const int length = 6 + static_cast<int>(Mix64(n++) % 6);
      for (int i = 0; i < length; ++i) {
        if (d % 6 == 5 && i % 2 == 0 && d > 10) {
          const auto& source = articles[Mix64(n++) % articles.size()];
          std::string copy =
              source.empty() ? sentence() : source[Mix64(n++) % source.size()];
          if (i == 2 && copy.size() > 12) copy.replace(1, 3, "edit");
          sentences.push_back(copy);
          if (i == 4) sentences.push_back(copy);
        } else {
          sentences.push_back(sentence());
        }
      }
      if (d % 25 == 0) sentences.push_back("Read more news from our wire.");
    }
    std::string text;
    for (const std::string& s : sentences) {
      absl::StrAppend(&text, text.empty() ? "" : " ", s);
    }
    articles.push_back(std::move(sentences));
    absl::StrAppend(&lines, "{\"id\":\"a", d, "\",\"date\":\"19",
                    10 + (count - d) % 90, "-01-01\",\"text\":\"", text,
                    "\"}\n");
  }
  return lines;
}

class StreamPassagesTest : public ::testing::TestWithParam<Case> {};

// At the passage level and at both levels, with band keys spilled to
// several runs, the streaming scan reports what the in-memory scan reports:
// clusters, boilerplate and overlaps, byte for byte, with the same counts.
TEST_P(StreamPassagesTest, ReportsWhatTheInMemoryScanReports) {
  TempDir dir;
  const std::string path = dir.Write("p.jsonl", PassageCorpus(3000));
  const absl::StatusOr<neardup::Corpus> corpus =
      ReadCorpus({path}, ReadOptions());
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  for (const Level level : {Level::kPassage, Level::kBoth}) {
    SCOPED_TRACE(LevelName(level));
    EngineOptions options;
    options.level = level;
    options.signature_bits = GetParam().signature_bits;
    options.passage.canonical = GetParam().canonical;
    options.document.canonical = GetParam().canonical;
    options.threads = GetParam().threads;
    const absl::StatusOr<ScanResult> expected =
        Scan(corpus->documents, options);
    ASSERT_TRUE(expected.ok()) << expected.status();
    const ScanStats& a = expected->stats;
    ASSERT_GT(a.passage.clusters, 500u);
    ASSERT_EQ(a.boilerplate_clusters, 1u);
    ASSERT_GT(a.short_passages, 1000u);
    ASSERT_GT(expected->overlaps.size(), 500u);

    const absl::StatusOr<StreamScanResult> streamed =
        StreamWithin64MiB(path, options, dir.path());
    ASSERT_TRUE(streamed.ok()) << streamed.status();
    EXPECT_GE(streamed->spill.band_runs, 2u);
    EXPECT_EQ(StreamReport(*streamed),
              ReportJsonLines(*expected, corpus->documents));
    const ScanStats& b = streamed->scan.stats;
    EXPECT_EQ(b.documents, 3000u);
    EXPECT_EQ(b.empty_documents, a.empty_documents);
    EXPECT_EQ(b.short_passages, a.short_passages);
    EXPECT_EQ(b.boilerplate_clusters, a.boilerplate_clusters);
    EXPECT_EQ(b.overlaps, a.overlaps);
    EXPECT_EQ(b.passage.items, a.passage.items);
    EXPECT_EQ(b.passage.distinct, a.passage.distinct);
    EXPECT_EQ(b.passage.candidates, a.passage.candidates);
    EXPECT_EQ(b.passage.pruned, a.passage.pruned);
    EXPECT_EQ(b.passage.verified, a.passage.verified);
    EXPECT_EQ(b.passage.clusters, a.passage.clusters);
    EXPECT_EQ(b.document.clusters, a.document.clusters);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Widths, StreamPassagesTest,
    ::testing::Values(Case{32, CanonicalPolicy::kLongest, 1},
                      Case{64, CanonicalPolicy::kCentral, 2},
                      Case{32, CanonicalPolicy::kEarliest, 2}));

// A page without punctuation is one passage of ~110 K distinct character
// 4-grams, more than the 65,535 a passage's size takes in the streaming
// scan's shingle store before it is looked up elsewhere. Two reprints of it
// (one word changed in each) and a third page are verified and clustered
// as in memory.
TEST(StreamLongPassagesTest, PassagesOfMoreThan65535ShinglesAreVerified) {
  uint64_t n = 0;
  std::string page;
  while (page.size() < 150000) {
    std::string word;
    for (uint64_t length = 3 + Mix64(n++) % 6; word.size() < length;) {
      word += static_cast<char>('a' + Mix64(n++) % 26);
    }
    absl::StrAppend(&page, page.empty() ? "" : " ", word);
  }
  const auto edited = [&](size_t at) {
    std::string copy = page;
    copy.replace(copy.find(' ', at) + 1, 3, "xyz");
    return copy;
  };
  std::string lines;
  const std::vector<std::string> texts = {page, edited(40000), edited(90000),
                                          page.substr(0, 60000)};
  for (size_t d = 0; d < texts.size(); ++d) {
    absl::StrAppend(&lines, "{\"id\":\"p", d, "\",\"text\":\"", texts[d],
                    "\"}\n");
  }
  TempDir dir;
  const std::string path = dir.Write("long.jsonl", lines);
  const absl::StatusOr<neardup::Corpus> corpus =
      ReadCorpus({path}, ReadOptions());
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  EngineOptions options;
  options.level = Level::kPassage;
  const absl::StatusOr<ScanResult> expected = Scan(corpus->documents, options);
  ASSERT_TRUE(expected.ok()) << expected.status();
  ASSERT_EQ(expected->stats.passage.clusters, 1u);
  ASSERT_EQ(expected->clusters[0].members.size(), 3u);

  const absl::StatusOr<StreamScanResult> streamed =
      StreamWithin64MiB(path, options, dir.path());
  ASSERT_TRUE(streamed.ok()) << streamed.status();
  EXPECT_EQ(StreamReport(*streamed),
            ReportJsonLines(*expected, corpus->documents));
  EXPECT_EQ(streamed->scan.stats.passage.verified,
            expected->stats.passage.verified);
}

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

  const absl::StatusOr<StreamScanResult> streamed =
      StreamWithin64MiB(path, options, dir.path());
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

TEST(StreamScanOptionsTest, TinyBudgetsAndMissingDirectoriesAreRefused) {
  TempDir dir;
  const std::string path = dir.Write("c.jsonl", Corpus(10));
  auto input = *DocumentStream::Open({path}, ReadOptions());
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
