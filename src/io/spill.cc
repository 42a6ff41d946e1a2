#include "io/spill.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/release.h"

namespace neardup {
namespace {

constexpr size_t kWriteBuffer = size_t{1} << 20;

absl::Status IoError(const std::string& dir, absl::string_view what,
                     int error) {
  const std::string message =
      absl::StrCat(dir, ": ", what, " (", std::strerror(error), ")");
  if (error == ENOENT || error == ENOTDIR) {
    return absl::NotFoundError(message);
  }
  if (error == EACCES || error == EROFS || error == EPERM) {
    return absl::PermissionDeniedError(message);
  }
  if (error == ENOSPC || error == EDQUOT) {
    return absl::ResourceExhaustedError(message);
  }
  return absl::DataLossError(message);
}

}  // namespace

absl::StatusOr<std::unique_ptr<SpillFile>> SpillFile::Create(
    const std::string& dir) {
  std::string name = absl::StrCat(dir.empty() ? "." : dir, "/neardup-XXXXXX");
  const int fd = mkstemp(name.data());
  if (fd < 0) return IoError(dir, "cannot create a scratch file", errno);
  unlink(name.c_str());  // the file lives as long as the descriptor
  // Scratch files are read back in millions of small preads; updating the
  // access time took ~3% of a streamed passage scan's CPU (perf). Best
  // effort: a file system may refuse the flag.
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NOATIME);
  return std::unique_ptr<SpillFile>(new SpillFile(fd, dir));
}

SpillFile::~SpillFile() { close(fd_); }

absl::Status SpillFile::Append(const void* data, size_t size) {
  const char* bytes = static_cast<const char*>(data);
  if (buffer_.size() + size > kWriteBuffer) {
    NEARDUP_RETURN_IF_ERROR(WriteAll(buffer_.data(), buffer_.size()));
    buffer_.clear();  // kept for the appends to come
  }
  if (size > kWriteBuffer) {  // written as it is, never copied
    NEARDUP_RETURN_IF_ERROR(WriteAll(bytes, size));
  } else {
    // Reserved whole: growing by doubling held 1.5 MB at each step.
    if (buffer_.capacity() == 0) buffer_.reserve(kWriteBuffer);
    buffer_.insert(buffer_.end(), bytes, bytes + size);
  }
  size_ += size;
  return absl::OkStatus();
}

absl::Status SpillFile::Flush() {
  NEARDUP_RETURN_IF_ERROR(WriteAll(buffer_.data(), buffer_.size()));
  Release(buffer_);
  return absl::OkStatus();
}

absl::Status SpillFile::WriteAll(const char* bytes, size_t size) {
  size_t written = 0;
  while (written < size) {
    const ssize_t n = write(fd_, bytes + written, size - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError(dir_, "cannot write a scratch file", errno);
    }
    written += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status SpillFile::ReadAt(uint64_t offset, void* out, size_t size) const {
  char* bytes = static_cast<char*>(out);
  size_t done = 0;
  while (done < size) {
    const ssize_t n = pread(fd_, bytes + done, size - done,
                            static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return IoError(dir_, "cannot read back a scratch file",
                     n < 0 ? errno : EIO);
    }
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<DocumentStore>> DocumentStore::Create(
    const std::string& dir) {
  NEARDUP_ASSIGN_OR_RETURN(std::unique_ptr<SpillFile> file,
                           SpillFile::Create(dir));
  return std::unique_ptr<DocumentStore>(new DocumentStore(std::move(file)));
}

// A record: four uint64 lengths (id, text, date, source), then the bytes.
absl::Status DocumentStore::Add(const Document& document) {
  offsets_.push_back(file_->size());
  const uint64_t lengths[4] = {document.id.size(), document.text.size(),
                               document.date.size(), document.source.size()};
  NEARDUP_RETURN_IF_ERROR(file_->Append(lengths, sizeof(lengths)));
  for (const std::string* field :
       {&document.id, &document.text, &document.date, &document.source}) {
    NEARDUP_RETURN_IF_ERROR(file_->Append(field->data(), field->size()));
  }
  return absl::OkStatus();
}

absl::StatusOr<DocumentStore::Info> DocumentStore::GetInfo(
    uint32_t index) const {
  uint64_t lengths[4];
  const uint64_t offset = offsets_.at(index);
  NEARDUP_RETURN_IF_ERROR(file_->ReadAt(offset, lengths, sizeof(lengths)));
  Info info;
  info.text_bytes = lengths[1];
  info.date.resize(lengths[2]);
  NEARDUP_RETURN_IF_ERROR(
      file_->ReadAt(offset + sizeof(lengths) + lengths[0] + lengths[1],
                    info.date.data(), lengths[2]));
  return info;
}

std::string DocumentStore::DateOr(uint32_t index, absl::Status& status) const {
  absl::StatusOr<Info> info = GetInfo(index);
  if (!info.ok()) {
    status.Update(info.status());
    return std::string();
  }
  return std::move(info->date);
}

absl::StatusOr<Document> DocumentStore::Get(uint32_t index) const {
  uint64_t lengths[4];
  uint64_t offset = offsets_.at(index);
  NEARDUP_RETURN_IF_ERROR(file_->ReadAt(offset, lengths, sizeof(lengths)));
  offset += sizeof(lengths);
  Document document;
  std::string* fields[4] = {&document.id, &document.text, &document.date,
                            &document.source};
  for (int i = 0; i < 4; ++i) {
    fields[i]->resize(lengths[i]);
    NEARDUP_RETURN_IF_ERROR(
        file_->ReadAt(offset, fields[i]->data(), lengths[i]));
    offset += lengths[i];
  }
  return document;
}

}  // namespace neardup
