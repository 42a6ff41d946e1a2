#include "io/reader.h"

#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/huge_pages.h"
#include "base/parallel.h"
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
      ResizeOnHugePages(out, start + capacity);
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
  std::string bytes;
  ResizeOnHugePages(bytes, static_cast<size_t>(in.tellg()));
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

// Reads a text file as one document.
absl::StatusOr<Document> ReadTextFile(const std::string& path, std::string id,
                                      const ReadOptions& options,
                                      ReadReport& report) {
  NEARDUP_ASSIGN_OR_RETURN(std::string bytes, ReadFileBytes(path));
  ++report.files;
  report.bytes += bytes.size();
  if (bytes.size() >= (uint64_t{1} << 32)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": documents must be smaller than 4 GiB"));
  }
  Document doc;
  NEARDUP_ASSIGN_OR_RETURN(
      doc.text, CheckedUtf8(std::move(bytes), path, options, &doc.repaired));
  if (doc.repaired > 0) ++report.repaired_documents;
  doc.id = std::move(id);
  doc.source = path;
  return doc;
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

}  // namespace

namespace internal {

// Where a JSONL input's bytes come from. Read() appends the next piece to
// `buffer` and returns its size, 0 at the end.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual absl::StatusOr<size_t> Read(std::string& buffer) = 0;
};

class LineParser {
 public:
  simdjson::dom::parser parser;
};

}  // namespace internal

namespace {

constexpr size_t kPieceBytes = size_t{1} << 20;
// Bytes of lines parsed together on all threads: enough to share, few
// enough that their parsed documents are not a second copy of a whole file.
constexpr uint64_t kParsedTogether = uint64_t{8} << 20;

// Bytes already in memory (a whole file), handed over in one piece.
class MemorySource : public internal::ByteSource {
 public:
  explicit MemorySource(std::string bytes) : bytes_(std::move(bytes)) {}
  absl::StatusOr<size_t> Read(std::string& buffer) override {
    const size_t size = bytes_.size();
    if (buffer.empty()) {
      buffer.swap(bytes_);
    } else {
      buffer.append(bytes_);
    }
    bytes_ = std::string();
    return size;
  }

 private:
  std::string bytes_;
};

struct FileCloser {
  void operator()(FILE* file) const {
    if (file != stdin) std::fclose(file);
  }
};
using FilePtr = std::unique_ptr<FILE, FileCloser>;

// An uncompressed file or stdin, a piece at a time.
class PlainSource : public internal::ByteSource {
 public:
  PlainSource(FilePtr file, std::string name)
      : file_(std::move(file)), name_(std::move(name)) {}
  absl::StatusOr<size_t> Read(std::string& buffer) override {
    const size_t old_size = buffer.size();
    buffer.resize(old_size + kPieceBytes);
    const size_t got =
        std::fread(buffer.data() + old_size, 1, kPieceBytes, file_.get());
    buffer.resize(old_size + got);
    if (got == 0 && std::ferror(file_.get())) {
      return absl::DataLossError(absl::StrCat(name_, ": read error"));
    }
    return got;
  }

 private:
  FilePtr file_;
  std::string name_;
};

// A gzip file (every member of a concatenation) inflated with zlib a piece
// at a time.
class GzipSource : public internal::ByteSource {
 public:
  GzipSource(FilePtr file, std::string name)
      : file_(std::move(file)),
        name_(std::move(name)),
        input_(kPieceBytes, '\0') {}
  ~GzipSource() override {
    if (initialized_) inflateEnd(&stream_);
  }

  absl::StatusOr<size_t> Read(std::string& buffer) override {
    if (!initialized_) {
      if (inflateInit2(&stream_, 16 + MAX_WBITS) != Z_OK) {
        return absl::ResourceExhaustedError(
            absl::StrCat(name_, ": cannot start decompression"));
      }
      initialized_ = true;
    }
    const size_t old_size = buffer.size();
    buffer.resize(old_size + kPieceBytes);
    stream_.next_out = reinterpret_cast<Bytef*>(buffer.data() + old_size);
    stream_.avail_out = static_cast<uInt>(kPieceBytes);
    while (stream_.avail_out > 0 && !done_) {
      if (stream_.avail_in == 0) {
        const size_t got =
            std::fread(input_.data(), 1, input_.size(), file_.get());
        if (got == 0) {
          if (std::ferror(file_.get())) {
            return absl::DataLossError(absl::StrCat(name_, ": read error"));
          }
          if (!member_ended_) return Corrupt();
          done_ = true;  // the input ends right after a whole member
          break;
        }
        stream_.next_in = reinterpret_cast<Bytef*>(input_.data());
        stream_.avail_in = static_cast<uInt>(got);
      }
      if (member_ended_) {  // more input: another member follows
        if (inflateReset(&stream_) != Z_OK) return Corrupt();
        member_ended_ = false;
      }
      const int result = inflate(&stream_, Z_NO_FLUSH);
      if (result == Z_STREAM_END) {
        member_ended_ = true;
      } else if (result != Z_OK && result != Z_BUF_ERROR) {
        return Corrupt();
      }
    }
    const size_t got = kPieceBytes - stream_.avail_out;
    buffer.resize(old_size + got);
    return got;
  }

