#include "io/reader.h"

#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "base/status_macros.h"
#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/test_files.h"

namespace neardup {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Ids(const Corpus& corpus) {
  std::vector<std::string> ids;
  for (const Document& d : corpus.documents) ids.push_back(d.id);
  return ids;
}

TEST(ReaderTest, DirectoryGivesTextFilesSortedWithRelativeIds) {
  TempDir dir;
  dir.Write("b.txt", "second");
  dir.Write("a.txt", "first");
  dir.Write("sub/c.txt", "third");
  dir.Write("notes.md", "ignored");
  const Corpus corpus = *ReadCorpus({dir.path()}, ReadOptions());
  EXPECT_THAT(Ids(corpus), ElementsAre("a.txt", "b.txt", "sub/c.txt"));
  EXPECT_EQ(corpus.documents[0].text, "first");
  EXPECT_EQ(corpus.report.files, 3u);
}

TEST(ReaderTest, JsonLinesFieldsIdsDatesAndMissingIds) {
  TempDir dir;
  const std::string path =
      dir.Write("d.jsonl",
                "{\"id\":\"x1\",\"text\":\"hello\",\"date\":\"2024-09-19\"}\n"
                "\n"
                "{\"id\":42,\"text\":\"numeric id\"}\n"
                "{\"body\":\"custom\",\"text\":\"no id\"}\n");
  const Corpus corpus = *ReadCorpus({path}, ReadOptions());
  EXPECT_THAT(Ids(corpus), ElementsAre("x1", "42", path + ":4"));
  EXPECT_EQ(corpus.documents[0].date, "2024-09-19");
  EXPECT_EQ(corpus.documents[1].source, path + ":3");

  ReadOptions custom;
  custom.text_field = "body";
  EXPECT_THAT(ReadCorpus({path}, custom).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(path + ":1: no string field 'body'")));
}

TEST(ReaderTest, MalformedLineStopsWithPathAndLine) {
  TempDir dir;
  const std::string path =
      dir.Write("bad.jsonl", "{\"text\":\"ok\"}\n{\"text\": oops}\n[1]\n");
  EXPECT_THAT(ReadCorpus({path}, ReadOptions()).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(path + ":2: malformed JSON")));
}

TEST(ReaderTest, SkipBadCountsEveryMalformedLine) {
  TempDir dir;
  const std::string path = dir.Write(
      "bad.jsonl", "{\"text\":\"ok\"}\n{\"text\": oops}\n[1]\n{\"text\":7}\n");
  ReadOptions options;
  options.skip_bad = true;
  const Corpus corpus = *ReadCorpus({path}, options);
  EXPECT_EQ(corpus.documents.size(), 1u);
  EXPECT_EQ(corpus.report.skipped, 3u);
  EXPECT_THAT(corpus.report.skip_reasons,
              ElementsAre(HasSubstr(":2: malformed JSON"),
                          HasSubstr(":3: expected a JSON object"),
                          HasSubstr(":4: no string field 'text'")));
}

TEST(ReaderTest, InvalidUtf8IsRepairedAndCountedOrRejectedWhenStrict) {
  TempDir dir;
  const std::string txt = dir.Write("bad.txt", "caf\xe9 ok");
  const std::string jsonl =
      dir.Write("bad.jsonl", "{\"text\":\"caf\xe9\"}\n{\"text\":\"fine\"}\n");
  const Corpus corpus = *ReadCorpus({txt, jsonl}, ReadOptions());
  ASSERT_EQ(corpus.documents.size(), 3u);
  EXPECT_EQ(corpus.documents[0].text, "caf\xEF\xBF\xBD ok");
  EXPECT_EQ(corpus.documents[0].repaired, 1u);
  EXPECT_EQ(corpus.documents[1].text, "caf\xEF\xBF\xBD");
  EXPECT_EQ(corpus.report.repaired_documents, 2u);

  ReadOptions strict;
  strict.strict_utf8 = true;
  EXPECT_THAT(ReadCorpus({jsonl}, strict).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(jsonl + ":1: invalid UTF-8 at byte 12")));
  // Strict and skip_bad: the rejected line is counted, the rest is read.
  strict.skip_bad = true;
  const Corpus skipped = *ReadCorpus({jsonl}, strict);
  EXPECT_EQ(skipped.documents.size(), 1u);
  EXPECT_THAT(skipped.report.skip_reasons,
              ElementsAre(HasSubstr(":1: invalid UTF-8 at byte 12")));
}

