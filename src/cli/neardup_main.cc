// neardup: finds near-duplicate documents and passages, and cleans corpora.
//
// This file only turns flags into engine options, runs one command and maps
// a Status to an exit code: 0 success, 1 bad command line, 2 input or I/O
// error ("neardup: path:line: reason" on stderr). Results go to stdout or
// --output; the summary goes to stderr.

#if defined(__linux__)
#include <sys/prctl.h>
#endif
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/release.h"
#include "base/status_macros.h"
#include "engine/clean.h"
#include "engine/compare.h"
#include "engine/options.h"
#include "engine/report.h"
#include "engine/scan.h"
#include "engine/stream_scan.h"
#include "eval/evaluate.h"
#include "eval/gold.h"
#include "io/json_writer.h"
#include "io/reader.h"

ABSL_FLAG(std::string, output, "",
          "Write the report (scan), the cleaned corpus (clean) or the "
          "comparison (compare) to this file instead of stdout.");
ABSL_FLAG(std::string, decisions, "",
          "clean: write one JSON line per input document (kept, dropped or "
          "skipped, and every passage cut) to this file.");
ABSL_FLAG(std::string, level, "both",
          "What to look for: document, passage or both.");
ABSL_FLAG(std::string, doc_shingle, "word:5",
          "Document-level shingles: word:N or char:N.");
ABSL_FLAG(std::string, passage_shingle, "char:4",
          "Passage-level (sentence) shingles: word:N or char:N.");
ABSL_FLAG(double, doc_threshold, 0.7,
          "Exact Jaccard two documents must reach to be duplicates.");
ABSL_FLAG(double, passage_threshold, 0.52,
          "Exact Jaccard two passages must reach to be duplicates.");
ABSL_FLAG(std::string, doc_canonical, "longest",
          "Which document of a cluster to keep: longest, earliest (by "
          "--date_field) or central (most similar to the others).");
ABSL_FLAG(std::string, passage_canonical, "longest",
          "Which passage of a cluster is canonical: longest, earliest or "
          "central.");
ABSL_FLAG(int, num_perm, 128, "MinHash permutations per signature.");
ABSL_FLAG(int, signature_bits, 32,
          "Width of MinHash values: 32 (faster, half the memory) or 64.");
ABSL_FLAG(int, bands, 0,
          "LSH bands, overriding the choice from the threshold (both levels; "
          "set --rows too).");
ABSL_FLAG(int, rows, 0, "LSH rows per band (with --bands).");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the MinHash permutations.");
ABSL_FLAG(int, threads, 0, "Worker threads; 0 means all cores.");
ABSL_FLAG(int, min_passage_words, 4,
          "Sentences with fewer words are not compared (but can still be "
          "boilerplate).");
ABSL_FLAG(int, boilerplate_docs, 50,
          "An identical sentence in at least this many documents is reported "
          "as boilerplate.");
ABSL_FLAG(bool, skip_headers, true,
          "Leave a leading block of mail/Usenet header lines (three or more "
          "\"Name: value\" lines, then a blank line) out of fingerprints.");
ABSL_FLAG(std::string, id_field, "id", "JSONL field holding the document id.");
ABSL_FLAG(std::string, text_field, "text", "JSONL field holding the text.");
ABSL_FLAG(std::string, date_field, "date",
          "JSONL field holding an ISO-8601 date (for --*_canonical=earliest "
          "and overlaps' \"earlier\").");
ABSL_FLAG(bool, strict, false, "Reject invalid UTF-8 instead of repairing it.");
ABSL_FLAG(bool, skip_bad, false,
          "Skip malformed JSONL lines (counted and reported) instead of "
          "stopping.");
ABSL_FLAG(bool, explain, false,
          "Print the LSH bands x rows and candidate probabilities to stderr.");
ABSL_FLAG(bool, quiet, false, "No summary or progress on stderr.");
ABSL_FLAG(std::string, progress, "auto",
          "A progress line on stderr (stage, documents, MB/s, ETA): on, off, "
          "or auto (on when stderr is a terminal).");
ABSL_FLAG(std::string, gold, "",
          "eval: the gold standard: JSON lines of {\"members\": [...]} "
          "clusters (ids or {doc,start,end} spans), or a .tsv of labelled "
          "pairs (id1, id2, label).");
