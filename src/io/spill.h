// io/spill.h: scratch files for work larger than memory: a file to append
// to and read back at any offset, an external sort (sorted runs merged), and
// a store of documents read back by their position in the input.
//
// Why: a corpus of many GB does not fit in memory, and neither do its
// signatures or LSH band keys. The way kenlm and datatrove handle that: keep
// a bounded buffer, sort it and write it out as a run when it fills, then
// merge the runs in one pass. Documents are written once as they stream by
// and only the few that take part in a cluster are read back.
//
// Scratch files are created in a directory the caller names (--tmp_dir) and
// unlinked at once, so they vanish when their object is destroyed or the
// process dies. Errors name the directory and the reason ("No space left on
// device").
//
// Example:
//   NEARDUP_ASSIGN_OR_RETURN(auto runs, SortedRuns<Entry>::Create(dir, 64 <<
//   20)); for (...) NEARDUP_RETURN_IF_ERROR(runs->Add(entry));
//   NEARDUP_RETURN_IF_ERROR(runs->Merge([&](const Entry& e) { ... }));
//
// Thread safety: SpillFile::ReadAt and DocumentStore::Get may be called
// concurrently once writing is done; everything else by one thread.

#ifndef NEARDUP_IO_SPILL_H_
#define NEARDUP_IO_SPILL_H_

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/hash_sort.h"
#include "base/release.h"
#include "base/status_macros.h"
#include "io/reader.h"

namespace neardup {

// SpillFile
//
// An anonymous scratch file: appends are buffered, reads are positional.
class SpillFile {
 public:
  // A new empty file in `dir`. kNotFound/kPermissionDenied naming `dir`.
  static absl::StatusOr<std::unique_ptr<SpillFile>> Create(
      const std::string& dir);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  absl::Status Append(const void* data, size_t size);
  // Writes out what Append() buffered and frees the buffer (1 MB, taken
  // again by the next Append()): call it once writing is done, so that a
  // file only read from then on holds no memory. ReadAt() sees only
  // flushed bytes.
  absl::Status Flush();
  // Reads exactly `size` bytes at `offset`.
  absl::Status ReadAt(uint64_t offset, void* out, size_t size) const;
  // Bytes appended so far.
  uint64_t size() const { return size_; }

 private:
  SpillFile(int fd, std::string dir) : fd_(fd), dir_(std::move(dir)) {}
  absl::Status WriteAll(const char* bytes, size_t size);

  int fd_;
  std::string dir_;
  std::vector<char> buffer_;  // at most kWriteBuffer (1 MB)
  uint64_t size_ = 0;
};

// SortedRuns<Record>
//
// An external sort of trivially copyable records ordered by operator< (and
// by sort_key() first where they have one: see SortBuffer()).
// Records are buffered up to `memory_bytes`; a full buffer is sorted and
// written out as a run. Merge() visits every record in ascending order,
// reading all runs at once through buffers that share `memory_bytes`. With
// no run spilled it sorts in memory and touches no disk.
template <typename Record>
class SortedRuns {
  static_assert(std::is_trivially_copyable_v<Record>);

 public:
  static absl::StatusOr<std::unique_ptr<SortedRuns>> Create(
      const std::string& dir, size_t memory_bytes) {
    NEARDUP_ASSIGN_OR_RETURN(std::unique_ptr<SpillFile> file,
                             SpillFile::Create(dir));
    return std::unique_ptr<SortedRuns>(
        new SortedRuns(std::move(file), memory_bytes));
  }

  absl::Status Add(const Record& record) {
    buffer_.push_back(record);
    if (buffer_.size() >= capacity_) return Spill();
    return absl::OkStatus();
  }