TEST(ReaderTest, EmptyDocumentsAreKept) {
  TempDir dir;
  const std::string path = dir.Write("e.jsonl", "{\"text\":\"\"}\n");
  dir.Write("empty/e.txt", "");
  EXPECT_EQ(ReadCorpus({path}, ReadOptions())->documents.size(), 1u);
  EXPECT_EQ(
      ReadCorpus({dir.path() + "/empty"}, ReadOptions())->documents.size(), 1u);
}

TEST(ReaderTest, ReadsGzipAndRejectsTruncatedGzip) {
  TempDir dir;
  std::string lines;
  for (int i = 0; i < 2000; ++i) {
    lines += "{\"id\":\"" + std::to_string(i) + "\",\"text\":\"line " +
             std::to_string(i * 7919) + "\"}\n";
  }
  const std::string good = dir.WriteGzip("good.jsonl.gz", lines);
  EXPECT_EQ(ReadCorpus({good}, ReadOptions())->documents.size(), 2000u);
  const std::string cut = dir.WriteGzip("cut.jsonl.gz", lines, 400);
  EXPECT_THAT(ReadCorpus({cut}, ReadOptions()).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr(cut)));
}

// `cat a.gz b.gz` is a valid gzip file of two members; the second member's
// size (the trailer's hint) is smaller than the input, so the buffer grows.
TEST(ReaderTest, ReadsEveryMemberOfConcatenatedGzip) {
  TempDir dir;
  std::string first, second;
  for (int i = 0; i < 3000; ++i) {
    first += "{\"id\":\"a" + std::to_string(i) + "\",\"text\":\"one " +
             std::to_string(i * 31) + "\"}\n";
  }
  second = "{\"id\":\"b\",\"text\":\"last\"}\n";
  const auto read = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)),
                       std::istreambuf_iterator<char>());
  };
  const std::string both =
      read(dir.WriteGzip("1.gz", first)) + read(dir.WriteGzip("2.gz", second));
  const absl::StatusOr<Corpus> corpus =
      ReadCorpus({dir.Write("both.jsonl.gz", both)}, ReadOptions());
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  ASSERT_EQ(corpus->documents.size(), 3001u);
  EXPECT_EQ(corpus->documents.back().id, "b");
  EXPECT_EQ(corpus->report.bytes, first.size() + second.size());
}

