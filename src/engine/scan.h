// engine/scan.h: the whole detection pipeline over an in-memory corpus:
// fingerprint -> exact grouping -> MinHash -> LSH -> prune by the MinHash
// estimate (lsh/lsh.h EstimateFloor) -> verify -> cluster -> canonical ->
// overlaps.
//
// Why: this is the call the CLI, a Python module or a Spark task makes. Its
// input is plain documents and options, its output plain values: clusters at
// both levels with their canonical member and the reason, the syndication
// overlaps between documents, and counts. It never exits the process and
// keeps no global state.
//
// Memory: the documents, their normalized texts (about the corpus's size
// again), 64 bytes per passage, the LSH digest of the larger level (4
// bytes per band plus num_perm bytes per distinct text) and the shingle
// sets of the texts LSH pairs (8 bytes per shingle): about 930 MiB peak for
// chronam1916 Q1 (160 MB, 1.2 M distinct passages) at both levels. Shingle
// hashes are made again from the texts to sign and to verify, rather than
// kept from fingerprinting (8 bytes per n-gram, 1.33 GiB there).
//
// Guarantees:
//   - every reported pair is verified on exact shingle sets: every member of a
//     cluster has exact Jaccard >= the level's threshold with every other
//     (cluster/cluster.h explains the method), so clusters never chain;
//   - passages identical after normalization are grouped by hash before LSH;
//     an identical passage in >= boilerplate_min_docs documents becomes one
//     boilerplate cluster and stays out of LSH and overlaps;
//   - the result is identical for any `threads`.
//
// Example:
//   NEARDUP_ASSIGN_OR_RETURN(ScanResult result, Scan(corpus.documents,
//   options)); for (const Cluster& c : result.clusters) { ... }

#ifndef NEARDUP_ENGINE_SCAN_H_
#define NEARDUP_ENGINE_SCAN_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/options.h"
#include "io/reader.h"
#include "lsh/lsh.h"

namespace neardup {

// A member of a cluster: bytes [start, end) of document `doc` (an index into
// the scanned documents). Document-level members cover the whole text.
struct Member {
  uint32_t doc = 0;
  uint32_t start = 0;
  uint32_t end = 0;
  uint32_t normalized_length = 0;
  double similarity = 1.0;  // exact Jaccard with the canonical member
};

struct Cluster {
  Level level = Level::kPassage;  // kDocument or kPassage
  uint32_t id = 0;                // 1-based, unique across levels
  bool boilerplate = false;
  std::vector<Member> members;  // in input order (doc, then start)
  size_t canonical = 0;         // index into members
  std::string reason;           // why members[canonical] was chosen
};

// Two documents that share passages without being duplicates as a whole.
struct Overlap {
  uint32_t doc_a = 0;  // doc_a < doc_b
  uint32_t doc_b = 0;
  size_t shared_passages = 0;  // passage clusters with members in both
  double fraction_a = 0;       // of a's passages, the share found in b
  double fraction_b = 0;
  std::optional<uint32_t> earlier;  // the earlier-dated document, if known
};

struct LevelStats {
  LshParams lsh;
  size_t items = 0;       // documents or passages fingerprinted
  size_t distinct = 0;    // after grouping identical texts
  size_t candidates = 0;  // pairs from LSH buckets, once per band
  size_t pruned = 0;      // of those, dropped by their MinHash estimate
  size_t verified = 0;    // pairs at or above the threshold
  size_t oversized_buckets = 0;
  size_t clusters = 0;
};

struct ScanStats {
  size_t documents = 0;
  size_t empty_documents = 0;  // no token after normalization; kept
  size_t short_passages = 0;   // below min_passage_words
  size_t boilerplate_clusters = 0;
  size_t overlaps = 0;  // pairs of documents sharing passages
  LevelStats document;
  LevelStats passage;
};

struct ScanResult {
  std::vector<Cluster> clusters;  // document clusters first, then passages
  std::vector<Overlap> overlaps;  // most shared first
  ScanStats stats;
};

// Scan()
//
// Finds near-duplicate documents and passages in `documents`.
// kInvalidArgument for invalid `options`.
absl::StatusOr<ScanResult> Scan(absl::Span<const Document> documents,
                                const EngineOptions& options);

}  // namespace neardup

#endif  // NEARDUP_ENGINE_SCAN_H_
