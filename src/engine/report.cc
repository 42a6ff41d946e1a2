#include "engine/report.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/parallel.h"
#include "base/status_macros.h"
#include "io/json_writer.h"

namespace neardup {
namespace {

constexpr size_t kPreviewBytes = 160;

void AppendNumber(std::string& out, double value) {
  absl::StrAppendFormat(&out, "%.4f", value);
}

void AppendMember(std::string& out, const Cluster& cluster,
                  const Member& member, const Document& doc) {
  out.append("{\"doc\":");
  AppendJsonString(out, doc.id);
  absl::StrAppend(&out, ",\"start\":", member.start, ",\"end\":", member.end);
  if (cluster.level == Level::kDocument) {
    absl::StrAppend(&out, ",\"bytes\":", member.end - member.start,
                    ",\"preview\":");
    AppendJsonString(out, Preview(doc.text, kPreviewBytes));
  } else {
    out.append(",\"text\":");
    AppendJsonString(out, absl::string_view(doc.text).substr(
                              member.start, member.end - member.start));
  }
  out.append(",\"similarity\":");
  AppendNumber(out, member.similarity);
  out.push_back('}');
}

// Calls `use` with document `doc`; returns the first error of reading it.
using WithDocument = absl::FunctionRef<absl::Status(
    uint32_t doc, absl::FunctionRef<void(const Document&)> use)>;

// Appends cluster `c`'s line to `out`, its members' documents passed in by
// `with_document`.
absl::Status AppendClusterLine(std::string& out, const Cluster& c,
                               WithDocument with_document) {
  absl::StrAppend(
      &out, "{\"level\":\"", LevelName(c.level), "\",\"cluster\":", c.id,
      ",\"boilerplate\":", c.boilerplate ? "true" : "false", ",\"canonical\":");
  const Member& canonical = c.members[c.canonical];
  NEARDUP_RETURN_IF_ERROR(with_document(
      canonical.doc,
      [&](const Document& doc) { AppendMember(out, c, canonical, doc); }));
  out.append(",\"reason\":");
  AppendJsonString(out, c.reason);
  out.append(",\"members\":[");
  for (size_t i = 0; i < c.members.size(); ++i) {
    if (i > 0) out.push_back(',');
    NEARDUP_RETURN_IF_ERROR(with_document(
        c.members[i].doc,
        [&](const Document& doc) { AppendMember(out, c, c.members[i], doc); }));
  }
  out.append("]}\n");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> ClusterJsonLine(
    const Cluster& cluster,
    absl::FunctionRef<absl::StatusOr<Document>(uint32_t)> read_document) {
  std::string out;
  std::optional<Document> held;  // the document read last
  uint32_t held_doc = 0;
  NEARDUP_RETURN_IF_ERROR(AppendClusterLine(
      out, cluster,
      [&](uint32_t doc,
          absl::FunctionRef<void(const Document&)> use) -> absl::Status {
        if (!held.has_value() || held_doc != doc) {
          held.reset();
          NEARDUP_ASSIGN_OR_RETURN(held, read_document(doc));
          held_doc = doc;
        }
        use(*held);
        return absl::OkStatus();
      }));
  return out;
}

std::string OverlapJsonLine(const Overlap& o, const Document& a,
                            const Document& b) {
  std::string out = "{\"level\":\"overlap\",\"docs\":[";
  AppendJsonString(out, a.id);
  out.push_back(',');
  AppendJsonString(out, b.id);
  absl::StrAppend(&out, "],\"shared_passages\":", o.shared_passages,
                  ",\"fraction_a\":");
  AppendNumber(out, o.fraction_a);
  out.append(",\"fraction_b\":");
  AppendNumber(out, o.fraction_b);
  out.append(",\"earlier\":");
  if (o.earlier.has_value()) {
    AppendJsonString(out, *o.earlier == o.doc_a ? a.id : b.id);
  } else {
    out.append("null");
  }
  out.append("}\n");
  return out;
}

absl::Status WriteReportJsonLines(
    const ScanResult& scan, absl::Span<const Document> documents, int threads,
    absl::FunctionRef<absl::Status(absl::string_view)> write) {
  constexpr size_t kChunk = 1024;
  const size_t lines = scan.clusters.size() + scan.overlaps.size();
  const size_t chunks = (lines + kChunk - 1) / kChunk;
  const auto make_chunk = [&](size_t chunk, std::string& out) {
    out.clear();
    const size_t end = std::min(lines, (chunk + 1) * kChunk);
    for (size_t line = chunk * kChunk; line < end; ++line) {
      if (line < scan.clusters.size()) {
        // Documents in memory: reading one cannot fail.
        AppendClusterLine(
            out, scan.clusters[line],
            [&](uint32_t doc, absl::FunctionRef<void(const Document&)> use) {
              use(documents[doc]);
              return absl::OkStatus();
            })
            .IgnoreError();
        continue;
      }
      const Overlap& o = scan.overlaps[line - scan.clusters.size()];
      out.append(OverlapJsonLine(o, documents[o.doc_a], documents[o.doc_b]));
    }
  };
  // Chunks are made a batch at a time on all threads, and while one batch
  // is made, one of the workers writes the batch before it. The strings
  // keep their capacity from batch to batch.
  const size_t batch_size = 4 * ParallelWorkers(chunks, threads);
  std::vector<std::string> making(batch_size), writing(batch_size);
  size_t to_write = 0;
  absl::Status status;
  for (size_t first = 0; first < chunks || to_write > 0; first += batch_size) {
    const size_t to_make =
        first < chunks ? std::min(batch_size, chunks - first) : 0;
    ParallelFor(1 + to_make, threads, [&](size_t task) {
      if (task > 0) {
        make_chunk(first + task - 1, making[task - 1]);
        return;
      }
      for (size_t i = 0; i < to_write && status.ok(); ++i) {
        status = write(writing[i]);
      }
    });
    NEARDUP_RETURN_IF_ERROR(status);
    making.swap(writing);
    to_write = to_make;
  }
  return absl::OkStatus();
}

std::string ReportJsonLines(const ScanResult& scan,
                            absl::Span<const Document> documents, int threads) {
  std::string out;
  WriteReportJsonLines(scan, documents, threads, [&](absl::string_view text) {
    out.append(text.data(), text.size());
    return absl::OkStatus();
  }).IgnoreError();  // appending cannot fail
  return out;
}

std::string DecisionJson(const CleanDecision& decision, size_t index,
                         absl::Span<const Document> documents,
                         size_t bytes_out) {
  return DecisionJson(decision, documents[index],
                      decision.duplicate_of.has_value()
                          ? &documents[*decision.duplicate_of]
                          : nullptr,
                      bytes_out);
}

std::string DecisionJson(const CleanDecision& decision, const Document& doc,
                         const Document* duplicate, size_t bytes_out) {
  std::string out = "{\"doc\":";
  AppendJsonString(out, doc.id);
  out.append(",\"source\":");
  AppendJsonString(out, doc.source);
  absl::StrAppend(&out, ",\"decision\":\"", decision.kept ? "kept" : "dropped",
                  "\",\"duplicate_of\":");
  if (duplicate != nullptr) {
    AppendJsonString(out, duplicate->id);
  } else {
    out.append("null");
  }
  out.append(",\"cluster\":");
  if (decision.cluster != 0) {
    absl::StrAppend(&out, decision.cluster);
  } else {
    out.append("null");
  }
  out.append(",\"similarity\":");
  if (decision.duplicate_of.has_value()) {
    AppendNumber(out, decision.similarity);
  } else {
    out.append("null");
  }
  absl::StrAppend(&out, ",\"bytes_in\":", doc.text.size(),
                  ",\"bytes_out\":", bytes_out, ",\"removed\":[");
  for (size_t i = 0; i < decision.removed.size(); ++i) {
    const RemovedPassage& r = decision.removed[i];
    if (i > 0) out.push_back(',');
    absl::StrAppend(&out, "{\"start\":", r.start, ",\"end\":", r.end,
                    ",\"cluster\":", r.cluster, ",\"similarity\":");
    AppendNumber(out, r.similarity);
    absl::StrAppend(&out, ",\"kept_start\":", r.kept_start,
                    ",\"kept_end\":", r.kept_end, "}");
  }
  out.append("]}");
  return out;
}

std::string SkippedJson(absl::string_view reason) {
  std::string out = "{\"decision\":\"skipped\",\"reason\":";
  AppendJsonString(out, reason);
  out.push_back('}');
  return out;
}

std::string ComparisonJson(const Comparison& comparison, const Document& a,
                           const Document& b) {
  std::string out = "{\"a\":";
  AppendJsonString(out, a.id);
  out.append(",\"b\":");
  AppendJsonString(out, b.id);
  out.append(",\"jaccard\":");
  AppendNumber(out, comparison.jaccard);
  out.append(",\"containment_a_in_b\":");
  AppendNumber(out, comparison.containment_a);
  out.append(",\"containment_b_in_a\":");
  AppendNumber(out, comparison.containment_b);
  out.append(",\"shared\":[");
  for (size_t i = 0; i < comparison.shared.size(); ++i) {
    const SharedPassage& p = comparison.shared[i];
    if (i > 0) out.push_back(',');
    absl::StrAppend(&out, "{\"a_start\":", p.a_start, ",\"a_end\":", p.a_end,
                    ",\"b_start\":", p.b_start, ",\"b_end\":", p.b_end,
                    ",\"similarity\":");
    AppendNumber(out, p.similarity);
    out.append(",\"a_text\":");
    AppendJsonString(
        out, absl::string_view(a.text).substr(p.a_start, p.a_end - p.a_start));
    out.append(",\"b_text\":");
    AppendJsonString(
        out, absl::string_view(b.text).substr(p.b_start, p.b_end - p.b_start));
    out.push_back('}');
  }
  out.append("]}\n");
  return out;
}

}  // namespace neardup