ABSL_FLAG(int, examples, 10,
          "eval: how many of the worst false positives and false negatives "
          "to list per level.");
ABSL_FLAG(std::string, format, "table", "eval: table (for a person) or json.");
ABSL_FLAG(std::string, memory, "",
          "scan, clean: stream a corpus larger than memory within this "
          "budget (bytes, 500M, 2G, or 10% of physical memory), with scratch "
          "files in --tmp_dir; the output is the in-memory run's.");
ABSL_FLAG(std::string, tmp_dir, "",
          "Directory for scratch files with --memory; default $TMPDIR, else "
          "/tmp. Needs about the corpus size free at document level, about "
          "13 times it with passages.");

namespace neardup {
namespace {

constexpr char kUsage[] = R"(neardup: near-duplicate passages and documents.

Usage:
  neardup [scan] [PATH...] [--output FILE]
      Report clusters of near-duplicate documents and passages (within and
      across documents), each with a canonical member and the reason, and the
      document pairs that share passages, as JSON lines.
  neardup clean [PATH...] --output FILE --decisions FILE
      Write the corpus back as JSONL without duplicate documents and with
      repeated passages inside a document cut to one; record every decision.
  neardup eval [PATH...] --gold FILE [--format table|json]
      Scan, then score the result against a gold standard: pair precision,
      recall and F1, Adjusted Rand Index and B-cubed, and the worst false
      positives and negatives with their texts.
  neardup compare A B
      The passages two documents (files, or one JSONL file with two lines)
      share, with their similarity and each document's containment in the
      other.

PATH is a .txt file (one document), a .jsonl or .jsonl.gz file (one document
per line), a directory (searched recursively) or - for JSON lines on stdin.
With no PATH, scans corpus/.

Exit status: 0 success; 1 bad command line (also --help); 2 input or I/O
error, reported as "neardup: path:line: reason".)";

// --threads, or every core when it is 0.
int Threads() {
  const int threads = absl::GetFlag(FLAGS_threads);
  return threads > 0
             ? threads
             : std::max(1,
                        static_cast<int>(std::thread::hardware_concurrency()));
}

absl::StatusOr<EngineOptions> OptionsFromFlags() {
  EngineOptions options;
  NEARDUP_ASSIGN_OR_RETURN(options.level,
                           ParseLevel(absl::GetFlag(FLAGS_level)));
  NEARDUP_ASSIGN_OR_RETURN(
      options.document.shingle,
      ShingleSpec::Parse(absl::GetFlag(FLAGS_doc_shingle)));
  NEARDUP_ASSIGN_OR_RETURN(
      options.passage.shingle,
      ShingleSpec::Parse(absl::GetFlag(FLAGS_passage_shingle)));
  options.document.threshold = absl::GetFlag(FLAGS_doc_threshold);
  options.passage.threshold = absl::GetFlag(FLAGS_passage_threshold);
  NEARDUP_ASSIGN_OR_RETURN(
      options.document.canonical,
      ParseCanonicalPolicy(absl::GetFlag(FLAGS_doc_canonical)));
  NEARDUP_ASSIGN_OR_RETURN(
      options.passage.canonical,
      ParseCanonicalPolicy(absl::GetFlag(FLAGS_passage_canonical)));
  options.num_perm = absl::GetFlag(FLAGS_num_perm);
  options.signature_bits = absl::GetFlag(FLAGS_signature_bits);
  const LshParams lsh{absl::GetFlag(FLAGS_bands), absl::GetFlag(FLAGS_rows)};
  options.document.lsh = lsh;
  options.passage.lsh = lsh;
  options.seed = absl::GetFlag(FLAGS_seed);
  options.threads = Threads();
  options.min_passage_words = absl::GetFlag(FLAGS_min_passage_words);
  options.skip_headers = absl::GetFlag(FLAGS_skip_headers);
  const int boilerplate = absl::GetFlag(FLAGS_boilerplate_docs);
  options.boilerplate_min_docs =
      boilerplate > 0 ? static_cast<size_t>(boilerplate) : 0;
  NEARDUP_RETURN_IF_ERROR(options.Validate());
  return options;
}

ReadOptions ReadOptionsFromFlags() {
  ReadOptions options;
  options.id_field = absl::GetFlag(FLAGS_id_field);
  options.text_field = absl::GetFlag(FLAGS_text_field);
  options.date_field = absl::GetFlag(FLAGS_date_field);
  options.strict_utf8 = absl::GetFlag(FLAGS_strict);
  options.skip_bad = absl::GetFlag(FLAGS_skip_bad);
  options.threads = Threads();
  return options;
}

// The default input: corpus/ here, else the source tree's.
std::vector<std::string> DefaultPaths() {
  if (std::filesystem::is_directory("corpus")) return {"corpus"};
  return {std::string(NEARDUP_SOURCE_DIR) + "/corpus"};
}

// Writes `text` to --output, or stdout.
absl::Status WriteOutput(const std::string& path, absl::string_view text) {
  if (path.empty()) {
    std::cout.write(text.data(), static_cast<std::streamsize>(text.size()));
    std::cout.flush();
    return std::cout ? absl::OkStatus()
                     : absl::DataLossError("stdout: write failed");
  }
  std::ofstream out(path, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out)
    return absl::PermissionDeniedError(absl::StrCat(path, ": cannot write"));
  return absl::OkStatus();
}

// --output written as a stream: the file it names, or stdout when it is
// empty. Check() and Finish() report a failed write with the name.
class Output {
 public:
  explicit Output(std::string path) : path_(std::move(path)) {
    if (!path_.empty()) file_.open(path_, std::ios::binary);
  }
  std::ostream& stream() { return path_.empty() ? std::cout : file_; }
  absl::Status Check() {
    if (stream()) return absl::OkStatus();
    return absl::PermissionDeniedError(
        absl::StrCat(path_.empty() ? "stdout" : path_, ": cannot write"));
  }
  absl::Status Finish() {
    stream().flush();
    return Check();
  }

