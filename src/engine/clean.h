// engine/clean.h: turns a scan into per-document decisions and cleaned text.
//
// Why: cleaning must remove duplicates and nothing else, and leave a record
// a person can audit: for every input document, kept or dropped, the
// duplicate it lost to, and every passage cut from it with the occurrence
// that was kept instead.
//
// Rules:
//   - in a document cluster, the canonical document is kept and the others
//     are dropped as its duplicates;
//   - in a kept document, a passage cluster with several members in that
//     document keeps one of them (the cluster's canonical if it is there,
//     else the one the level's canonical policy prefers) and cuts the rest,
//     with the whitespace that follows each cut;
//   - passages shared with other documents are kept (they are reported as
//     overlaps), and so is boilerplate.
//
// Example:
//   std::vector<CleanDecision> d = DecideClean(docs, scan, options);
//   std::string text = ApplyRemovals(docs[0].text, d[0].removed);
//
// Thread safety: pure functions.

#ifndef NEARDUP_ENGINE_CLEAN_H_
#define NEARDUP_ENGINE_CLEAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/options.h"
#include "engine/scan.h"
#include "io/reader.h"

namespace neardup {

struct RemovedPassage {
  uint32_t start = 0;  // the cut, in the original text
  uint32_t end = 0;
  uint32_t cluster = 0;     // the passage cluster's id
  uint32_t kept_start = 0;  // the occurrence kept in the same document
  uint32_t kept_end = 0;
  double similarity = 0;  // exact Jaccard with the cluster's canonical
};

struct CleanDecision {
  bool kept = true;
  std::optional<uint32_t> duplicate_of;  // document index, when dropped
  uint32_t cluster = 0;                  // document cluster id; 0 if none
  double similarity = 1.0;               // to duplicate_of, when dropped
  std::vector<RemovedPassage> removed;   // ascending, non-overlapping
};

// DecideClean()
//
// One decision per document of `documents`, in the same order, from a
// `scan` of exactly those documents with `options`.
std::vector<CleanDecision> DecideClean(absl::Span<const Document> documents,
                                       const ScanResult& scan,
                                       const EngineOptions& options);

// DecideCleanTouched()
//
// DecideClean() for documents that are not in memory: the decisions of the
// documents `scan` touches (members of document clusters, and documents
// with repeated passages), by document index; every other document is kept
// whole, CleanDecision{}. `date(d)` is document d's date.
absl::flat_hash_map<uint32_t, CleanDecision> DecideCleanTouched(
    const ScanResult& scan, const EngineOptions& options,
    absl::FunctionRef<std::string(uint32_t)> date);

// TouchedDecisions
//
// DecideCleanTouched() a cluster at a time, for clusters that are not held
// in memory together (engine/cluster_spill.h): Add() each cluster with its
// id, every document cluster before any passage cluster, then Finish()
// once. Memory: a CleanDecision per document touched.
class TouchedDecisions {
 public:
  explicit TouchedDecisions(const EngineOptions& options);
  // `date(d)` is document d's date.
  void Add(const Cluster& cluster,
           absl::FunctionRef<std::string(uint32_t)> date);
  absl::flat_hash_map<uint32_t, CleanDecision> Finish();

 private:
  CanonicalPolicy passage_policy_;
  absl::flat_hash_map<uint32_t, CleanDecision> decisions_;
};

// ApplyRemovals()
//
// `text` without the `removed` spans, each extended over the whitespace that
// follows it (or, for a cut at the end, the whitespace before it).
std::string ApplyRemovals(absl::string_view text,
                          absl::Span<const RemovedPassage> removed);

}  // namespace neardup

#endif  // NEARDUP_ENGINE_CLEAN_H_
