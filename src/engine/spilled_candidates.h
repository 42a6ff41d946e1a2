// engine/spilled_candidates.h: LSH candidates found from band keys and
// signatures on disk, and the candidates split into connected components;
// shared by the streaming scan's two levels (engine/stream_scan.h).
//
// Why: a corpus larger than memory cannot hold its band keys, so they go to
// sorted runs (io/spill.h) and are merged bucket by bucket. The pairs that
// come out must be the ones lsh/lsh.h FindCandidates() finds in memory, so
// that the streaming scan reports what the in-memory scan reports: buckets
// are visited in (band, key) order, members in ascending text number, each
// bucket paired by ForEachBucketPair() and each pair kept only when the two
// signatures agree in enough positions. The pairs then split into connected
// components, independent pieces of verification work.
//
// Example:
//   NEARDUP_ASSIGN_OR_RETURN(std::vector<TextPair> pairs,
//       PairBuckets<uint32_t>(*runs, pairing, read_signature, stats));
//   for (const Component& c : SplitComponents(pairs)) { ... }

#ifndef NEARDUP_ENGINE_SPILLED_CANDIDATES_H_
#define NEARDUP_ENGINE_SPILLED_CANDIDATES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/options.h"
#include "engine/scan.h"
#include "io/spill.h"
#include "lsh/lsh.h"

namespace neardup {

// Two distinct texts, first < second.
using TextPair = std::pair<uint32_t, uint32_t>;

// One band key of one distinct text. `text` numbers texts in the order the
// in-memory scan numbers its groups (any increasing numbering will do).
struct BandEntry {
  uint32_t band;
  uint32_t text;
  uint64_t key;
  bool operator<(const BandEntry& o) const {
    if (band != o.band) return band < o.band;
    if (key != o.key) return key < o.key;
    return text < o.text;
  }
  // Orders as operator< does, less finely (io/spill.h sorts runs by it):
  // the band in the top 6 bits, then the key's top bits. Bands from 63 on
  // share one value.
  uint64_t sort_key() const {
    return band < 63 ? (uint64_t{band} << 58) | (key >> 6) : uint64_t{63} << 58;
  }
};

struct BucketPairing {
  size_t num_perm = 128;  // values per signature
  size_t needed = 0;      // agreeing values a pair needs (AgreementNeeded)
  size_t max_bucket = 200;
  size_t pair_capacity = 1 << 16;        // pairs held before giving up
  absl::string_view level = "document";  // names the level in errors
  int threads = 1;  // buckets are paired on this many threads
};

// The pairing of one level (`level` names it in errors): pairs kept at the
// estimate floor of `threshold` with `num_perm` values, max_bucket and
// threads from `options`, pairs held in an eighth of `usable_bytes`.
BucketPairing LevelPairing(const EngineOptions& options, double threshold,
                           int num_perm, uint64_t usable_bytes,
                           absl::string_view level);

// PairBuckets()
//
// Merges `runs` into buckets and pairs each bucket as FindCandidates()
// does, on pairing.threads threads; `read_signature(text, out)` fills a
// text's num_perm values (called from several threads at once). Counts
// candidates, pruned pairs and oversized buckets into `stats`. Returns the
// sorted, unique pairs; kResourceExhausted (naming the level and what to
// raise) when more than half of pair_capacity remain after deduplication,
// or the first error of reading.
template <typename Value>
absl::StatusOr<std::vector<TextPair>> PairBuckets(
    SortedRuns<BandEntry>& runs, const BucketPairing& pairing,
    absl::FunctionRef<absl::Status(uint32_t, Value*)> read_signature,
    LevelStats& stats);

// FindSpilledCandidates()
//
// Step 3 of the streaming scan for one level, on top of PairBuckets():
// the band keys of every representative signature in `signatures` (`slots`
// of them, num_perm values each, in text order) go to sorted runs in
// `tmp_dir` holding a quarter of `usable_bytes`, and are merged and paired.
// `text_of(slot)` is the text a slot represents, or nullopt when the slot
// is not its text's representative; `slot_of(text)` is the reverse.
// Progress is reported as "<level>s: candidates" before the merge.
struct SpilledCandidates {
  std::vector<TextPair> pairs;  // sorted, unique
  size_t band_runs = 0;         // sorted runs of band keys written to disk
  uint64_t band_bytes = 0;      // and their bytes
};
template <typename Value>
absl::StatusOr<SpilledCandidates> FindSpilledCandidates(
    const SpillFile& signatures, uint32_t slots, const LshParams& lsh,
    const BucketPairing& pairing, const EngineOptions& options,
    const std::string& tmp_dir, uint64_t usable_bytes,
    absl::FunctionRef<std::optional<uint32_t>(uint32_t)> text_of,
    absl::FunctionRef<uint64_t(uint32_t)> slot_of, LevelStats& stats);

// A connected component of candidate pairs.
struct Component {
  std::vector<uint32_t> texts;  // ascending
  // Each pair of the component as indexes into `texts`, in input order.
  std::vector<TextPair> pairs;
};

// SplitComponents()
//
// The connected components of `pairs`, ordered by their smallest text.
// Memory and time O(pairs log pairs), whatever the numbers of the texts.
std::vector<Component> SplitComponents(const std::vector<TextPair>& pairs);

// FirstError()
//
// The first error among the slots of parallel tasks, or OK.
absl::Status FirstError(const std::vector<absl::Status>& statuses);

}  // namespace neardup

#endif  // NEARDUP_ENGINE_SPILLED_CANDIDATES_H_
