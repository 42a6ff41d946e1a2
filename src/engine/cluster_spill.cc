#include "engine/cluster_spill.h"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "base/status_macros.h"

namespace neardup {
namespace {

// A cluster's bytes: this header, its members, then its reason.
struct Header {
  uint8_t passage;
  uint8_t boilerplate;
  uint16_t padding;
  uint32_t canonical;
  uint32_t members;
  uint32_t reason_bytes;
};
static_assert(sizeof(Header) == 16 && sizeof(Member) == 24);

}  // namespace

absl::StatusOr<std::unique_ptr<ClusterSpill>> ClusterSpill::Create(
    const std::string& tmp_dir, size_t memory_bytes) {
  std::unique_ptr<ClusterSpill> spill(new ClusterSpill());
  NEARDUP_ASSIGN_OR_RETURN(spill->data_, SpillFile::Create(tmp_dir));
  NEARDUP_ASSIGN_OR_RETURN(spill->index_, SpillFile::Create(tmp_dir));
  NEARDUP_ASSIGN_OR_RETURN(
      spill->runs_, SortedRuns<IndexEntry>::Create(tmp_dir, memory_bytes));
  return spill;
}

absl::Status ClusterSpill::Add(const Cluster& cluster) {
  const bool passage = cluster.level == Level::kPassage;
  const Header header{passage ? uint8_t{1} : uint8_t{0},
                      cluster.boilerplate ? uint8_t{1} : uint8_t{0},
                      0,
                      static_cast<uint32_t>(cluster.canonical),
                      static_cast<uint32_t>(cluster.members.size()),
                      static_cast<uint32_t>(cluster.reason.size())};
  const uint64_t offset = data_->size();
  NEARDUP_RETURN_IF_ERROR(data_->Append(&header, sizeof(header)));
  NEARDUP_RETURN_IF_ERROR(data_->Append(
      cluster.members.data(), cluster.members.size() * sizeof(Member)));
  NEARDUP_RETURN_IF_ERROR(
      data_->Append(cluster.reason.data(), cluster.reason.size()));
  const Member& first = cluster.members.front();
  ++count_;
  return runs_->Add(
      IndexEntry{(uint64_t{passage} << 32) | first.doc, first.start,
                 static_cast<uint32_t>(data_->size() - offset), offset});
}

absl::Status ClusterSpill::Finish() {
  NEARDUP_RETURN_IF_ERROR(data_->Flush());
  absl::Status status;
  NEARDUP_RETURN_IF_ERROR(runs_->Merge([&](const IndexEntry& e) {
    if (status.ok()) status = index_->Append(&e, sizeof(e));
  }));
  NEARDUP_RETURN_IF_ERROR(status);
  run_bytes_ = runs_->spilled_bytes();
  runs_.reset();
  return index_->Flush();
}

absl::Status ClusterSpill::ForEach(
    absl::FunctionRef<absl::Status(const Cluster&)> visit) const {
  constexpr size_t kChunk = 4096;
  std::vector<IndexEntry> entries;
  std::vector<char> bytes;
  Cluster cluster;
  for (size_t begin = 0; begin < count_; begin += kChunk) {
    entries.resize(std::min(kChunk, count_ - begin));
    NEARDUP_RETURN_IF_ERROR(
        index_->ReadAt(begin * sizeof(IndexEntry), entries.data(),
                       entries.size() * sizeof(IndexEntry)));
    for (size_t i = 0; i < entries.size(); ++i) {
      const IndexEntry& e = entries[i];
      bytes.resize(e.size);
      NEARDUP_RETURN_IF_ERROR(data_->ReadAt(e.offset, bytes.data(), e.size));
      Header header;
      std::memcpy(&header, bytes.data(), sizeof(header));
      cluster.level = header.passage ? Level::kPassage : Level::kDocument;
      cluster.id = static_cast<uint32_t>(begin + i + 1);
      cluster.boilerplate = header.boilerplate != 0;
      cluster.canonical = header.canonical;
      cluster.members.resize(header.members);
      std::memcpy(cluster.members.data(), bytes.data() + sizeof(header),
                  header.members * sizeof(Member));
      cluster.reason.assign(
          bytes.data() + sizeof(header) + header.members * sizeof(Member),
          header.reason_bytes);
      NEARDUP_RETURN_IF_ERROR(visit(cluster));
    }
  }
  return absl::OkStatus();
}

uint64_t ClusterSpill::bytes() const {
  return data_->size() + index_->size() + run_bytes_;
}

}  // namespace neardup