 private:
  std::string path_;
  std::ofstream file_;
};

class Summary {
 public:
  Summary() : start_(std::chrono::steady_clock::now()) {}

  void Line(absl::string_view text) { absl::StrAppend(&text_, text, "\n"); }

  void Print() {
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
            .count();
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const double cpu =
        static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
        static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) /
            1e6;
    absl::StrAppendFormat(
        &text_, "  %.2f s wall, %.2f s CPU, peak RSS %.1f MiB\n", wall, cpu,
        static_cast<double>(usage.ru_maxrss) / 1024.0);
    if (!absl::GetFlag(FLAGS_quiet)) std::cerr << text_;
  }

 private:
  std::chrono::steady_clock::time_point start_;
  std::string text_;
};

// The progress line: rewritten in place at most five times a second, erased
// when the run ends.
class ProgressLine {
 public:
  explicit ProgressLine(uint64_t total_bytes)
      : total_bytes_(total_bytes), start_(std::chrono::steady_clock::now()) {}
  ~ProgressLine() {
    if (shown_) std::cerr << "\r\033[K" << std::flush;
  }

  void Update(const Progress& p) {
    const auto now = std::chrono::steady_clock::now();
    const bool new_stage = p.stage != stage_;
    if (!new_stage && now - last_ < std::chrono::milliseconds(200)) return;
    stage_ = std::string(p.stage);
    last_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    std::string line = absl::StrCat("neardup: ", p.stage);
    if (p.total > 0) {
      const double share =
          static_cast<double>(p.done) / static_cast<double>(p.total);
      const double megabytes = share * static_cast<double>(total_bytes_) / 1e6;
      absl::StrAppendFormat(&line, " %d/%d documents, %.1f MB/s", p.done,
                            p.total, elapsed > 0 ? megabytes / elapsed : 0.0);
      if (share > 0 && share < 1) {
        absl::StrAppendFormat(&line, ", ETA %.0f s",
                              elapsed * (1 - share) / share);
      }
    }
    if (p.total == 0 && p.done > 0) {  // streaming: the total is unknown
      absl::StrAppendFormat(&line, " %d documents, %.0f/s", p.done,
                            elapsed > 0 ? p.done / elapsed : 0.0);
    }
    absl::StrAppendFormat(&line, " (%.0f s)", elapsed);
    std::cerr << "\r\033[K" << line << std::flush;
    shown_ = true;
  }

 private:
  uint64_t total_bytes_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
  std::string stage_;
  bool shown_ = false;
};

// Whether --progress (and --quiet) ask for a progress line.
bool WantProgress() {
  const std::string mode = absl::GetFlag(FLAGS_progress);
  if (absl::GetFlag(FLAGS_quiet) || mode == "off") return false;
  return mode == "on" || isatty(STDERR_FILENO);
}

