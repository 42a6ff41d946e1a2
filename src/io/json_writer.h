// io/json_writer.h: the JSON that neardup writes: escaped strings, and
// documents written back with their text replaced.
//
// Why: reports and cleaned corpora are contracts other programs parse, so
// escaping lives in one place. A cleaned JSONL document keeps every input
// field (values re-serialized compactly by simdjson) and only its text
// changes; a document that loses nothing is written back byte for byte.
//
// Example:
//   std::string line;
//   AppendJsonString(line, "say \"hi\"");   // "\"say \\\"hi\\\"\""
//   NEARDUP_ASSIGN_OR_RETURN(std::string out,
//                            DocumentJson(doc, new_text, options));
//
// Thread safety: pure functions.

#ifndef NEARDUP_IO_JSON_WRITER_H_
#define NEARDUP_IO_JSON_WRITER_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "io/reader.h"

namespace neardup {

// AppendJsonString()
//
// Appends `text` (valid UTF-8) to `out` as a quoted JSON string: quotes,
// backslashes and control characters escaped, other characters as they are.
void AppendJsonString(std::string& out, absl::string_view text);

// Preview()
//
// The first `max_bytes` of `text` (valid UTF-8) with whitespace runs folded
// to one space, cut at a character boundary and marked "..." when cut.
std::string Preview(absl::string_view text, size_t max_bytes);

// DocumentJson()
//
// One JSON line (no newline) for `doc` with its text replaced by `text`:
// for a JSONL document, all of its input fields in input order; for a text
// file, {"id": ..., "text": ...}. kInternal if a kept JSON line no longer
// parses (it parsed when read).
absl::StatusOr<std::string> DocumentJson(const Document& doc,
                                         absl::string_view text,
                                         const ReadOptions& options);

}  // namespace neardup

#endif  // NEARDUP_IO_JSON_WRITER_H_