 private:
  absl::Status Corrupt() const {
    return absl::DataLossError(
        absl::StrCat(name_, ": corrupt or truncated compressed data"));
  }

  FilePtr file_;
  std::string name_;
  std::string input_;
  z_stream stream_{};
  bool initialized_ = false;
  bool member_ended_ = false;
  bool done_ = false;
};

// Opens `path` for reading in pieces, inflating it if it starts with the
// gzip magic bytes.
absl::StatusOr<std::unique_ptr<internal::ByteSource>> OpenPieces(
    const std::string& path) {
  FilePtr file(std::fopen(path.c_str(), "rb"));
  if (file == nullptr) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  }
  unsigned char magic[2] = {0, 0};
  const size_t got = std::fread(magic, 1, 2, file.get());
  std::rewind(file.get());
  if (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
    return std::make_unique<GzipSource>(std::move(file), path);
  }
  return std::make_unique<PlainSource>(std::move(file), path);
}

// The files of `dir` that are inputs, in sorted path order.
absl::StatusOr<std::vector<fs::path>> ListInputs(const fs::path& dir) {
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
  return files;
}

}  // namespace

DocumentStream::DocumentStream(const ReadOptions& options) : options_(options) {
  for (int t = 0; t < std::max(1, options.threads); ++t) {
    parsers_.push_back(std::make_unique<internal::LineParser>());
  }
}
DocumentStream::~DocumentStream() = default;

absl::StatusOr<std::unique_ptr<DocumentStream>> DocumentStream::Open(
    absl::Span<const std::string> paths, const ReadOptions& options) {
  std::unique_ptr<DocumentStream> stream(new DocumentStream(options));
  std::vector<Input>& inputs = stream->inputs_;
  const auto add = [&](const fs::path& path, std::string id) -> absl::Status {
    switch (KindOf(path)) {
      case FileKind::kText:
        inputs.push_back({path.string(), std::move(id), Kind::kText});
        return absl::OkStatus();
      case FileKind::kJsonLines:
        inputs.push_back({path.string(), "", Kind::kJsonLines});
        return absl::OkStatus();
      case FileKind::kOther:
        break;
    }
    return absl::InvalidArgumentError(absl::StrCat(
        path.string(),
        ": unknown input kind (expected .txt, .jsonl or .jsonl.gz)"));
  };
  for (const std::string& path : paths) {
    if (path == "-") {
      inputs.push_back({"<stdin>", "", Kind::kStdin});
      continue;
    }
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (error || !fs::exists(status)) {
      return absl::NotFoundError(
          absl::StrCat(path, ": no such file or directory"));
    }
    if (!fs::is_directory(status)) {
      NEARDUP_RETURN_IF_ERROR(add(path, path));
      continue;
    }
    NEARDUP_ASSIGN_OR_RETURN(const std::vector<fs::path> files,
                             ListInputs(path));
    for (const fs::path& file : files) {
      NEARDUP_RETURN_IF_ERROR(
          add(file, file.lexically_relative(path).generic_string()));
    }
  }
  return stream;
}

absl::Status DocumentStream::OpenLines(const Input& input) {
  name_ = input.path;
  if (input.kind == Kind::kStdin) {
    source_ = std::make_unique<PlainSource>(FilePtr(stdin), name_);
  } else if (options_.whole_files) {
    NEARDUP_ASSIGN_OR_RETURN(std::string bytes, ReadFileBytes(input.path));
    source_ = std::make_unique<MemorySource>(std::move(bytes));
  } else {
    NEARDUP_ASSIGN_OR_RETURN(source_, OpenPieces(input.path));
  }
  ++report_.files;
  buffer_.clear();
  position_ = 0;
  scanned_ = 0;
  source_done_ = false;
  line_number_ = 0;
  return absl::OkStatus();
}

bool DocumentStream::NextBufferedLine(absl::string_view& line) {
  const size_t newline = buffer_.find('\n', std::max(position_, scanned_));
  if (newline == std::string::npos) {
    scanned_ = buffer_.size();
    return false;
  }
  line = absl::string_view(buffer_).substr(position_, newline - position_);
  position_ = newline + 1;
  ++line_number_;
  return true;
}

absl::StatusOr<bool> DocumentStream::NextLine(absl::string_view& line) {
  while (!NextBufferedLine(line)) {
    if (source_done_) {
      if (position_ == buffer_.size()) return false;
      line = absl::string_view(buffer_).substr(position_);
      position_ = buffer_.size();
      ++line_number_;
      return true;
    }
    buffer_.erase(0, position_);
    position_ = 0;
    scanned_ = buffer_.size();
    NEARDUP_ASSIGN_OR_RETURN(const size_t got, source_->Read(buffer_));
    report_.bytes += got;
    source_done_ = got == 0;
  }
  return true;
}