// Scan with a progress line if asked for.
absl::StatusOr<ScanResult> ScanWithProgress(const Corpus& corpus,
                                            EngineOptions options) {
  std::optional<ProgressLine> line;
  if (WantProgress()) {
    line.emplace(corpus.report.bytes);
    options.progress = [&line](const Progress& p) { line->Update(p); };
  }
  return Scan(corpus.documents, options);
}

void DescribeRead(size_t documents, const ReadReport& r, Summary& summary) {
  summary.Line(absl::StrFormat(
      "neardup: %d documents read from %d files (%.1f MB); %d lines skipped, "
      "%d documents with invalid UTF-8 repaired",
      documents, r.files, static_cast<double>(r.bytes) / 1e6, r.skipped,
      r.repaired_documents));
  for (const std::string& reason : r.skip_reasons) {
    summary.Line(absl::StrCat("  skipped ", reason));
  }
}

void DescribeScan(const ScanResult& scan, const EngineOptions& options,
                  Summary& summary) {
  const ScanStats& s = scan.stats;
  if (options.documents()) {
    summary.Line(absl::StrFormat(
        "  documents: %d fingerprinted (%d empty), %d distinct, %d candidate "
        "pairs (%d dropped by their MinHash estimate), %d verified, %d "
        "clusters [%s, J>=%.2f, %dx%d LSH]",
        s.document.items, s.empty_documents, s.document.distinct,
        s.document.candidates, s.document.pruned, s.document.verified,
        s.document.clusters, options.document.shingle.ToString(),
        options.document.threshold, s.document.lsh.bands, s.document.lsh.rows));
  }
  if (options.passages()) {
    summary.Line(absl::StrFormat(
        "  passages: %d fingerprinted (%d shorter than %d words), %d distinct, "
        "%d candidate pairs (%d dropped by their MinHash estimate), %d "
        "verified, %d clusters, %d boilerplate, %d oversized LSH buckets [%s, "
        "J>=%.2f, %dx%d LSH]",
        s.passage.items, s.short_passages, options.min_passage_words,
        s.passage.distinct, s.passage.candidates, s.passage.pruned,
        s.passage.verified, s.passage.clusters, s.boilerplate_clusters,
        s.passage.oversized_buckets, options.passage.shingle.ToString(),
        options.passage.threshold, s.passage.lsh.bands, s.passage.lsh.rows));
    summary.Line(absl::StrFormat("  overlaps: %d document pairs share passages",
                                 s.overlaps));
  }
}

// Reads the corpus in memory; each document's JSON line is kept only when
// `keep_json` (clean writes it back).
absl::StatusOr<Corpus> Read(const std::vector<std::string>& paths,
                            Summary& summary, bool keep_json) {
  ReadOptions read_options = ReadOptionsFromFlags();
  read_options.keep_json = keep_json;
  NEARDUP_ASSIGN_OR_RETURN(Corpus corpus, ReadCorpus(paths, read_options));
  DescribeRead(corpus.documents.size(), corpus.report, summary);
  return corpus;
}

absl::Status RunScan(const std::vector<std::string>& paths,
                     const EngineOptions& options) {
  Summary summary;
  NEARDUP_ASSIGN_OR_RETURN(const Corpus corpus,
                           Read(paths, summary, /*keep_json=*/false));
  NEARDUP_ASSIGN_OR_RETURN(const ScanResult scan,
                           ScanWithProgress(corpus, options));
  Output out(absl::GetFlag(FLAGS_output));
  NEARDUP_RETURN_IF_ERROR(WriteReportJsonLines(
      scan, corpus.documents, options.threads, [&](absl::string_view text) {
        out.stream().write(text.data(),
                           static_cast<std::streamsize>(text.size()));
        return out.Check();
      }));
  NEARDUP_RETURN_IF_ERROR(out.Finish());
  DescribeScan(scan, options, summary);
  summary.Print();
  return absl::OkStatus();
}

// --memory and --tmp_dir.
absl::StatusOr<SpillOptions> SpillOptionsFromFlags() {
  SpillOptions spill;
  const uint64_t physical = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) *
                            static_cast<uint64_t>(sysconf(_SC_PAGE_SIZE));
  NEARDUP_ASSIGN_OR_RETURN(
      spill.memory_bytes,
      ParseMemoryBudget(absl::GetFlag(FLAGS_memory), physical));
  spill.tmp_dir = absl::GetFlag(FLAGS_tmp_dir);
  if (spill.tmp_dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    spill.tmp_dir = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  }
  return spill;
}

