// engine/stream_passages.h: the passage level of the streaming scan
// (engine/stream_scan.h), inside the memory budget.
//
// Why: a corpus has ~15-30 sentences per article, so its passages outgrow
// memory long before its documents do; here almost nothing per passage
// stays in memory. What Scan() does in memory, step by step:
//   1. as documents stream by (Add()), each passage's offsets go to a
//      record file, its signature to a signature file (a slot for every
//      passage, so that passage i's is found at i * num_perm values), and
//      (exact key, length, number, document) to sorted runs;
//   2. the runs merged group identical passages: a text in at least
//      boilerplate_min_docs documents becomes a boilerplate cluster; one
//      with shingles keeps its first passage as its representative (one
//      bit per passage); the members of repeated texts go to a file, with
//      12 bytes per repeated text in memory;
//   3. each representative's band keys go to sorted runs, merged into
//      buckets and pruned by signature agreement; the pairs kept go to
//      sorted runs and a CandidateGraph (engine/spilled_candidates.h);
//   4. the documents holding a candidate are read back in input order and
//      fingerprinted once each, the candidates' shingle sets written to a
//      file; the connected components of candidates, in batches, read
//      their sets back, verify their pairs exactly and cluster them without
//      chaining, on all threads (VerifyComponent()); each cluster goes to
//      the scan's ClusterSpill as it is found.
// The clusters are the passage clusters Scan() reports for the same
// documents and options (tests/engine/stream_scan_test.cc checks it).
//
// Memory per passage: a bit and a half; per document: 8 bytes; per
// repeated text: 12 bytes (boilerplate: 24); per text in a candidate pair:
// ~2 bytes; plus the shares of the budget named in engine/stream_scan.h,
// and, while the largest component is verified, a bit and a half per text,
// 4 bytes per text with a verified pair and ~24 per text of the group being
// clustered and 12 per cluster in it (VerifyComponent()). Disk per passage:
// num_perm signature values (released once its band keys are written),
// num_perm low bytes, 12 bytes of offsets, 24 bytes per run entry, and
// bands x 12 bytes of band keys; per candidate pair ~28 bytes.
//
// Thread safety: one thread calls; Finish() runs on options.threads.

#ifndef NEARDUP_ENGINE_STREAM_PASSAGES_H_
#define NEARDUP_ENGINE_STREAM_PASSAGES_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/cluster_spill.h"
#include "engine/fingerprint.h"
#include "engine/options.h"
#include "engine/scan.h"
#include "engine/spilled_candidates.h"
#include "engine/stream_scan.h"
#include "io/spill.h"
#include "minhash/minhash.h"

namespace neardup {

template <typename Value>
class PassageSpill {
 public:
  // `usable_bytes`: the budget left for data (engine/stream_scan.cc).
  static absl::StatusOr<std::unique_ptr<PassageSpill>> Create(
      const EngineOptions& options, const SpillOptions& spill,
      const MinHasher& hasher, uint64_t usable_bytes);

  // Pass 1: the next document's passages in input order (none for an empty
  // document), with num_perm signature values per passage at `signatures`
  // (those of passages without shingles are not read).
  absl::Status Add(absl::Span<const PassageFingerprint> passages,
                   const Value* signatures);

  // After the last Add(): the passage clusters, described as Scan()
  // describes them, added to `clusters`; counts go to `stats` and `spill`.
  // `documents` holds the documents added, in the same order. The shares
  // of each step come from what the usable bytes leave after this level's
  // arrays and `held_elsewhere` (the caller's): BudgetLeft().
  absl::Status Finish(const DocumentStore& documents, ClusterSpill& clusters,
                      ScanStats& stats, SpillStats& spill,
                      uint64_t held_elsewhere);

  // Bytes held in memory by the per-document and per-text arrays.
  uint64_t HeldBytes() const;

  // Per document, its passages with shingles (for FindOverlaps()).
  absl::Span<const uint32_t> eligible() const { return eligible_; }

 private:
  struct Record {  // a passage's offsets, on disk
    uint32_t start;
    uint32_t end;
    uint32_t normalized_length;
  };
  struct TextEntry {  // a passage's text, in sorted runs
    uint64_t key;
    uint32_t length;
    uint32_t passage;
    uint32_t document;
    uint32_t eligible;  // the passage has shingles
    bool operator<(const TextEntry& o) const {
      if (key != o.key) return key < o.key;
      if (length != o.length) return length < o.length;
      return passage < o.passage;
    }
    uint64_t sort_key() const { return key; }  // see io/spill.h
  };
  struct TextSpan {   // the passages of one repeated or boilerplate text
    uint32_t first;   // its first passage (the representative)
    uint32_t count;   // passages
    uint32_t offset;  // of the first in members_, in passages
  };
  struct Boilerplate {
    TextSpan span;
    size_t documents;
  };
  struct ShingleStore;

  PassageSpill(const EngineOptions& options, const SpillOptions& spill,
               const MinHasher& hasher, uint64_t usable_bytes);

  absl::Status Group(ScanStats& stats);
  // Candidate pairs found with shares of `budget_bytes`.
  absl::StatusOr<CandidateGraph> Candidates(uint64_t budget_bytes,
                                            LevelStats& stats,
                                            SpillStats& spill);
  absl::StatusOr<ShingleStore> StoreShingles(
      const CandidateGraph& graph, const DocumentStore& documents) const;
  // The span of the repeated text whose first passage is `text`, or null
  // when `text` is not repeated.
  const TextSpan* RepeatedSpan(uint32_t text) const;
  // The passages of a repeated or boilerplate text, read from members_.
  absl::StatusOr<std::vector<uint32_t>> Members(const TextSpan& span) const;
  // The cluster of the passages of `texts` (representatives, ascending);
  // text_similarity(x, y) for two indexes into `texts`.
  absl::StatusOr<Cluster> MakeCluster(
      absl::Span<const uint32_t> texts, const DocumentStore& documents,
      absl::FunctionRef<double(size_t, size_t)> text_similarity) const;
  absl::StatusOr<Member> MakeMember(uint32_t passage,
                                    const DocumentStore& documents,
                                    std::string& date) const;
  uint32_t DocumentOf(uint32_t passage) const;
  bool IsRepresentative(uint32_t passage) const {
    return (representative_[passage / 64] >> (passage % 64)) & 1;
  }

  const EngineOptions& options_;
  EngineOptions passage_options_;  // options_ with only the passage level
  const SpillOptions& spill_;
  const MinHasher& hasher_;
  LshParams lsh_;
  const size_t k_;
  const uint64_t usable_;
  std::unique_ptr<SpillFile> records_;  // passage i's at i * 12 bytes
  // Passage i's at i * k_ values; handed to FindSpilledCandidates().
  std::unique_ptr<SpillFile> signatures_;
  std::unique_ptr<SortedRuns<TextEntry>> texts_;
  std::unique_ptr<SpillFile> members_;    // passages of repeated texts
  std::vector<uint32_t> first_passage_;   // per document, then the total
  std::vector<uint32_t> eligible_;        // per document
  std::vector<uint64_t> representative_;  // a bit per passage
  // By first passage; 12 bytes per repeated text, the most this level
  // holds per text.
  std::vector<TextSpan> repeated_;
  std::vector<Boilerplate> boilerplate_;  // by first passage
  size_t short_passages_ = 0;
};

}  // namespace neardup

#endif  // NEARDUP_ENGINE_STREAM_PASSAGES_H_
