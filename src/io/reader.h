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
// Compressed input is read with zlib; a truncated or corrupt .gz is an error
// (kDataLoss), never a partial read.
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
// Thread safety: ReadCorpus may be called concurrently (reading stdin aside).

#ifndef NEARDUP_IO_READER_H_
#define NEARDUP_IO_READER_H_

#include <cstddef>
#include <cstdint>
#include <istream>
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

// ReadJsonLines()
//
// Reads JSON lines from `in`, naming them `name` in messages, and appends
// the documents and counts to `corpus`. Same errors as ReadCorpus().
absl::Status ReadJsonLines(std::istream& in, absl::string_view name,
                           const ReadOptions& options, Corpus& corpus);

}  // namespace neardup

#endif  // NEARDUP_IO_READER_H_