// The streaming scan of `paths` within --memory, with a progress line.
absl::StatusOr<StreamScanResult> StreamScanWithProgress(
    const std::vector<std::string>& paths, EngineOptions options,
    const SpillOptions& spill) {
  ReadOptions read_options = ReadOptionsFromFlags();
  read_options.whole_files = false;
  read_options.keep_json = false;
  NEARDUP_ASSIGN_OR_RETURN(std::unique_ptr<DocumentStream> input,
                           DocumentStream::Open(paths, read_options));
  std::optional<ProgressLine> line;
  if (WantProgress()) {
    line.emplace(0);
    options.progress = [&line](const Progress& p) { line->Update(p); };
  }
  return ScanStream(*input, options, spill);
}

void DescribeSpill(const SpillOptions& spill, const SpillStats& s,
                   Summary& summary) {
  summary.Line(absl::StrFormat(
      "  streamed within %.0f MB: %d batches, %d sorted runs of band keys, "
      "%.1f MB of scratch files in %s; %d candidate components verified "
      "(largest: %d distinct texts)",
      static_cast<double>(spill.memory_bytes) / 1e6, s.batches, s.band_runs,
      static_cast<double>(s.scratch_bytes) / 1e6, spill.tmp_dir,
      s.components.count, s.components.largest));
}

// scan --memory: the streaming scan; the report is written a line at a
// time, its documents read back from the scratch store.
absl::Status RunStreamScan(const std::vector<std::string>& paths,
                           const EngineOptions& options) {
  Summary summary;
  NEARDUP_ASSIGN_OR_RETURN(const SpillOptions spill, SpillOptionsFromFlags());
  NEARDUP_ASSIGN_OR_RETURN(const StreamScanResult result,
                           StreamScanWithProgress(paths, options, spill));
  Output output(absl::GetFlag(FLAGS_output));
  std::ostream& out = output.stream();
  NEARDUP_RETURN_IF_ERROR(result.clusters->ForEach([&](const Cluster& c) {
    NEARDUP_ASSIGN_OR_RETURN(const std::string line,
                             ClusterJsonLine(c, [&](uint32_t doc) {
                               return result.documents->Get(doc);
                             }));
    out << line;
    return absl::OkStatus();
  }));
  NEARDUP_RETURN_IF_ERROR(result.overlaps->ForEach([&](const Overlap& o) {
    NEARDUP_ASSIGN_OR_RETURN(const Document a, result.documents->Get(o.doc_a));
    NEARDUP_ASSIGN_OR_RETURN(const Document b, result.documents->Get(o.doc_b));
    out << OverlapJsonLine(o, a, b);
    return absl::OkStatus();
  }));
  NEARDUP_RETURN_IF_ERROR(output.Finish());
  DescribeRead(result.scan.stats.documents, result.read, summary);
  DescribeScan(result.scan, options, summary);
  DescribeSpill(spill, result.spill, summary);
  summary.Print();
  return absl::OkStatus();
}

// What clean tallies as it writes documents.
struct CleanTally {
  size_t kept = 0, dropped = 0, cuts = 0;
};

// The JSON line clean writes for `doc` under decision `d`, or "" when the
// document is dropped; `bytes_out` gets the size of the text kept.
absl::StatusOr<std::string> CleanedLine(const Document& doc,
                                        const CleanDecision& d,
                                        const ReadOptions& read_options,
                                        CleanTally& tally, size_t& bytes_out) {
  bytes_out = 0;
  if (!d.kept) {
    ++tally.dropped;
    return std::string();
  }
  ++tally.kept;
  tally.cuts += d.removed.size();
  const std::string text = ApplyRemovals(doc.text, d.removed);
  bytes_out = text.size();
  return DocumentJson(doc, text, read_options);
}

void DescribeClean(size_t documents, size_t skipped, const CleanTally& tally,
                   Summary& summary) {
  summary.Line(absl::StrFormat(
      "  clean: %d read = %d kept + %d dropped + %d skipped; %d repeated "
      "passages cut from kept documents",
      documents + skipped, tally.kept, tally.dropped, skipped, tally.cuts));
}

