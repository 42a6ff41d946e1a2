// neardup_generate: writes a news corpus with known near-duplicates and its
// gold, from real articles (see generator.h for what it generates).
//
//   neardup_generate SOURCES... --output_dir DIR [--edit_rate 0.1]
//       [--target_bytes 5e9] [--seed 1]
//
// DIR receives corpus.jsonl and three gold files for `neardup eval`:
// gold_documents.jsonl (families: copies of one story),
// gold_passages.jsonl (families and pasted pairs: documents that share
// text) and gold_spans.jsonl (pasted and repeated passages as byte spans).
// Family lines name their "original": recall is of original-copy pairs.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "engine/options.h"
#include "engine/scan.h"
#include "io/json_writer.h"
#include "io/reader.h"
#include "tools/generate/generator.h"

ABSL_FLAG(std::string, output_dir, "", "Where the corpus and gold go.");
ABSL_FLAG(std::string, text_field, "text", "JSONL field of the source text.");
ABSL_FLAG(uint64_t, seed, 1, "Random seed.");
ABSL_FLAG(double, family_fraction, 0.3, "Originals that get reprints.");
ABSL_FLAG(int, max_reprints, 4, "Most reprints per family.");
ABSL_FLAG(double, edit_rate, 0.1, "Share of a reprint's words substituted.");
ABSL_FLAG(double, trim_fraction, 0.3,
          "Reprints cut to their first paragraphs.");
ABSL_FLAG(double, ocr_fraction, 0.2, "Reprints given OCR-like noise.");
ABSL_FLAG(double, ocr_rate, 0.01,
          "Share of look-alike letters (e->c, m->rn, ...) altered in noisy "
          "reprints.");
ABSL_FLAG(double, paste_fraction, 0.05,
          "Singletons that donate a passage to the next singleton.");
ABSL_FLAG(double, repeat_fraction, 0.05,
          "Singletons with a sentence repeated, lightly reworded.");
ABSL_FLAG(bool, dedupe_sources, true,
          "Skip sources that neardup finds sharing text with an earlier one "
          "(loose settings), so that the gold lists every duplicate.");
ABSL_FLAG(double, target_bytes, 0,
          "Approximate corpus size; past the sources, originals are "
          "synthesized. 0: each source once.");

namespace neardup {
namespace {

// A gold cluster line; `original`, when not empty, names the member the
// others are copies of.
void AppendIds(std::string& out, const std::vector<std::string>& ids,
               absl::string_view original) {
  out.append("{\"members\":[");
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(out, ids[i]);
  }
  out.push_back(']');
  if (!original.empty()) {
    out.append(",\"original\":");
    AppendJsonString(out, original);
  }
  out.append("}\n");
}

void AppendSpan(std::string& out, const GoldSpan& span) {
  out.append("{\"doc\":");
  AppendJsonString(out, span.doc);
  absl::StrAppend(&out, ",\"start\":", span.start, ",\"end\":", span.end, "}");
}

class FileSink : public GeneratorSink {
 public:
  explicit FileSink(const std::filesystem::path& dir)
      : corpus_(dir / "corpus.jsonl", std::ios::binary),
        documents_(dir / "gold_documents.jsonl", std::ios::binary),
        passages_(dir / "gold_passages.jsonl", std::ios::binary),
        spans_(dir / "gold_spans.jsonl", std::ios::binary) {}

  absl::Status Document(const GeneratedDocument& d) override {
    line_.clear();
    line_.append("{\"id\":");
    AppendJsonString(line_, d.id);
    line_.append(",\"text\":");
    AppendJsonString(line_, d.text);
    absl::StrAppendFormat(&line_,
                          ",\"role\":\"%s\",\"family\":%d,\"trimmed\":%s,"
                          "\"edit_rate\":%.4f}\n",
                          d.role, d.family, d.trimmed ? "true" : "false",
                          d.edit_rate);
    corpus_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
    ++documents_written_;
    bytes_written_ += d.text.size();
    return corpus_ ? absl::OkStatus()
                   : absl::DataLossError("corpus.jsonl: write failed");
  }

  absl::Status Family(const std::vector<std::string>& members) override {
    line_.clear();
    AppendIds(line_, members, members.front());
    passages_ << line_;
    documents_ << line_;
    ++families_;
    return absl::OkStatus();
  }

  absl::Status SharedPassage(const GoldSpan& a, const GoldSpan& b) override {
    line_.assign("{\"members\":[");
    AppendSpan(line_, a);
    line_.push_back(',');
    AppendSpan(line_, b);
    line_.append("]}\n");
    spans_ << line_;
    if (a.doc != b.doc) {
      line_.clear();
      AppendIds(line_, {a.doc, b.doc}, "");
      passages_ << line_;
    }
    ++shared_;
    return absl::OkStatus();
  }

