// engine/spilled_candidates.h: LSH candidates found from band keys and
// signatures on disk, and the candidates split into connected components;
// shared by the streaming scan's two levels (engine/stream_scan.h).
//
// Why: a corpus larger than memory cannot hold its band keys, so they go to
// sorted runs (io/spill.h) and are merged bucket by bucket. The pairs that
// come out must be the ones lsh/lsh.h FindCandidates() finds in memory, so
// that the streaming scan reports what the in-memory scan reports: buckets
// are visited in (band, key) order, members in ascending text number, each
// bucket paired by PairBucket() and each pair kept only when the two
// signatures agree in enough positions (on their low bytes, read back from
// a scratch file a quarter or an eighth of the signatures' size). The pairs
// kept go to sorted runs too: a corpus of many GB has hundreds of millions of
// them. Merged, they form a CandidateGraph, split into connected components
// (independent pieces of verification work) without holding the pairs in
// memory.
//
// Example:
//   NEARDUP_ASSIGN_OR_RETURN(SpilledCandidates found,
//       FindSpilledCandidates<uint32_t>(...));
//   NEARDUP_RETURN_IF_ERROR(found.graph.ForEachComponentBatch(
//       sort_bytes, batch_bytes, text_bytes, verify_batch));
//   // where verify_batch(batch) calls VerifyComponent() on each component.

#ifndef NEARDUP_ENGINE_SPILLED_CANDIDATES_H_
#define NEARDUP_ENGINE_SPILLED_CANDIDATES_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "base/sorted_ids.h"
#include "engine/cluster_spill.h"
#include "engine/options.h"
#include "engine/scan.h"
#include "io/spill.h"
#include "lsh/lsh.h"

namespace neardup {

// Two distinct texts, first < second.
using TextPair = std::pair<uint32_t, uint32_t>;

// A candidate pair as sorted runs hold it (std::pair is not trivially
// copyable): a < b.
struct CandidatePair {
  uint32_t a;
  uint32_t b;
  bool operator<(const CandidatePair& o) const {
    return a != o.a ? a < o.a : b < o.b;
  }
  bool operator==(const CandidatePair& o) const = default;
};

// One band key of one distinct text. `text` numbers texts in the order the
// in-memory scan numbers its groups (any increasing numbering will do).
struct BandEntry {
  uint32_t band;
  uint32_t text;
  uint32_t key;  // BandKey()
  bool operator<(const BandEntry& o) const {
    if (band != o.band) return band < o.band;
    if (key != o.key) return key < o.key;
    return text < o.text;
  }
  // Orders as operator< does, less finely (io/spill.h sorts runs by it):
  // the band in the top 6 bits, then the key. Bands from 63 on share one
  // value.
  uint64_t sort_key() const {
    return band < 63 ? (uint64_t{band} << 58) | (uint64_t{key} << 26)
                     : uint64_t{63} << 58;
  }
};

struct BucketPairing {
  size_t num_perm = 128;  // values per signature
  size_t needed = 0;      // agreeing values a pair needs (AgreementNeeded)
  size_t max_bucket = 200;
  absl::string_view level = "document";  // names the level in progress
  int threads = 1;  // buckets are paired on this many threads
};

// The pairing of one level (`level` names it in progress): pairs kept at
// the estimate floor of `threshold` with `num_perm` values, max_bucket and
// threads from `options`.
BucketPairing LevelPairing(const EngineOptions& options, double threshold,
                           int num_perm, absl::string_view level);

// PairBuckets()
//
// Merges `runs` into buckets and pairs each bucket as FindCandidates()
// does, on pairing.threads threads; `read_low_bytes(text, out)` fills a
// text's num_perm low bytes (LowBytesOf(); called from several threads at
// once). The pairs kept go to `pairs` (a pair found in several bands,
// several times). Counts candidates, pruned pairs and oversized buckets
// into `stats`. Returns the first error of reading or writing.
absl::Status PairBuckets(
    SortedRuns<BandEntry>& runs, const BucketPairing& pairing,
    absl::FunctionRef<absl::Status(uint32_t, uint8_t*)> read_low_bytes,
    SortedRuns<CandidatePair>& pairs, LevelStats& stats);

// A connected component of candidate pairs.
struct Component {
  // Its texts: a large component's as a bit per text below the last one
  // when that takes less memory than 4 bytes per text.
  SortedIds texts;
  // Its pairs as indexes into `texts`, ascending: held in `pairs`, or, for
  // a component with too many to hold (long chains of candidates join
  // millions), written as texts to `spilled`. Read them with PairCount()
  // and ReadPairs().
  std::vector<TextPair> pairs;
  std::unique_ptr<SpillFile> spilled;
  uint64_t spilled_pairs = 0;

