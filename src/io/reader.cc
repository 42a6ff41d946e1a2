#include "io/reader.h"

#include <libdeflate.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "io/utf8.h"
#include "simdjson.h"

namespace neardup {
namespace {

namespace fs = std::filesystem;

enum class FileKind { kText, kJsonLines, kOther };

FileKind KindOf(const fs::path& path) {
  const std::string name = path.filename().string();
  if (absl::EndsWith(name, ".txt")) return FileKind::kText;
  if (absl::EndsWith(name, ".jsonl") || absl::EndsWith(name, ".jsonl.gz")) {
    return FileKind::kJsonLines;
  }
  return FileKind::kOther;
}

// Decompresses every gzip member of `compressed` (from `path`) with
// libdeflate, which inflates about twice as fast as zlib's streaming API.
absl::StatusOr<std::string> Gunzip(absl::string_view compressed,
                                   const std::string& path) {
  std::unique_ptr<libdeflate_decompressor, void (*)(libdeflate_decompressor*)>
      decompressor(libdeflate_alloc_decompressor(),
                   &libdeflate_free_decompressor);
  if (decompressor == nullptr) {
    return absl::ResourceExhaustedError(
        absl::StrCat(path, ": out of memory for decompression"));
  }
  // The gzip trailer's ISIZE is the last member's size mod 2^32: a first
  // guess, grown when too small.
  const auto* tail = reinterpret_cast<const unsigned char*>(compressed.data()) +
                     compressed.size() - 4;
  const size_t isize = size_t{tail[0]} | size_t{tail[1]} << 8 |
                       size_t{tail[2]} << 16 | size_t{tail[3]} << 24;
  std::string out;
  size_t in_pos = 0;
  while (in_pos < compressed.size()) {
    const size_t start = out.size();
    // ISIZE fits a single member under 4 GiB exactly (one pass, no spare
    // bytes zeroed). Deflate expands at most 1032-fold, so a larger ISIZE
    // is a damaged trailer, not a size: then guess and double.
    const size_t remaining = compressed.size() - in_pos;
    constexpr size_t kMaxDeflateRatio = 1032;
    size_t capacity =
        isize >= remaining && isize <= kMaxDeflateRatio * remaining
            ? isize + 1
            : 4 * remaining;
    for (;;) {
      out.resize(start + capacity);
      size_t used_in = 0, used_out = 0;
      const libdeflate_result result = libdeflate_gzip_decompress_ex(
          decompressor.get(), compressed.data() + in_pos,
          compressed.size() - in_pos, out.data() + start, capacity, &used_in,
          &used_out);
      if (result == LIBDEFLATE_INSUFFICIENT_SPACE &&
          capacity <= kMaxDeflateRatio * remaining) {
        capacity *= 2;
        continue;
      }
      if (result != LIBDEFLATE_SUCCESS) {
        return absl::DataLossError(
            absl::StrCat(path, ": corrupt or truncated compressed data"));
      }
      out.resize(start + used_out);
      in_pos += used_in;
      break;
    }
  }
  return out;
}

// Reads a whole file, decompressing gzip (recognized by its magic bytes).
absl::StatusOr<std::string> ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::string bytes(static_cast<size_t>(in.tellg()), '\0');
  in.seekg(0);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!in) return absl::DataLossError(absl::StrCat(path, ": read failed"));
  if (bytes.size() >= 18 && bytes[0] == '\x1f' && bytes[1] == '\x8b') {
    return Gunzip(bytes, path);
  }
  return bytes;
}

// Repairs or rejects invalid UTF-8 in `bytes` from `where`.
absl::StatusOr<std::string> CheckedUtf8(std::string bytes,
                                        absl::string_view where,
                                        const ReadOptions& options,
                                        size_t* repaired) {
  const size_t bad = FirstInvalidUtf8(bytes);
  if (bad == absl::string_view::npos) return bytes;
  if (options.strict_utf8) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": invalid UTF-8 at byte ", bad, " (--strict)"));
  }
  return RepairUtf8(bytes, repaired);
}

absl::Status AddTextFile(const std::string& path, std::string id,
                         const ReadOptions& options, Corpus& corpus) {
  NEARDUP_ASSIGN_OR_RETURN(std::string bytes, ReadFileBytes(path));
  ++corpus.report.files;
  corpus.report.bytes += bytes.size();
  if (bytes.size() >= (uint64_t{1} << 32)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": documents must be smaller than 4 GiB"));
  }
  Document doc;
  NEARDUP_ASSIGN_OR_RETURN(
      doc.text, CheckedUtf8(std::move(bytes), path, options, &doc.repaired));
  if (doc.repaired > 0) ++corpus.report.repaired_documents;
  doc.id = std::move(id);
  doc.source = path;
  corpus.documents.push_back(std::move(doc));
  return absl::OkStatus();
}