  absl::Status Close() {
    for (std::ofstream* out : {&corpus_, &documents_, &passages_, &spans_}) {
      out->close();
      if (!*out) return absl::DataLossError("cannot write the output");
    }
    std::cerr << absl::StrFormat(
        "neardup_generate: %d documents (%.1f MB of text), %d families, %d "
        "shared passages\n",
        documents_written_, static_cast<double>(bytes_written_) / 1e6,
        families_, shared_);
    return absl::OkStatus();
  }

 private:
  std::ofstream corpus_, documents_, passages_, spans_;
  std::string line_;
  size_t documents_written_ = 0, bytes_written_ = 0, families_ = 0, shared_ = 0;
};

// Sources in a document or passage cluster with an earlier source, found
// with loose thresholds, so that the sources share no text the gold does not
// list.
absl::StatusOr<std::vector<bool>> SourcesToSkip(
    absl::Span<const Document> sources) {
  EngineOptions options;
  options.document.threshold = 0.5;
  options.passage.threshold = 0.4;
  options.threads =
      std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  NEARDUP_ASSIGN_OR_RETURN(const ScanResult scan, Scan(sources, options));
  std::vector<bool> skip(sources.size(), false);
  for (const Cluster& cluster : scan.clusters) {
    if (cluster.boilerplate) continue;  // never counted as shared text
    uint32_t first = cluster.members.front().doc;
    for (const Member& m : cluster.members) first = std::min(first, m.doc);
    for (const Member& m : cluster.members) {
      if (m.doc != first) skip[m.doc] = true;
    }
  }
  return skip;
}

absl::Status Run(const std::vector<std::string>& paths) {
  const std::string dir = absl::GetFlag(FLAGS_output_dir);
  if (dir.empty()) return absl::InvalidArgumentError("--output_dir is needed");
  if (paths.empty()) return absl::InvalidArgumentError("no SOURCES given");
  GeneratorOptions options;
  options.seed = absl::GetFlag(FLAGS_seed);
  options.family_fraction = absl::GetFlag(FLAGS_family_fraction);
  options.max_reprints = absl::GetFlag(FLAGS_max_reprints);
  options.edit_rate = absl::GetFlag(FLAGS_edit_rate);
  options.trim_fraction = absl::GetFlag(FLAGS_trim_fraction);
  options.ocr_fraction = absl::GetFlag(FLAGS_ocr_fraction);
  options.ocr_rate = absl::GetFlag(FLAGS_ocr_rate);
  options.paste_fraction = absl::GetFlag(FLAGS_paste_fraction);
  options.repeat_fraction = absl::GetFlag(FLAGS_repeat_fraction);
  options.target_bytes =
      static_cast<uint64_t>(std::max(0.0, absl::GetFlag(FLAGS_target_bytes)));
  NEARDUP_RETURN_IF_ERROR(options.Validate());

  ReadOptions read_options;
  read_options.text_field = absl::GetFlag(FLAGS_text_field);
  NEARDUP_ASSIGN_OR_RETURN(Corpus corpus, ReadCorpus(paths, read_options));
  std::vector<bool> skip(corpus.documents.size(), false);
  if (absl::GetFlag(FLAGS_dedupe_sources)) {
    NEARDUP_ASSIGN_OR_RETURN(skip, SourcesToSkip(corpus.documents));
  }
  std::vector<std::string> sources;
  sources.reserve(corpus.documents.size());
  for (size_t i = 0; i < corpus.documents.size(); ++i) {
    if (!skip[i]) sources.push_back(std::move(corpus.documents[i].text));
  }
  std::cerr << absl::StrFormat(
      "neardup_generate: %d sources, %d skipped as sharing text with an "
      "earlier one\n",
      corpus.documents.size(), corpus.documents.size() - sources.size());
  corpus.documents.clear();

  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::PermissionDeniedError(
        absl::StrCat(dir, ": cannot create (", error.message(), ")"));
  }
  FileSink sink(dir);
  NEARDUP_RETURN_IF_ERROR(GenerateCorpus(sources, options, sink));
  return sink.Close();
}

}  // namespace
}  // namespace neardup

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "neardup_generate SOURCES... --output_dir DIR: a corpus with known "
      "near-duplicates and its gold (see --help).");
  const std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  const std::vector<std::string> paths(args.begin() + 1, args.end());
  const absl::Status status = neardup::Run(paths);
  if (!status.ok()) {
    std::cerr << "neardup_generate: " << status.message() << "\n";
    return status.code() == absl::StatusCode::kInvalidArgument ? 1 : 2;
  }
  return 0;
}
