// engine/report.h: the JSON lines neardup writes. These formats are a
// contract users parse; README.md ("The report") documents every field.
//
//   cluster:  {"level":"passage"|"document","cluster":N,"boilerplate":bool,
//              "canonical":MEMBER,"reason":"...","members":[MEMBER,...]}
//             MEMBER = {"doc":ID,"start":B,"end":B,"text":"...",
//                       "similarity":J}; document members carry
//             "bytes" and a "preview" instead of "text".
//   overlap:  {"level":"overlap","docs":[A,B],"shared_passages":N,
//              "fraction_a":F,"fraction_b":F,"earlier":ID|null}
//   decision: {"doc":ID,"source":"path:line","decision":"kept"|"dropped",
//              "duplicate_of":ID|null,"cluster":N|null,"similarity":J|null,
//              "bytes_in":B,"bytes_out":B,"removed":[{"start":B,"end":B,
//              "cluster":N,"similarity":J,"kept_start":B,"kept_end":B}]}
//             and {"decision":"skipped","reason":"path:line: ..."} for
//             input lines skipped with --skip_bad.
// Offsets are bytes of the document text as read (UTF-8, after repair of
// invalid sequences), end exclusive. Numbers print with 4 decimals.
//
// Thread safety: pure functions.

#ifndef NEARDUP_ENGINE_REPORT_H_
#define NEARDUP_ENGINE_REPORT_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/clean.h"
#include "engine/compare.h"
#include "engine/scan.h"
#include "io/reader.h"

namespace neardup {

// One cluster's line, ending in '\n', for a caller whose documents are not
// in memory (the streaming scan's store): `read_document(doc)` reads a
// member's document, once per run of members in the same document, so that
// one document is held at a time (a boilerplate cluster can have thousands
// of members). Returns the first error of reading.
absl::StatusOr<std::string> ClusterJsonLine(
    const Cluster& cluster,
    absl::FunctionRef<absl::StatusOr<Document>(uint32_t)> read_document);

// One overlap's line, ending in '\n'; `a` and `b` are the documents
// overlap.doc_a and overlap.doc_b.
std::string OverlapJsonLine(const Overlap& overlap, const Document& a,
                            const Document& b);

// One line per cluster, then one per overlap, each ending in '\n'. Built on
// `threads` threads; the text does not depend on it.
std::string ReportJsonLines(const ScanResult& scan,
                            absl::Span<const Document> documents,
                            int threads = 1);

// The same lines handed to `write` in order, a chunk of lines at a time as
// they are made, so that a report of any size takes a few chunks of memory
// (chronam1916 Q1's is 128 MB). `write` runs on one thread at a time, not
// always the caller's, while the next chunks are made. Stops at the first
// error `write` returns and returns it.
absl::Status WriteReportJsonLines(
    const ScanResult& scan, absl::Span<const Document> documents, int threads,
    absl::FunctionRef<absl::Status(absl::string_view)> write);

// The decision line for `documents[index]`, without a newline.
std::string DecisionJson(const CleanDecision& decision, size_t index,
                         absl::Span<const Document> documents,
                         size_t bytes_out);

// The same for a document not held in a span: `duplicate` is the document
// it lost to (decision.duplicate_of), or null.
std::string DecisionJson(const CleanDecision& decision,
                         const Document& document, const Document* duplicate,
                         size_t bytes_out);

// The decision line for an input line skipped with --skip_bad.
std::string SkippedJson(absl::string_view reason);

// The comparison of `a` and `b` as one JSON object, with a newline.
std::string ComparisonJson(const Comparison& comparison, const Document& a,
                           const Document& b);

}  // namespace neardup

#endif  // NEARDUP_ENGINE_REPORT_H_
