// engine/cluster_spill.h: the clusters of a streaming scan, written to a
// scratch file as they are found and read back in report order.
//
// Why: a corpus of many GB has millions of passage clusters (~200 bytes
// each in memory, with their members and reasons), more than a small
// --memory holds. They are found component by component, in no useful
// order; the report lists them by level and first member. So each cluster
// is serialized as it is found, an index entry (its position in the
// report's order and where its bytes lie) goes to sorted runs, and the
// merged index gives the report order and the ids.
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
// Memory: the index's sort buffer (`memory_bytes`, 24 bytes per cluster
// beyond which runs go to disk) and one cluster at a time.
// Thread safety: Add() and Finish() from one thread; ForEach() may run on
// several threads at once after Finish().

#ifndef NEARDUP_ENGINE_CLUSTER_SPILL_H_
#define NEARDUP_ENGINE_CLUSTER_SPILL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
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

}  // namespace neardup

#endif  // NEARDUP_ENGINE_CLUSTER_SPILL_H_
