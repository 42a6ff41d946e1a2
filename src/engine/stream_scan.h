// engine/stream_scan.h: the scan of a corpus larger than memory, at both
// levels, inside a memory budget, with scratch files in a directory.
//
// Why: news dumps and crawls run to tens or thousands of GB; Scan() holds
// every document, shingle set and LSH key in memory. This scan streams the
// input once and keeps per document only about 40 bytes in memory (8 more
// and a bit per passage when passages are looked for):
//   1. read a batch (DocumentStream), fingerprint and sign it on all
//      threads; append the documents to a store, the signatures to a file in
//      `tmp_dir`, and the passages to the passage level's files
//      (engine/stream_passages.h, which takes the passage level from here);
//   2. group identical texts (documents in memory: exact key and length per
//      document);
//   3. write one LSH band key per band and distinct text into sorted runs
//      (io/spill.h SortedRuns) and merge them: each bucket's members are
//      paired as lsh/lsh.h does, and pairs whose signatures (read back from
//      disk) fall below the estimate floor are dropped; the pairs kept go
//      to sorted runs too (engine/spilled_candidates.h);
//   4. split the pairs into connected components (a bit and a half per
//      text in memory, the pairs on disk, sorted by component); batches of
//      components read their texts back, shingle them, verify their pairs
//      exactly and cluster them without chaining (cluster/cluster.h), on
//      all threads; a component larger than its share is verified in
//      pieces (VerifyComponent());
//   5. write each cluster to scratch as it is found; sort them into report
//      order (engine/cluster_spill.h); with passages, find the overlaps
//      between documents from them, through sorted runs as well.
// The clusters and overlaps are the ones Scan() reports for the same
// documents and options: same members, canonical, reasons and similarities,
// in the same order (tests/engine/stream_scan_test.cc checks it).
//
// Memory: 24 MB for code and buffers; of the rest, a sixteenth for a batch
// of text and its fingerprints (a sixty-fourth with passages, whose
// shingles and signatures take ~15 times the text), an eighth for passage
// keys, a sixteenth for the index of clusters; the per-document and
// per-passage bytes above. The later steps take their shares from what is
// left after those arrays (and never less than an eighth): a quarter for
// band keys before a run is written, an eighth for candidate pairs, a
// quarter to sort pairs by component and a quarter for the shingle sets of
// a batch of components, a quarter each for the two sorts of overlaps. Not
// bounded: the largest component's texts while it is verified (a bit and a
// half per text of the level, or 4 bytes each where fewer), ~20 bytes per
// candidate pair of a block of its texts while the block is verified, 4
// bytes per text with a verified pair in it, ~24 bytes per text of its largest
// verified group and 12 per cluster in it, and ~2 bytes per text in a
// candidate pair. The budget is one of resident memory, so a buffer freed
// must leave it: glibc's malloc hands it back only with its mmap threshold
// fixed: a program embedding ScanStream() calls
// KeepLargeBuffersOutOfTheHeap() (base/release.h) first, as the CLI does;
// the pages of small buffers freed are handed back as each step starts
// (ReturnFreedPages()).
// Disk: about the corpus size (the document store) plus signatures and band
// keys; with passages, ~num_perm values and 31 band keys per sentence: ~15
// times the text written, ~10 times on disk at once (the signatures are
// released once their band keys and low bytes are written).
//
// Measured (peak RSS, bench/past_memory.sh; README, "Corpora larger than
// memory"), at both levels: the chronam1916 Q1 file within 100 MiB 59 MiB
// (Scan(): 946 MiB), 319 MB of generated news within 64 MiB 47 MiB, 1.06
// GB within 100 MiB 83 MiB (Scan(): 6,412 MiB), 2.13 GB within 200 MB 168
// MiB, 5.3 GB (2.66 M documents, largest component 13.7 M sentences)
// within 500 MB 430 MiB; at the document level alone, 5.3 GB within 500 MB
// 445 MB.
//
// Example:
//   NEARDUP_ASSIGN_OR_RETURN(auto in, DocumentStream::Open(paths, read));
//   NEARDUP_ASSIGN_OR_RETURN(StreamScanResult r,
//                            ScanStream(*in, options, {500 << 20, "/tmp"}));
//   NEARDUP_RETURN_IF_ERROR(r.clusters->ForEach([&](const Cluster& c) {
//     NEARDUP_ASSIGN_OR_RETURN(Document d, r.documents->Get(c.members[0].doc));
//     ...
//     return absl::OkStatus();
//   }));

#ifndef NEARDUP_ENGINE_STREAM_SCAN_H_
#define NEARDUP_ENGINE_STREAM_SCAN_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/cluster_spill.h"
#include "engine/options.h"
#include "engine/scan.h"
#include "engine/spilled_candidates.h"
#include "io/reader.h"
#include "io/spill.h"

namespace neardup {

struct SpillOptions {
  uint64_t memory_bytes = uint64_t{1} << 30;  // at least 64 MB
  std::string tmp_dir = "/tmp";
};

struct SpillStats {
  size_t batches = 0;
  size_t band_runs = 0;        // sorted runs of band keys written to disk
  uint64_t scratch_bytes = 0;  // written to tmp_dir in all
  ComponentStats components;   // candidate components verified
};

struct StreamScanResult {
  // The stats; its clusters and overlaps are left empty: they are read
  // back from `clusters` and `overlaps` (Member::doc is the position in the
  // input).
  ScanResult scan;
  std::unique_ptr<ClusterSpill> clusters;    // in report order, with ids
  std::unique_ptr<OverlapSpill> overlaps;    // in report order; empty
                                             // without passages
  std::unique_ptr<DocumentStore> documents;  // every input document
  ReadReport read;
  SpillStats spill;
};

// ParseMemoryBudget()
//
// A budget as users write it: bytes ("800000000"), with a binary suffix
// ("512K", "500M", "1.5G", "2T") or a share of `physical_bytes` ("10%").
// kInvalidArgument, quoting `text`, for anything else or zero.
absl::StatusOr<uint64_t> ParseMemoryBudget(absl::string_view text,
                                           uint64_t physical_bytes);

// ScanStream()
//
// Reads `input` to its end and returns the clusters and overlaps of
// options.level. Errors: those of reading (with file and line),
// kInvalidArgument for bad options, kResourceExhausted when tmp_dir fills
// up.
absl::StatusOr<StreamScanResult> ScanStream(DocumentStream& input,
                                            const EngineOptions& options,
                                            const SpillOptions& spill);

}  // namespace neardup

#endif  // NEARDUP_ENGINE_STREAM_SCAN_H_