// clean --memory: the streaming scan, then a second pass over the input
// that writes each document as it comes, so that nothing is held whole.
absl::Status RunStreamClean(const std::vector<std::string>& paths,
                            const EngineOptions& options) {
  Summary summary;
  for (const std::string& path : paths) {
    if (path == "-") {
      return absl::InvalidArgumentError(
          "clean --memory reads its input twice; it cannot read stdin (-)");
    }
  }
  NEARDUP_ASSIGN_OR_RETURN(const SpillOptions spill, SpillOptionsFromFlags());
  NEARDUP_ASSIGN_OR_RETURN(const StreamScanResult result,
                           StreamScanWithProgress(paths, options, spill));
  const DocumentStore& store = *result.documents;
  absl::Status date_status;
  TouchedDecisions decisions(options);
  NEARDUP_RETURN_IF_ERROR(result.clusters->ForEach([&](const Cluster& c) {
    decisions.Add(c,
                  [&](uint32_t doc) { return store.DateOr(doc, date_status); });
    return absl::OkStatus();
  }));
  NEARDUP_RETURN_IF_ERROR(date_status);
  const absl::flat_hash_map<uint32_t, CleanDecision> touched =
      decisions.Finish();

  Output output(absl::GetFlag(FLAGS_output));
  std::ostream& out = output.stream();
  const std::string decisions_path = absl::GetFlag(FLAGS_decisions);
  std::ofstream decisions_file;
  if (!decisions_path.empty()) {
    decisions_file.open(decisions_path, std::ios::binary);
  }
  ReadOptions read_options = ReadOptionsFromFlags();
  read_options.whole_files = false;
  NEARDUP_ASSIGN_OR_RETURN(std::unique_ptr<DocumentStream> input,
                           DocumentStream::Open(paths, read_options));
  const CleanDecision untouched;
  const auto input_changed = [&] {
    return absl::DataLossError(
        absl::StrCat("the input changed between clean's two passes: it held ",
                     store.size(), " documents"));
  };
  std::vector<Document> batch;
  size_t index = 0;
  CleanTally tally;
  for (;;) {
    batch.clear();
    NEARDUP_ASSIGN_OR_RETURN(const size_t n,
                             input->Next(size_t{16} << 20, batch));
    if (n == 0) break;
    for (const Document& doc : batch) {
      if (index >= store.size()) return input_changed();
      const auto it = touched.find(static_cast<uint32_t>(index));
      const CleanDecision& d = it == touched.end() ? untouched : it->second;
      size_t bytes_out = 0;
      NEARDUP_ASSIGN_OR_RETURN(
          const std::string line,
          CleanedLine(doc, d, read_options, tally, bytes_out));
      if (!line.empty()) out << line << '\n';
      if (!decisions_path.empty()) {
        std::optional<Document> duplicate;
        if (d.duplicate_of.has_value()) {
          NEARDUP_ASSIGN_OR_RETURN(duplicate, store.Get(*d.duplicate_of));
        }
        decisions_file << DecisionJson(d, doc,
                                       duplicate ? &*duplicate : nullptr,
                                       bytes_out)
                       << '\n';
      }
      ++index;
    }
  }
  if (index != store.size()) return input_changed();
  if (!decisions_path.empty()) {
    for (const std::string& reason : input->report().skip_reasons) {
      decisions_file << SkippedJson(reason) << '\n';
    }
  }
  NEARDUP_RETURN_IF_ERROR(output.Finish());
  decisions_file.close();
  if (!decisions_path.empty() && !decisions_file) {
    return absl::PermissionDeniedError(
        absl::StrCat(decisions_path, ": cannot write"));
  }
  DescribeRead(result.scan.stats.documents, result.read, summary);
  DescribeScan(result.scan, options, summary);
  DescribeSpill(spill, result.spill, summary);
  DescribeClean(index, result.read.skipped, tally, summary);
  summary.Print();
  return absl::OkStatus();
}