// Parses one non-blank JSON line into `doc`; the error message has no
// location (the caller adds it).
absl::Status ParseJsonLine(simdjson::dom::parser& parser,
                           absl::string_view line, const ReadOptions& options,
                           Document& doc) {
  simdjson::dom::element root;
  if (auto error = parser.parse(line.data(), line.size()).get(root)) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed JSON (", simdjson::error_message(error), ")"));
  }
  simdjson::dom::object object;
  if (root.get(object) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("expected a JSON object");
  }
  std::string_view text;
  if (object.at_key(options.text_field).get(text) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        absl::StrCat("no string field '", options.text_field, "'"));
  }
  doc.text.assign(text);
  simdjson::dom::element id;
  if (object.at_key(options.id_field).get(id) == simdjson::SUCCESS) {
    std::string_view id_text;
    if (id.get(id_text) == simdjson::SUCCESS) {
      doc.id.assign(id_text);
    } else if (id.is_int64() || id.is_uint64()) {
      doc.id = simdjson::minify(id);
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "field '", options.id_field, "' must be a string or an integer"));
    }
  }
  std::string_view date;
  if (object.at_key(options.date_field).get(date) == simdjson::SUCCESS) {
    doc.date.assign(date);
  }
  return absl::OkStatus();
}

absl::Status AddJsonLines(absl::string_view bytes, absl::string_view name,
                          const ReadOptions& options, Corpus& corpus) {
  simdjson::dom::parser parser;
  size_t line_number = 0;
  size_t begin = 0;
  while (begin < bytes.size()) {
    size_t end = bytes.find('\n', begin);
    if (end == absl::string_view::npos) end = bytes.size();
    ++line_number;
    absl::string_view line = bytes.substr(begin, end - begin);
    begin = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == absl::string_view::npos) continue;
    const std::string where = absl::StrCat(name, ":", line_number);
    Document doc;
    absl::StatusOr<std::string> checked =
        CheckedUtf8(std::string(line), where, options, &doc.repaired);
    // A rejected line (strict UTF-8, malformed JSON) carries its location.
    absl::Status parsed = checked.status();
    if (parsed.ok()) {
      parsed = ParseJsonLine(parser, *checked, options, doc);
      if (parsed.ok() && doc.text.size() >= (uint64_t{1} << 32)) {
        parsed =
            absl::InvalidArgumentError("documents must be smaller than 4 GiB");
      }
      if (!parsed.ok()) {
        parsed = absl::InvalidArgumentError(
            absl::StrCat(where, ": ", parsed.message()));
      }
    }
    if (!parsed.ok()) {
      if (!options.skip_bad) return parsed;
      ++corpus.report.skipped;
      corpus.report.skip_reasons.emplace_back(parsed.message());
      continue;
    }
    if (doc.id.empty()) doc.id = where;
    if (doc.repaired > 0) ++corpus.report.repaired_documents;
    doc.source = where;
    doc.json = std::move(*checked);
    corpus.documents.push_back(std::move(doc));
  }
  return absl::OkStatus();
}

absl::Status AddFile(const fs::path& path, std::string id,
                     const ReadOptions& options, Corpus& corpus) {
  switch (KindOf(path)) {
    case FileKind::kText:
      return AddTextFile(path.string(), std::move(id), options, corpus);
    case FileKind::kJsonLines: {
      NEARDUP_ASSIGN_OR_RETURN(std::string bytes, ReadFileBytes(path.string()));
      ++corpus.report.files;
      corpus.report.bytes += bytes.size();
      return AddJsonLines(bytes, path.string(), options, corpus);
    }
    case FileKind::kOther:
      break;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      path.string(),
      ": unknown input kind (expected .txt, .jsonl or .jsonl.gz)"));
}

absl::Status AddDirectory(const fs::path& dir, const ReadOptions& options,
                          Corpus& corpus) {
  std::vector<fs::path> files;
  std::error_code error;
  for (fs::recursive_directory_iterator it(dir, error), end;
       !error && it != end; it.increment(error)) {
    if (it->is_regular_file() && KindOf(it->path()) != FileKind::kOther) {
      files.push_back(it->path());
    }
  }
  if (error) {
    return absl::NotFoundError(absl::StrCat(
        dir.string(), ": cannot list directory (", error.message(), ")"));
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    NEARDUP_RETURN_IF_ERROR(AddFile(
        file, file.lexically_relative(dir).generic_string(), options, corpus));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ReadJsonLines(std::istream& in, absl::string_view name,
                           const ReadOptions& options, Corpus& corpus) {
  const std::string bytes((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  if (in.bad()) return absl::DataLossError(absl::StrCat(name, ": read error"));
  ++corpus.report.files;
  corpus.report.bytes += bytes.size();
  return AddJsonLines(bytes, name, options, corpus);
}

absl::StatusOr<Corpus> ReadCorpus(absl::Span<const std::string> paths,
                                  const ReadOptions& options) {
  Corpus corpus;
  for (const std::string& path : paths) {
    if (path == "-") {
      NEARDUP_RETURN_IF_ERROR(
          ReadJsonLines(std::cin, "<stdin>", options, corpus));
      continue;
    }
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (error || !fs::exists(status)) {
      return absl::NotFoundError(
          absl::StrCat(path, ": no such file or directory"));
    }
    if (fs::is_directory(status)) {
      NEARDUP_RETURN_IF_ERROR(AddDirectory(path, options, corpus));
    } else {
      NEARDUP_RETURN_IF_ERROR(AddFile(path, path, options, corpus));
    }
  }
  return corpus;
}

}  // namespace neardup
