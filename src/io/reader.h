// io/reader.h: reads a corpus of documents from files, directories and stdin.
//
// Why: every run starts by turning user files into documents, and every
// input document must be accounted for: read, or skipped with a counted
// reason the user asked for, never lost silently. Errors name the file and
// line ("corpus/a.jsonl:17: ...") so a user can fix the input.
//
// Inputs:
//   - `*.txt`: one document per file; its id is the path relative to the
//     directory that was scanned (or the path as given, for a file argument).
//   - `*.jsonl`, `*.jsonl.gz`: one JSON object per line; `id_field`,
//     `text_field` and `date_field` name the fields (the id may be a string
//     or a number; a missing id becomes "path:line"; blank lines are not
//     documents). The line itself is kept so that `clean` can write it back
//     with all of its fields.
//   - `-`: JSON lines from standard input.
//   - a directory: every *.txt, *.jsonl and *.jsonl.gz below it, in sorted
//     path order; other files are ignored.
// Compressed input is inflated whole with libdeflate (the fastest way), or
// with zlib in pieces when `whole_files` is off (DocumentStream for corpora
// larger than memory); a truncated or corrupt .gz is an error (kDataLoss),
// never a partial read.
//
// Invalid UTF-8 is repaired (U+FFFD) and counted per document, or with
// `strict_utf8` is an error. A malformed JSON line (or, with `strict_utf8`,
// one with invalid UTF-8) is an error
// (kInvalidArgument, "path:line: reason") unless `skip_bad`, which counts it
// and keeps its reason.
//
// Example:
//   ReadOptions options;
//   NEARDUP_ASSIGN_OR_RETURN(Corpus corpus, ReadCorpus({"corpus"}, options));
//
//   // Or a batch at a time, for input larger than memory:
//   options.whole_files = false;
//   NEARDUP_ASSIGN_OR_RETURN(auto in, DocumentStream::Open(paths, options));
//   std::vector<Document> batch;
//   for (;;) {
//     NEARDUP_ASSIGN_OR_RETURN(size_t n, in->Next(64 << 20, batch));
//     if (n == 0) break;
//     ... use batch, then batch.clear() ...
//   }
//
// Thread safety: ReadCorpus may be called concurrently (reading stdin aside);
// a DocumentStream is used by one thread at a time.

#ifndef NEARDUP_IO_READER_H_
#define NEARDUP_IO_READER_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace neardup {

struct Document {
  std::string id;
  std::string text;     // valid UTF-8 (repaired if need be)
  std::string date;     // from date_field; empty if absent
  std::string source;   // "path" or "path:line", for messages
  std::string json;     // the input line of a JSONL document; else empty
  size_t repaired = 0;  // invalid UTF-8 sequences replaced in `text`
};

struct ReadOptions {
  std::string id_field = "id";
  std::string text_field = "text";
  std::string date_field = "date";
  bool strict_utf8 = false;  // invalid UTF-8 is an error, not repaired
  bool skip_bad = false;     // malformed JSON lines are counted, not fatal
  // Inflate and hold each JSONL file whole before parsing it (fastest), or
  // read it in pieces of a few MB so that memory stays small however large
  // the file.
  bool whole_files = true;
  // Keep each JSONL line in Document::json (clean writes it back with all of
  // its fields); a scan does not need it.
  bool keep_json = true;
  // Threads that parse the JSON lines read so far (inflating stays on one);
  // the documents, errors and counts do not depend on it.
  int threads = 1;
};

// What happened to input that did not become a document as it was.
struct ReadReport {
  size_t files = 0;
  uint64_t bytes = 0;                     // uncompressed bytes read
  size_t skipped = 0;                     // malformed lines skipped (skip_bad)
  std::vector<std::string> skip_reasons;  // "path:line: reason", each one
  size_t repaired_documents = 0;  // documents with invalid UTF-8 repaired
};

struct Corpus {
  std::vector<Document> documents;
  ReadReport report;
};

// ReadCorpus()
//
// Reads every path in `paths` (files, directories, or "-") in the order
// given. kNotFound for a missing path; kInvalidArgument for a file of an
// unknown kind named directly, a malformed line or (strict) invalid UTF-8;
// kDataLoss for a truncated or corrupt compressed file.
absl::StatusOr<Corpus> ReadCorpus(absl::Span<const std::string> paths,
                                  const ReadOptions& options);

namespace internal {
class ByteSource;  // a plain file, a gzip file, stdin or bytes in memory
class LineParser;  // parses one JSON line into a Document
}  // namespace internal

// DocumentStream
//
// The documents ReadCorpus() would read, in the same order with the same
// errors, a batch at a time.
class DocumentStream {
 public:
  // Checks that every path exists and is of a known kind and lists
  // directories; files are opened as they are reached. Same errors as
  // ReadCorpus().
  static absl::StatusOr<std::unique_ptr<DocumentStream>> Open(
      absl::Span<const std::string> paths, const ReadOptions& options);
  ~DocumentStream();
  DocumentStream(const DocumentStream&) = delete;
  DocumentStream& operator=(const DocumentStream&) = delete;

  // Appends documents to `batch` until those appended hold at least
  // `max_bytes` of text or the input ends; returns how many were appended
  // (0: the input is exhausted).
  absl::StatusOr<size_t> Next(size_t max_bytes, std::vector<Document>& batch);

  // Counts so far (files, bytes, skipped lines, repairs).
  const ReadReport& report() const { return report_; }

 private:
  enum class Kind { kText, kJsonLines, kStdin };
  struct Input {
    std::string path;
    std::string id;  // for a .txt file
    Kind kind;
  };

  explicit DocumentStream(const ReadOptions& options);
  absl::Status OpenLines(const Input& input);
  // The next line of the open JSONL input (without '\n'); false at its end.
  absl::StatusOr<bool> NextLine(absl::string_view& line);
  // The next line if the buffer holds all of it; false, reading nothing,
  // otherwise.
  bool NextBufferedLine(absl::string_view& line);
  // A line and what parsing it gave.
  struct ParsedLine {
    absl::string_view line;             // in buffer_
    size_t number = 0;                  // 1-based, in its file
    absl::StatusOr<Document> document;  // set by ParseLines()
  };
  // Parses `lines` on options_.threads threads, a contiguous share of their
  // bytes each.
  void ParseLines(std::vector<ParsedLine>& lines);
  absl::StatusOr<Document> ParseLine(internal::LineParser& parser,
                                     absl::string_view line,
                                     size_t number) const;

  ReadOptions options_;
  std::vector<Input> inputs_;
  size_t next_input_ = 0;
  ReadReport report_;
  // The JSONL input being read: its name, unread bytes and lines so far.
  std::unique_ptr<internal::ByteSource> source_;
  std::string name_;
  std::string buffer_;
  size_t position_ = 0;  // first unread byte of buffer_
  size_t scanned_ = 0;   // bytes of buffer_ known to hold no '\n'
  bool source_done_ = false;
  size_t line_number_ = 0;
  std::vector<std::unique_ptr<internal::LineParser>> parsers_;  // a thread's
  std::vector<ParsedLine> lines_;                               // being parsed
};

}  // namespace neardup

#endif  // NEARDUP_IO_READER_H_