absl::Status RunClean(const std::vector<std::string>& paths,
                      const EngineOptions& options) {
  Summary summary;
  const ReadOptions read_options = ReadOptionsFromFlags();
  NEARDUP_ASSIGN_OR_RETURN(const Corpus corpus,
                           Read(paths, summary, /*keep_json=*/true));
  NEARDUP_ASSIGN_OR_RETURN(const ScanResult scan,
                           ScanWithProgress(corpus, options));
  const std::vector<CleanDecision> decisions =
      DecideClean(corpus.documents, scan, options);
  std::string cleaned, record;
  CleanTally tally;
  for (size_t i = 0; i < decisions.size(); ++i) {
    const CleanDecision& d = decisions[i];
    size_t bytes_out = 0;
    NEARDUP_ASSIGN_OR_RETURN(
        const std::string line,
        CleanedLine(corpus.documents[i], d, read_options, tally, bytes_out));
    if (!line.empty()) absl::StrAppend(&cleaned, line, "\n");
    absl::StrAppend(&record, DecisionJson(d, i, corpus.documents, bytes_out),
                    "\n");
  }
  for (const std::string& reason : corpus.report.skip_reasons) {
    absl::StrAppend(&record, SkippedJson(reason), "\n");
  }
  NEARDUP_RETURN_IF_ERROR(WriteOutput(absl::GetFlag(FLAGS_output), cleaned));
  const std::string decisions_path = absl::GetFlag(FLAGS_decisions);
  if (!decisions_path.empty()) {
    NEARDUP_RETURN_IF_ERROR(WriteOutput(decisions_path, record));
  }
  DescribeScan(scan, options, summary);
  DescribeClean(corpus.documents.size(), corpus.report.skipped, tally, summary);
  summary.Print();
  return absl::OkStatus();
}

absl::Status RunCompare(const std::vector<std::string>& paths,
                        const EngineOptions& options) {
  Summary summary;
  NEARDUP_ASSIGN_OR_RETURN(const Corpus corpus,
                           Read(paths, summary, /*keep_json=*/false));
  if (corpus.documents.size() != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("compare needs exactly two documents; the inputs hold ",
                     corpus.documents.size()));
  }
  const Document& a = corpus.documents[0];
  const Document& b = corpus.documents[1];
  NEARDUP_ASSIGN_OR_RETURN(const Comparison comparison, Compare(a, b, options));
  NEARDUP_RETURN_IF_ERROR(WriteOutput(absl::GetFlag(FLAGS_output),
                                      ComparisonJson(comparison, a, b)));
  summary.Line(absl::StrFormat(
      "  %d shared passage pairs; Jaccard %.3f; %.1f%% of A in B, %.1f%% of B "
      "in A",
      comparison.shared.size(), comparison.jaccard,
      100 * comparison.containment_a, 100 * comparison.containment_b));
  summary.Print();
  return absl::OkStatus();
}

absl::Status RunEval(const std::vector<std::string>& paths,
                     const EngineOptions& options) {
  Summary summary;
  NEARDUP_ASSIGN_OR_RETURN(const Gold gold,
                           ReadGold(absl::GetFlag(FLAGS_gold)));
  NEARDUP_ASSIGN_OR_RETURN(const Corpus corpus,
                           Read(paths, summary, /*keep_json=*/false));
  NEARDUP_ASSIGN_OR_RETURN(const ScanResult scan,
                           ScanWithProgress(corpus, options));
  EvalOptions eval_options;
  eval_options.examples = static_cast<size_t>(absl::GetFlag(FLAGS_examples));
  NEARDUP_ASSIGN_OR_RETURN(
      const Evaluation evaluation,
      Evaluate(corpus.documents, scan, gold, options, eval_options));
  NEARDUP_RETURN_IF_ERROR(
      WriteOutput(absl::GetFlag(FLAGS_output),
                  absl::GetFlag(FLAGS_format) == "json"
                      ? EvaluationJson(evaluation, corpus.documents)
                      : EvaluationTable(evaluation, corpus.documents)));
  DescribeScan(scan, options, summary);
  summary.Print();
  return absl::OkStatus();
}