  uint64_t PairCount() const {
    return spilled != nullptr ? spilled_pairs : pairs.size();
  }
  // Pairs [begin, begin + out.size()), as indexes into `texts`.
  absl::Status ReadPairs(uint64_t begin, absl::Span<TextPair> out) const;
};

// CandidateGraph
//
// The candidate pairs of one level, unique and sorted in a scratch file,
// and the texts they join. Memory: at most a bit and a half per text below
// `num_texts`; the pairs stay on disk (8 bytes each).
class CandidateGraph {
 public:
  // Merges `runs` (pairs of texts below `num_texts`) into a file in
  // `tmp_dir`, dropping repeats.
  static absl::StatusOr<CandidateGraph> Build(SortedRuns<CandidatePair>& runs,
                                              uint32_t num_texts,
                                              const std::string& tmp_dir);

  uint64_t pairs() const { return pairs_; }
  // Texts in at least one pair.
  uint32_t texts() const { return static_cast<uint32_t>(paired_.size()); }
  // Scratch bytes written (the pairs file).
  uint64_t bytes() const;
  // Bytes held in memory (at most a bit and a half per text).
  uint64_t memory_bytes() const { return paired_.memory_bytes(); }
  // The number of a text in a pair among those texts, ascending (0 ...
  // texts() - 1); meaningless for another text.
  uint32_t Rank(uint32_t text) const { return paired_.IndexOf(text); }
  // The first text in a pair at or after `text`, or num_texts when none.
  uint32_t NextText(uint32_t text) const {
    return paired_.FirstAtOrAfter(text).value_or(num_texts_);
  }

  // ForEachComponentBatch()
  //
  // The connected components, ordered by smallest text, handed to `visit`
  // in batches that cost at most `batch_bytes` (8 bytes per pair, plus
  // Component::texts and text_bytes(text) per text; a component costing
  // more comes alone).
  // A component with more pairs than half of `batch_bytes` holds keeps
  // them in a scratch file (Component::spilled). Pairs are sorted by
  // component in `sort_bytes` of memory and the graph's tmp_dir, after
  // ReturnFreedPages() (base/release.h). Returns
  // the first error, of `visit` included; once `visit` fails it is not
  // called again.
  absl::Status ForEachComponentBatch(
      uint64_t sort_bytes, uint64_t batch_bytes,
      absl::FunctionRef<uint64_t(uint32_t)> text_bytes,
      absl::FunctionRef<absl::Status(std::vector<Component>&)> visit) const;

 private:
  CandidateGraph(uint32_t num_texts, std::string tmp_dir);
  // Reads the pairs back in order, in chunks.
  absl::Status ForEachPairChunk(
      absl::FunctionRef<void(absl::Span<const CandidatePair>)> visit) const;

