// engine/cluster_spill.h: the clusters and overlaps of a streaming scan,
// written to scratch files as they are found and read back in report order.
//
// Why: a corpus of many GB has millions of passage clusters (~200 bytes
// each in memory, with their members and reasons), more than a small
// --memory holds. They are found component by component, in no useful
// order; the report lists them by level and first member. So each cluster
// is serialized as it is found, an index entry (its position in the
// report's order and where its bytes lie) goes to sorted runs, and the
// merged index gives the report order and the ids. Overlaps likewise: a
// corpus with millions of passage clusters has millions of pairs of
// documents sharing them, so what each cluster says about each pair goes
// to sorted runs, merged pair by pair into overlaps, which are sorted again
// into the report's order.
//
// Example:
//   NEARDUP_ASSIGN_OR_RETURN(auto spill, ClusterSpill::Create(dir, 64 << 20));
//   for (...) NEARDUP_RETURN_IF_ERROR(spill->Add(cluster));
//   NEARDUP_RETURN_IF_ERROR(spill->Finish());
//   NEARDUP_RETURN_IF_ERROR(spill->ForEach([&](const Cluster& c) {
//     ... c.id counts from 1 in report order ...
//     return absl::OkStatus();
//   }));
//
// Memory: the sort buffers (`memory_bytes` each) and one cluster at a time;
// OverlapSpill also 4 bytes per document.
// Thread safety: Add() and Finish() from one thread; ForEach() may run on
// several threads at once after Finish().

#ifndef NEARDUP_ENGINE_CLUSTER_SPILL_H_
#define NEARDUP_ENGINE_CLUSTER_SPILL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/scan.h"
#include "io/spill.h"

namespace neardup {

class ClusterSpill {
 public:
  static absl::StatusOr<std::unique_ptr<ClusterSpill>> Create(
      const std::string& tmp_dir, size_t memory_bytes);

  // A cluster with at least one member; its id is ignored. No two clusters
  // of a level may share a first member.
  absl::Status Add(const Cluster& cluster);

  // After the last Add(): orders the clusters as the report lists them
  // (document clusters by first document, then passage clusters by first
  // member's document and start) and numbers them from 1 in that order.
  absl::Status Finish();

  // Visits every cluster in report order, with its id; stops at the first
  // error of reading or of `visit`.
  absl::Status ForEach(
      absl::FunctionRef<absl::Status(const Cluster&)> visit) const;

  size_t size() const { return count_; }
  // Scratch bytes written.
  uint64_t bytes() const;

 private:
  // A cluster's place in the report and where its bytes are.
  struct IndexEntry {
    uint64_t level_document;  // passage clusters after document clusters
    uint32_t start;           // of the first member
    uint32_t size;
    uint64_t offset;
    bool operator<(const IndexEntry& o) const {
      if (level_document != o.level_document) {
        return level_document < o.level_document;
      }
      return start < o.start;
    }
  };

  ClusterSpill() = default;

  std::unique_ptr<SpillFile> data_;
  std::unique_ptr<SortedRuns<IndexEntry>> runs_;
  std::unique_ptr<SpillFile> index_;  // IndexEntry in report order
  size_t count_ = 0;
  uint64_t run_bytes_ = 0;  // of the index's sorted runs
};

// OverlapSpill
//
// FindOverlaps() (engine/build_cluster.h) for clusters read one at a time:
// Add() each cluster with its id, every document cluster before any
// passage cluster (ClusterSpill::ForEach() order), then Finish() once and
// ForEach() as often as needed.
class OverlapSpill {
 public:
  static absl::StatusOr<std::unique_ptr<OverlapSpill>> Create(
      const std::string& tmp_dir, size_t memory_bytes, size_t documents);

  absl::Status Add(const Cluster& cluster);

  // `eligible[d]` counts document d's passages with shingles; `date(d)` is
  // its date, empty if unknown.
  absl::Status Finish(absl::Span<const uint32_t> eligible,
                      absl::FunctionRef<std::string(uint32_t)> date);

  // Visits every overlap in report order (most shared first).
  absl::Status ForEach(
      absl::FunctionRef<absl::Status(const Overlap&)> visit) const;

  size_t size() const { return count_; }
  uint64_t bytes() const { return bytes_; }

 private:
  // One cluster's word on a pair of documents: that it joins them
  // (kCluster), or a start of one of its passages in a or in b.
  static constexpr uint32_t kCluster = 0, kStartInA = 1, kStartInB = 2;
  struct Shared {
    uint32_t a;
    uint32_t b;
    uint32_t kind;  // kCluster, kStartInA or kStartInB
    uint32_t start;
    bool operator<(const Shared& o) const {
      if (a != o.a) return a < o.a;
      if (b != o.b) return b < o.b;
      if (kind != o.kind) return kind < o.kind;
      return start < o.start;
    }
  };
  struct Entry {  // an overlap in sorted runs
    Overlap overlap;
    bool operator<(const Entry& o) const;
  };

  explicit OverlapSpill(size_t documents) : document_cluster_(documents, 0) {}

  std::string tmp_dir_;
  size_t memory_bytes_ = 0;
  std::vector<uint32_t> document_cluster_;  // its document cluster's id
  std::unique_ptr<SortedRuns<Shared>> shared_;
  std::unique_ptr<SpillFile> overlaps_;  // Overlap in report order
  size_t count_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace neardup

#endif  // NEARDUP_ENGINE_CLUSTER_SPILL_H_