// An in-memory run writes most of what it allocates once, and page faults
// took a third of a document-level scan of BBC News (5 MB) on a 4 KiB page
// each. glibc puts its heap on transparent huge pages, grown 64 MiB at a
// time, with the tunables glibc.malloc.hugetlb=1 and glibc.malloc.top_pad
// (no mallopt() does it, and top_pad alone gained nothing): BBC 46.8 ->
// 38.6 ms, the first 1,000 chronam pages 188 -> 154 ms, both levels of
// chronam1916 Q1 unchanged (docs/performance_history.md, "Third stop of
// 2026-11-24"). glibc reads tunables only at start-up, so the program
// executes itself again, once, with them set (2.7 ms). Not when GLIBC_TUNABLES
// is set (a user's own setting, even empty, wins, and the second start finds it
// set), nor LD_PRELOAD (another allocator, or valgrind, which would not follow
// the restart), nor under AddressSanitizer, nor with --memory, whose budget the
// 64 MiB steps overran (chronam within 100M peaked at 102-104 MiB). Returns
// only if it did not restart. The restarted program takes back its name:
// executed as /proc/self/exe, the kernel names it "exe", and ps, top, pgrep
// and pkill would not find "neardup".
void RestartWithHugePageHeap(char** argv) {
#if defined(__linux__) && defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
  constexpr char kTunables[] =
      "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864";
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables != nullptr) {
    if (std::strcmp(tunables, kTunables) == 0 && argv[0] != nullptr) {
      // The name a start from argv[0]'s path would have had (the kernel
      // keeps 15 bytes of it).
      prctl(PR_SET_NAME,
            std::filesystem::path(argv[0]).filename().string().c_str());
    }
    return;
  }
  if (std::getenv("LD_PRELOAD") != nullptr ||
      setenv("GLIBC_TUNABLES", kTunables, 0) != 0) {
    return;
  }
  execv("/proc/self/exe", argv);
  unsetenv("GLIBC_TUNABLES");  // could not restart: run as started
#else
  (void)argv;
#endif
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  absl::FlagsUsageConfig config;
  config.version_string = [] { return std::string("neardup 0.1.0\n"); };
  absl::SetFlagsUsageConfig(config);
  const std::vector<char*> args = absl::ParseCommandLine(argc, argv);

  std::string command = "scan";
  std::vector<std::string> paths;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string arg = args[i];
    if (i == 1 && (arg == "scan" || arg == "clean" || arg == "compare" ||
                   arg == "eval")) {
      command = arg;
    } else {
      paths.push_back(arg);
    }
  }
  if (command == "compare" && paths.empty()) {
    std::cerr << "neardup: compare needs two documents (see --help)\n";
    return 1;
  }
  if (paths.empty()) paths = DefaultPaths();
  const std::string progress = absl::GetFlag(FLAGS_progress);
  if (progress != "on" && progress != "off" && progress != "auto") {
    std::cerr << "neardup: --progress must be on, off or auto\n";
    return 1;
  }
  if (!absl::GetFlag(FLAGS_memory).empty() && command != "scan" &&
      command != "clean") {
    std::cerr << "neardup: --memory works with scan and clean\n";
    return 1;
  }
  if (command == "eval") {
    const std::string format = absl::GetFlag(FLAGS_format);
    const char* problem =
        absl::GetFlag(FLAGS_gold).empty() ? "eval needs --gold FILE"
        : format != "table" && format != "json"
            ? "--format must be table or json"
        : absl::GetFlag(FLAGS_examples) < 0 ? "--examples must be >= 0"
                                            : nullptr;
    if (problem != nullptr) {
      std::cerr << "neardup: " << problem << "\n";
      return 1;
    }
  }

  absl::StatusOr<EngineOptions> options = OptionsFromFlags();
  if (!options.ok()) {
    std::cerr << "neardup: " << options.status().message() << "\n";
    return 1;
  }
  const bool streaming = !absl::GetFlag(FLAGS_memory).empty();
  if (streaming) {
    KeepLargeBuffersOutOfTheHeap();
  } else {
    RestartWithHugePageHeap(argv);
  }
  if (absl::GetFlag(FLAGS_explain)) {
    absl::StatusOr<std::string> explanation = ExplainLsh(*options);
    if (explanation.ok()) std::cerr << *explanation;
  }
  absl::Status status = command == "clean"
                            ? (streaming ? RunStreamClean(paths, *options)
                                         : RunClean(paths, *options))
                        : command == "compare" ? RunCompare(paths, *options)
                        : command == "eval"    ? RunEval(paths, *options)
                        : streaming            ? RunStreamScan(paths, *options)
                                               : RunScan(paths, *options);
  if (!status.ok()) {
    std::cerr << "neardup: " << status.message() << "\n";
    return 2;
  }
  return 0;
}

}  // namespace
}  // namespace neardup

int main(int argc, char** argv) { return neardup::Main(argc, argv); }
