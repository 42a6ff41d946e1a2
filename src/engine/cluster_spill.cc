#include "engine/cluster_spill.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

#include "base/status_macros.h"
#include "engine/build_cluster.h"

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

absl::StatusOr<std::unique_ptr<OverlapSpill>> OverlapSpill::Create(
    const std::string& tmp_dir, size_t memory_bytes, size_t documents) {
  std::unique_ptr<OverlapSpill> spill(new OverlapSpill(documents));
  spill->tmp_dir_ = tmp_dir;
  spill->memory_bytes_ = memory_bytes;
  NEARDUP_ASSIGN_OR_RETURN(spill->overlaps_, SpillFile::Create(tmp_dir));
  NEARDUP_ASSIGN_OR_RETURN(spill->shared_,
                           SortedRuns<Shared>::Create(tmp_dir, memory_bytes));
  return spill;
}

absl::Status OverlapSpill::Add(const Cluster& cluster) {
  if (cluster.level == Level::kDocument) {
    for (const Member& m : cluster.members)
      document_cluster_[m.doc] = cluster.id;
    return absl::OkStatus();
  }
  absl::Status status;
  ForEachSharedPair(
      cluster, document_cluster_,
      [&](uint32_t a, uint32_t b, absl::Span<const Member> in_a,
          absl::Span<const Member> in_b) {
        status.Update(shared_->Add(Shared{a, b, kCluster, 0}));
        for (const Member& m : in_a) {
          status.Update(shared_->Add(Shared{a, b, kStartInA, m.start}));
        }
        for (const Member& m : in_b) {
          status.Update(shared_->Add(Shared{a, b, kStartInB, m.start}));
        }
      });
  return status;
}

bool OverlapSpill::Entry::operator<(const Entry& o) const {
  return OverlapBefore(overlap, o.overlap);
}

absl::Status OverlapSpill::Finish(
    absl::Span<const uint32_t> eligible,
    absl::FunctionRef<std::string(uint32_t)> date) {
  NEARDUP_ASSIGN_OR_RETURN(auto sorted,
                           SortedRuns<Entry>::Create(tmp_dir_, memory_bytes_));
  // Per pair of documents: clusters joining them, distinct starts in each.
  std::optional<Shared> last;
  size_t counts[3] = {0, 0, 0};
  absl::Status status;
  const auto close_pair = [&] {
    if (!last.has_value() || !status.ok()) return;
    status = sorted->Add(
        Entry{MakeOverlap(last->a, last->b, counts[kCluster], counts[kStartInA],
                          counts[kStartInB], eligible, date)});
  };
  NEARDUP_RETURN_IF_ERROR(shared_->Merge([&](const Shared& s) {
    if (!last.has_value() || s.a != last->a || s.b != last->b) {
      close_pair();
      counts[0] = counts[1] = counts[2] = 0;
    } else if (s.kind != kCluster && s.kind == last->kind &&
               s.start == last->start) {
      return;  // a start counted already
    }
    ++counts[s.kind];
    last = s;
  }));
  close_pair();
  NEARDUP_RETURN_IF_ERROR(status);
  bytes_ += shared_->spilled_bytes();
  shared_.reset();
  NEARDUP_RETURN_IF_ERROR(sorted->Merge([&](const Entry& e) {
    if (!status.ok()) return;
    status = overlaps_->Append(&e.overlap, sizeof(Overlap));
    ++count_;
  }));
  NEARDUP_RETURN_IF_ERROR(status);
  bytes_ += sorted->spilled_bytes() + overlaps_->size();
  return overlaps_->Flush();
}

absl::Status OverlapSpill::ForEach(
    absl::FunctionRef<absl::Status(const Overlap&)> visit) const {
  constexpr size_t kChunk = 4096;
  std::vector<Overlap> chunk;
  for (size_t begin = 0; begin < count_; begin += kChunk) {
    chunk.resize(std::min(kChunk, count_ - begin));
    NEARDUP_RETURN_IF_ERROR(overlaps_->ReadAt(
        begin * sizeof(Overlap), chunk.data(), chunk.size() * sizeof(Overlap)));
    for (const Overlap& o : chunk) NEARDUP_RETURN_IF_ERROR(visit(o));
  }
  return absl::OkStatus();
}

}  // namespace neardup