  // Visits every record added, ascending. Call once, after the last Add().
  absl::Status Merge(absl::FunctionRef<void(const Record&)> visit) {
    if (runs_.empty()) {
      SortBuffer();
      for (const Record& r : buffer_) visit(r);
      Release(buffer_);
      return absl::OkStatus();
    }
    if (!buffer_.empty()) NEARDUP_RETURN_IF_ERROR(Spill());
    Release(buffer_);
    NEARDUP_RETURN_IF_ERROR(file_->Flush());
    const size_t per_run = std::max<size_t>(1024, capacity_ / runs_.size());
    struct Reader {
      uint64_t next = 0;       // record index in the file
      uint64_t remaining = 0;  // records of the run not yet read
      std::vector<Record> records;
      size_t position = 0;
    };
    std::vector<Reader> readers(runs_.size());
    const auto refill = [&](Reader& r) -> absl::Status {
      const size_t count = static_cast<size_t>(
          std::min<uint64_t>(r.remaining, static_cast<uint64_t>(per_run)));
      r.records.resize(count);
      r.position = 0;
      NEARDUP_RETURN_IF_ERROR(file_->ReadAt(
          r.next * sizeof(Record), r.records.data(), count * sizeof(Record)));
      r.next += count;
      r.remaining -= count;
      return absl::OkStatus();
    };
    using Head = std::pair<Record, size_t>;  // smallest unread record, run
    const auto greater = [](const Head& x, const Head& y) {
      if (y.first < x.first) return true;
      if (x.first < y.first) return false;
      return x.second > y.second;
    };
    std::priority_queue<Head, std::vector<Head>, decltype(greater)> heads(
        greater);
    for (size_t i = 0; i < runs_.size(); ++i) {
      readers[i].next = runs_[i].first;
      readers[i].remaining = runs_[i].second;
      NEARDUP_RETURN_IF_ERROR(refill(readers[i]));
      heads.emplace(readers[i].records[0], i);
    }
    while (!heads.empty()) {
      const auto [record, run] = heads.top();
      heads.pop();
      visit(record);
      Reader& r = readers[run];
      if (++r.position == r.records.size()) {
        if (r.remaining == 0) continue;
        NEARDUP_RETURN_IF_ERROR(refill(r));
      }
      heads.emplace(r.records[r.position], run);
    }
    return absl::OkStatus();
  }

  // Runs written to disk so far, and their bytes.
  size_t runs() const { return runs_.size(); }
  uint64_t spilled_bytes() const { return file_->size(); }

 private:
  SortedRuns(std::unique_ptr<SpillFile> file, size_t memory_bytes)
      : file_(std::move(file)),
        // A hashed sort needs scratch as large as the buffer.
        capacity_(std::max<size_t>(
            1024, memory_bytes / sizeof(Record) / (kHashSorted ? 2 : 1))) {
    buffer_.reserve(capacity_);
  }

  // Records with a `uint64_t sort_key() const` that orders them before
  // operator< does (an evenly spread hash in its top bits) sort by
  // base/hash_sort.h; others by std::sort.
  static constexpr bool kHashSorted = requires(const Record& r) {
    { r.sort_key() } -> std::convertible_to<uint64_t>;
  };
  void SortBuffer() {
    if constexpr (kHashSorted) {
      std::vector<Record> scratch;
      SortHashed(
          buffer_, scratch, [](const Record& r) { return r.sort_key(); },
          std::less<Record>());
    } else {
      std::sort(buffer_.begin(), buffer_.end());
    }
  }

  absl::Status Spill() {
    SortBuffer();
    runs_.emplace_back(file_->size() / sizeof(Record), buffer_.size());
    NEARDUP_RETURN_IF_ERROR(
        file_->Append(buffer_.data(), buffer_.size() * sizeof(Record)));
    buffer_.clear();
    return absl::OkStatus();
  }

  std::unique_ptr<SpillFile> file_;
  size_t capacity_;  // records held before a run is written
  std::vector<Record> buffer_;
  std::vector<std::pair<uint64_t, uint64_t>> runs_;  // first record, count
};

// DocumentStore
//
// Documents appended as they stream by (id, text, date, source; not the
// JSON line), read back by their position in the input. Memory: 8 bytes
// per document.
class DocumentStore {
 public:
  static absl::StatusOr<std::unique_ptr<DocumentStore>> Create(
      const std::string& dir);

  absl::Status Add(const Document& document);
  // Call after the last Add() and before Get(). Frees the slack that the
  // offsets grew with.
  absl::Status Finish() {
    offsets_.shrink_to_fit();
    return file_->Flush();
  }
  absl::StatusOr<Document> Get(uint32_t index) const;
  // A document's text size and date, without reading its text.
  struct Info {
    uint64_t text_bytes = 0;
    std::string date;
  };
  absl::StatusOr<Info> GetInfo(uint32_t index) const;
  // A document's date, for callbacks that cannot return an error: "" with
  // the error recorded in `status` when it cannot be read.
  std::string DateOr(uint32_t index, absl::Status& status) const;
  size_t size() const { return offsets_.size(); }
  uint64_t bytes() const { return file_->size(); }
  // Bytes held in memory (the offsets).
  uint64_t memory_bytes() const {
    return offsets_.capacity() * sizeof(uint64_t);
  }

 private:
  explicit DocumentStore(std::unique_ptr<SpillFile> file)
      : file_(std::move(file)) {}

  std::unique_ptr<SpillFile> file_;
  std::vector<uint64_t> offsets_;
};

}  // namespace neardup

#endif  // NEARDUP_IO_SPILL_H_