TEST(ReaderTest, MissingPathAndUnknownKindAreErrors) {
  TempDir dir;
  EXPECT_THAT(ReadCorpus({dir.path() + "/nope"}, ReadOptions()).status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nope")));
  const std::string csv = dir.Write("x.csv", "a,b");
  EXPECT_THAT(ReadCorpus({csv}, ReadOptions()).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown input kind")));
}

// Reads `paths` with a DocumentStream in batches of about `batch_bytes`.
absl::StatusOr<std::vector<Document>> Stream(
    const std::vector<std::string>& paths, ReadOptions options,
    size_t batch_bytes, size_t* batches = nullptr) {
  options.whole_files = false;
  NEARDUP_ASSIGN_OR_RETURN(std::unique_ptr<DocumentStream> stream,
                           DocumentStream::Open(paths, options));
  std::vector<Document> all;
  for (;;) {
    std::vector<Document> batch;
    NEARDUP_ASSIGN_OR_RETURN(const size_t added,
                             stream->Next(batch_bytes, batch));
    if (added == 0) break;
    if (batches != nullptr) ++*batches;
    for (Document& d : batch) all.push_back(std::move(d));
  }
  return all;
}

// Lines longer in total than the reader's 1 MB pieces, so that lines cross
// piece boundaries; gzip-compressed in two members.
TEST(DocumentStreamTest, BatchesMatchWholeReadAcrossPiecesAndGzipMembers) {
  TempDir dir;
  std::string first, second;
  for (int i = 0; i < 60000; ++i) {
    std::string& lines = i < 40000 ? first : second;
    lines += "{\"id\":\"d" + std::to_string(i) + "\",\"text\":\"words " +
             std::to_string(i * 7919) + " and more words to fill a line\"}\n";
  }
  const auto read = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)),
                       std::istreambuf_iterator<char>());
  };
  const std::string gz =
      dir.Write("both.jsonl.gz", read(dir.WriteGzip("1.gz", first)) +
                                     read(dir.WriteGzip("2.gz", second)));
  const std::string plain = dir.Write("plain.jsonl", first + second);
  const Corpus whole = *ReadCorpus({plain}, ReadOptions());
  ASSERT_EQ(whole.documents.size(), 60000u);
  for (const std::string& path : {plain, gz}) {
    size_t batches = 0;
    const absl::StatusOr<std::vector<Document>> streamed =
        Stream({path}, ReadOptions(), 100000, &batches);
    ASSERT_TRUE(streamed.ok()) << streamed.status();
    ASSERT_EQ(streamed->size(), whole.documents.size()) << path;
    EXPECT_GT(batches, 20u);
    for (size_t i = 0; i < streamed->size(); i += 997) {
      EXPECT_EQ((*streamed)[i].id, whole.documents[i].id);
      EXPECT_EQ((*streamed)[i].text, whole.documents[i].text);
    }
    EXPECT_EQ(streamed->back().source, path + ":60000");
  }
}

TEST(DocumentStreamTest, StreamedGzipErrorsMatchWholeRead) {
  TempDir dir;
  std::string lines;
  for (int i = 0; i < 2000; ++i) {
    lines += "{\"text\":\"line " + std::to_string(i * 7919) + "\"}\n";
  }
  const std::string cut = dir.WriteGzip("cut.jsonl.gz", lines, 400);
  EXPECT_THAT(Stream({cut}, ReadOptions(), 1000).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr(cut)));
  const std::string bad = dir.Write("bad.jsonl", "{\"text\":\"ok\"}\n{oops\n");
  EXPECT_THAT(Stream({bad}, ReadOptions(), 1).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(bad + ":2: malformed JSON")));
}