  uint32_t num_texts_;
  std::string tmp_dir_;
  std::unique_ptr<SpillFile> file_;
  uint64_t pairs_ = 0;
  SortedIds paired_;  // texts in a pair
};

// FindSpilledCandidates()
//
// Step 3 of the streaming scan for one level, on top of PairBuckets():
// the band keys of every representative signature in `signatures` (`slots`
// of them, num_perm values each, in text order) go to sorted runs in
// `tmp_dir` holding a quarter of `usable_bytes`, and the signatures' low
// bytes to a file a quarter (32-bit values) or an eighth (64-bit) of their
// size; `signatures` is released then, and the runs merged and paired on
// the low bytes, the pairs kept sorted in an eighth of the budget. Texts
// are numbered below `num_texts`; `text_of(slot)` is the text a slot
// represents, or nullopt when the slot is not its text's representative;
// `slot_of(text)` is the reverse. Progress is reported as "<level>s:
// candidates" before the merge. Starts with ReturnFreedPages()
// (base/release.h), so that what the steps before freed leaves first.
struct SpilledCandidates {
  CandidateGraph graph;
  size_t band_runs = 0;         // sorted runs of band keys written to disk
  uint64_t band_bytes = 0;      // and their bytes
  uint64_t low_byte_bytes = 0;  // bytes of the signatures' low bytes
  uint64_t pair_bytes = 0;      // bytes of candidate pair runs written
};
template <typename Value>
absl::StatusOr<SpilledCandidates> FindSpilledCandidates(
    std::unique_ptr<SpillFile> signatures, uint32_t slots, uint32_t num_texts,
    const LshParams& lsh, const BucketPairing& pairing,
    const EngineOptions& options, const std::string& tmp_dir,
    uint64_t usable_bytes,
    absl::FunctionRef<std::optional<uint32_t>(uint32_t)> text_of,
    absl::FunctionRef<uint64_t(uint32_t)> slot_of, LevelStats& stats);

// How connected components are verified (VerifyComponent(),
// VerifyComponents()).
struct ComponentVerification {
  double threshold = 0.0;    // exact Jaccard a verified pair reaches
  uint64_t share_bytes = 0;  // of shingle sets held at a time
  uint64_t sort_bytes = 0;   // to sort the graph's pairs by component
  // VerifyComponents(): components of a batch verified at once;
  // VerifyComponent(): threads that verify the component's pairs.
  int threads = 1;
  std::string tmp_dir;  // for the verified pairs of a large component
};

// What `usable_bytes` leave for the shares of a step once `held_bytes` are
// held by arrays that grow with the corpus, and never less than an eighth
// of them (so that a step always has room to make progress).
uint64_t BudgetLeft(uint64_t usable_bytes, uint64_t held_bytes);

// The verification of one level within `usable_bytes`: components in
// batches whose shingle sets fit in a quarter of it (a larger one alone,
// verified in pieces of that size), their pairs sorted by component in
// another quarter; threshold and threads from `options`.
ComponentVerification LevelVerification(const EngineOptions& options,
                                        double threshold, uint64_t usable_bytes,
                                        const std::string& tmp_dir);

// VerifyComponent()
//
// Verifies `component`'s pairs on the exact shingle sets and clusters them
// without chaining, with the result of VerifyCandidates() and
// ClusterWithoutChaining() (cluster/cluster.h) over all its sets at once,
// but holding about options.share_bytes of sets at a time. `set_bytes(i)`
// is the size of text i's set (i indexes component.texts);
// `read_sets(indexes)` reads the sets of ascending indexes. Each cluster
// (ascending indexes) is passed to `emit` with the exact similarity of two
// of its members, while their sets are held. Returns the number of pairs
// verified, or the first error of reading, of scratch files or of `emit`.
// Pairs are verified on options.threads threads; the callbacks are called
// from the calling thread.
//
// A component whose sets fit in the share is read at once. A larger one
// (candidate pairs chain many texts) is verified in blocks of consecutive
// texts within half the share, each against its pairs' other texts read in
// chunks within the other half; the verified pairs go to a scratch file in
// options.tmp_dir and split the component into groups, each clustered on
// its own (clusters never cross them, so the result is the same): each
// text's verified neighbours are brought together by an external sort
// within a quarter of the share and held within another quarter, past
// which the group's lists are read back from a scratch file (one generic
// sentence can chain millions of verified pairs into one group). A group
// whose sets exceed the other half is clustered with its sets read as the
// clustering asks for them, kept within that half. Pairs are read in order
// through Component::ReadPairs(), those of one block at a time. Memory
// beyond the shares, for a larger component: a bit per text and ~20 bytes
// per pair of a block while it is verified, then 4 bytes per text with a
// verified pair and a bit and a half per text, and ~24 bytes per text of
// the group being clustered and 12 per cluster found in it (its texts and
// their degrees, ClusterWithoutChaining()'s arrays), whatever its number
// of pairs.
using ReadSets =
    absl::FunctionRef<absl::StatusOr<std::vector<std::vector<uint64_t>>>(
        absl::Span<const uint32_t>)>;
using EmitCluster = absl::FunctionRef<absl::Status(
    absl::Span<const uint32_t>, absl::FunctionRef<double(size_t, size_t)>)>;
absl::StatusOr<size_t> VerifyComponent(
    const Component& component, const ComponentVerification& options,
    absl::FunctionRef<uint64_t(uint32_t)> set_bytes, ReadSets read_sets,
    EmitCluster emit);

// VerifyComponents()
//
// Step 4 of the streaming scan for one level: the components of `graph`
// (their pairs sorted by component in options.sort_bytes), in batches whose
// sets take at most options.share_bytes, each verified and clustered by
// VerifyComponent(), the components of a batch on options.threads threads
// (one each; a component alone in its batch on all of them).
// `set_bytes(text)` sizes a text's set, `read_sets(component, indexes)`
// reads those of a component; `make_cluster(component, members,
// similarity)` describes a cluster (on several threads at once). Each
// cluster goes to `clusters` as it is found (Add() calls serialized, in no
// fixed order); verified pairs and clusters are counted into `stats`,
// components into `components`.
using ReadComponentSets =
    absl::FunctionRef<absl::StatusOr<std::vector<std::vector<uint64_t>>>(
        const Component&, absl::Span<const uint32_t>)>;
using MakeComponentCluster = absl::FunctionRef<absl::StatusOr<Cluster>(
    const Component&, absl::Span<const uint32_t>,
    absl::FunctionRef<double(size_t, size_t)>)>;
struct ComponentStats {
  size_t count = 0;    // components verified
  size_t largest = 0;  // distinct texts in the largest
};
absl::Status VerifyComponents(const CandidateGraph& graph,
                              const ComponentVerification& options,
                              absl::FunctionRef<uint64_t(uint32_t)> set_bytes,
                              ReadComponentSets read_sets,
                              MakeComponentCluster make_cluster,
                              ClusterSpill& clusters, LevelStats& stats,
                              ComponentStats& components);

// FirstError()
//
// The first error among the slots of parallel tasks, or OK.
absl::Status FirstError(const std::vector<absl::Status>& statuses);

}  // namespace neardup

#endif  // NEARDUP_ENGINE_SPILLED_CANDIDATES_H_