absl::StatusOr<Document> DocumentStream::ParseLine(internal::LineParser& parser,
                                                   absl::string_view line,
                                                   size_t number) const {
  const std::string where = absl::StrCat(name_, ":", number);
  Document doc;
  // The line is copied only to be kept (keep_json) or repaired; a valid
  // line is parsed where it lies (a copy of every line cost a second
  // corpus-sized allocation, faulted in page by page).
  std::string owned;
  absl::string_view json = line;
  if (options_.keep_json || FirstInvalidUtf8(line) != absl::string_view::npos) {
    // A rejected line (strict UTF-8) carries its location.
    NEARDUP_ASSIGN_OR_RETURN(
        owned, CheckedUtf8(std::string(line), where, options_, &doc.repaired));
    json = owned;
  }
  absl::Status parsed = ParseJsonLine(parser.parser, json, options_, doc);
  if (parsed.ok() && doc.text.size() >= (uint64_t{1} << 32)) {
    parsed = absl::InvalidArgumentError("documents must be smaller than 4 GiB");
  }
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": ", parsed.message()));
  }
  if (doc.id.empty()) doc.id = where;
  doc.source = where;
  if (options_.keep_json) doc.json = std::move(owned);
  return doc;
}

void DocumentStream::ParseLines(std::vector<ParsedLine>& lines) {
  const size_t shares =
      std::min(lines.size(), static_cast<size_t>(parsers_.size()));
  // Share t ends where the lines before it hold (t + 1) / shares of the
  // bytes: parsing time follows bytes, not lines.
  uint64_t total = 0;
  for (const ParsedLine& l : lines) total += l.line.size() + 1;
  std::vector<size_t> end(shares, lines.size());
  uint64_t seen = 0;
  for (size_t i = 0, t = 0; i < lines.size() && t + 1 < shares; ++i) {
    seen += lines[i].line.size() + 1;
    while (t + 1 < shares && seen * shares >= total * (t + 1)) end[t++] = i + 1;
  }
  ParallelFor(shares, static_cast<int>(shares), [&](size_t t) {
    for (size_t i = t == 0 ? 0 : end[t - 1]; i < end[t]; ++i) {
      lines[i].document =
          ParseLine(*parsers_[t], lines[i].line, lines[i].number);
    }
  });
}

absl::StatusOr<size_t> DocumentStream::Next(size_t max_bytes,
                                            std::vector<Document>& batch) {
  size_t added = 0;
  size_t bytes = 0;
  while (bytes < max_bytes) {
    if (source_ == nullptr) {
      if (next_input_ == inputs_.size()) break;
      const Input& input = inputs_[next_input_++];
      if (input.kind == Kind::kText) {
        NEARDUP_ASSIGN_OR_RETURN(
            Document doc,
            ReadTextFile(input.path, input.id, options_, report_));
        bytes += doc.text.size() + 1;
        batch.push_back(std::move(doc));
        ++added;
        continue;
      }
      NEARDUP_RETURN_IF_ERROR(OpenLines(input));
    }
    // The lines the buffer holds whole, as many as the batch may still take
    // (a document's text is no longer than its line but for repairs, so
    // they rarely overshoot), parsed together; or else the next line, read
    // first.
    std::vector<ParsedLine>& lines = lines_;
    lines.clear();
    uint64_t line_bytes = 0;
    absl::string_view line;
    const auto add = [&] {
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.find_first_not_of(" \t") == absl::string_view::npos) return;
      lines.push_back(
          ParsedLine{line, line_number_, absl::StatusOr<Document>()});
      line_bytes += line.size() + 1;
    };
    while (bytes + line_bytes < max_bytes && line_bytes < kParsedTogether &&
           NextBufferedLine(line)) {
      add();
    }
    if (lines.empty()) {
      NEARDUP_ASSIGN_OR_RETURN(const bool more, NextLine(line));
      if (!more) {
        source_.reset();
        buffer_ = std::string();
        continue;
      }
      add();
      if (lines.empty()) continue;  // a blank line
    }
    ParseLines(lines);
    for (ParsedLine& parsed : lines) {
      if (bytes >= max_bytes) {
        // The batch is full: the rest are read again by the next call.
        position_ = static_cast<size_t>(parsed.line.data() - buffer_.data());
        scanned_ = position_;
        line_number_ = parsed.number - 1;
        break;
      }
      if (!parsed.document.ok()) {
        if (!options_.skip_bad) return parsed.document.status();
        ++report_.skipped;
        report_.skip_reasons.emplace_back(parsed.document.status().message());
        continue;
      }
      Document& doc = *parsed.document;
      if (doc.repaired > 0) ++report_.repaired_documents;
      bytes += doc.text.size() + 1;
      batch.push_back(std::move(doc));
      ++added;
    }
  }
  return added;
}

absl::StatusOr<Corpus> ReadCorpus(absl::Span<const std::string> paths,
                                  const ReadOptions& options) {
  NEARDUP_ASSIGN_OR_RETURN(std::unique_ptr<DocumentStream> stream,
                           DocumentStream::Open(paths, options));
  Corpus corpus;
  for (;;) {
    NEARDUP_ASSIGN_OR_RETURN(
        const size_t added,
        stream->Next(std::numeric_limits<size_t>::max(), corpus.documents));
    if (added == 0) break;
  }
  corpus.report = stream->report();
  return corpus;
}
}  // namespace neardup