// Lines parsed on several threads give the documents, batches, skips,
// repairs and first error that one thread gives: lines of very different
// lengths (so that the threads' shares differ), blank and CRLF lines,
// malformed lines, invalid UTF-8 (repaired to more bytes than the line's),
// integer and missing ids, and a last line without a newline.
TEST(DocumentStreamTest, ParsingOnSeveralThreadsReadsWhatOneThreadReads) {
  TempDir dir;
  std::string lines;
  for (int i = 0; i < 3000; ++i) {
    if (i % 97 == 5) {
      lines += "{broken " + std::to_string(i) + "\n";
    } else if (i % 89 == 7) {
      lines += "  \n";
    } else if (i % 83 == 3) {
      // Repaired, its text is longer than its line: a batch fills up
      // before the lines gathered for it are all taken.
      lines += "{\"id\":" + std::to_string(i) + ",\"text\":\"bad " +
               std::string(600, '\xff') + "\"}\r\n";
    } else {
      const std::string text(static_cast<size_t>(1 + (i * 7919) % 4000),
                             static_cast<char>('a' + i % 26));
      lines += (i % 2 ? "{\"id\":\"d" + std::to_string(i) + "\"," : "{") +
               "\"text\":\"" + text + "\",\"date\":\"1916\"}\n";
    }
  }
  lines += "{\"text\":\"last\"}";
  const std::string path = dir.Write("mixed.jsonl", lines);

  struct Read {
    std::vector<size_t> batches;
    std::vector<Document> documents;
    ReadReport report;
    absl::Status status;
  };
  const auto read = [&](int threads, bool skip_bad, size_t batch_bytes) {
    ReadOptions options;
    options.threads = threads;
    options.skip_bad = skip_bad;
    options.whole_files = batch_bytes == 0;
    Read out;
    std::unique_ptr<DocumentStream> stream =
        *DocumentStream::Open({path}, options);
    for (;;) {
      std::vector<Document> batch;
      const absl::StatusOr<size_t> added = stream->Next(
          batch_bytes == 0 ? std::numeric_limits<size_t>::max() : batch_bytes,
          batch);
      if (!added.ok()) {
        out.status = added.status();
        break;
      }
      if (*added == 0) break;
      out.batches.push_back(*added);
      for (Document& d : batch) out.documents.push_back(std::move(d));
    }
    out.report = stream->report();
    return out;
  };
  // One thread, the whole file at once: nothing is put back for a later
  // batch.
  const Read whole = read(1, true, 0);
  ASSERT_TRUE(whole.status.ok()) << whole.status;
  ASSERT_GT(whole.report.skipped, 20u);
  ASSERT_GT(whole.report.repaired_documents, 20u);
  ASSERT_EQ(whole.documents.back().text, "last");
  for (const size_t batch_bytes : {size_t{0}, size_t{1}, size_t{30000}}) {
    SCOPED_TRACE(batch_bytes);
    std::vector<size_t> one_thread_batches;
    for (const int threads : {1, 2, 3, 8}) {
      SCOPED_TRACE(threads);
      const Read r = read(threads, true, batch_bytes);
      ASSERT_TRUE(r.status.ok()) << r.status;
      EXPECT_EQ(r.report.skip_reasons, whole.report.skip_reasons);
      EXPECT_EQ(r.report.repaired_documents, whole.report.repaired_documents);
      ASSERT_EQ(r.documents.size(), whole.documents.size());
      for (size_t i = 0; i < whole.documents.size(); ++i) {
        const Document& a = whole.documents[i];
        const Document& b = r.documents[i];
        ASSERT_EQ(std::tie(a.id, a.text, a.date, a.source, a.repaired),
                  std::tie(b.id, b.text, b.date, b.source, b.repaired))
            << i;
      }
      // A batch stops at the first document that brings its text to
      // batch_bytes.
      size_t first = 0;
      for (size_t b = 0; b + 1 < r.batches.size() && batch_bytes > 0; ++b) {
        size_t bytes = 0;
        for (size_t i = first; i + 1 < first + r.batches[b]; ++i) {
          bytes += r.documents[i].text.size() + 1;
        }
        EXPECT_LT(bytes, batch_bytes) << b;
        bytes += r.documents[first + r.batches[b] - 1].text.size() + 1;
        EXPECT_GE(bytes, batch_bytes) << b;
        first += r.batches[b];
      }
      if (threads == 1) one_thread_batches = r.batches;
      EXPECT_EQ(r.batches, one_thread_batches);
      EXPECT_EQ(read(threads, false, batch_bytes).status,
                read(1, false, batch_bytes).status);
    }
  }
  EXPECT_THAT(read(3, false, 0).status,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(path + ":6: malformed JSON")));
}

TEST(DocumentStreamTest, KeepsTheJsonLineOnlyWhenAsked) {
  TempDir dir;
  const std::string path = dir.Write("a.jsonl", "{\"text\":\"ok\",\"x\":1}\n");
  EXPECT_EQ((*Stream({path}, ReadOptions(), 1))[0].json,
            "{\"text\":\"ok\",\"x\":1}");
  ReadOptions no_json;
  no_json.keep_json = false;
  EXPECT_EQ((*Stream({path}, no_json, 1))[0].json, "");
}

}  // namespace
}  // namespace neardup
