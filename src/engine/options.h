// engine/options.h: every knob of a neardup run, with the defaults users get.
//
// Why these defaults (measured; see README "Choosing the defaults"):
//   - documents: word 5-grams, Jaccard >= 0.7. Whole articles have hundreds
//     of word 5-grams; edited reprints keep most of them, different articles
//     on one topic share almost none.
//   - passages: character 4-grams, Jaccard >= 0.52. Sentences are short, so a
//     changed word costs few character 4-grams. On the seed corpus the
//     loosest true pair (the 003/004 lead sentences) scores 0.539 and the
//     closest unrelated pair 0.483; on MSRP this scores precision 0.872 at
//     recall 0.504 (plain character 5-gram Jaccard >= 0.5: 0.87 at 0.48).
//   - passages of fewer than 4 words are not fingerprinted ("Related
//     Articles" is no evidence of copying) unless they repeat across at
//     least `boilerplate_min_docs` documents, which makes them boilerplate.
//   - 128 permutations of 32-bit values; LSH bands x rows chosen per level
//     from its threshold.
//
// Example:
//   EngineOptions options;
//   options.passage.threshold = 0.5;
//   NEARDUP_RETURN_IF_ERROR(options.Validate());

#ifndef NEARDUP_ENGINE_OPTIONS_H_
#define NEARDUP_ENGINE_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "canonical/canonical.h"
#include "lsh/lsh.h"
#include "shingle/shingle.h"

namespace neardup {

// Which granularity a run or a cluster is about.
enum class Level { kDocument, kPassage, kBoth };

// "document", "passage" or "both"; kInvalidArgument otherwise.
absl::StatusOr<Level> ParseLevel(absl::string_view name);
absl::string_view LevelName(Level level);

// What a running Scan is doing, for a progress display. `total` is 0 when
// the amount of work is not known ahead (a streaming scan reports documents
// done so far).
struct Progress {
  absl::string_view stage;  // "fingerprint", "documents: candidates", ...
  size_t done = 0;
  size_t total = 0;
};

struct LevelOptions {
  ShingleSpec shingle;
  double threshold = 0.7;  // exact Jaccard a verified pair must reach
  CanonicalPolicy canonical = CanonicalPolicy::kLongest;
  LshParams lsh;  // {0, 0}: chosen from threshold and num_perm
};

struct EngineOptions {
  Level level = Level::kBoth;
  LevelOptions document{
      ShingleSpec{ShingleKind::kWord, 5}, 0.7, CanonicalPolicy::kLongest, {}};
  LevelOptions passage{
      ShingleSpec{ShingleKind::kChar, 4}, 0.52, CanonicalPolicy::kLongest, {}};
  int num_perm = 128;
  // Width of signature values: 32 (default: 4x faster signing on AVX2, half
  // the memory, the same measured estimate error) or 64.
  int signature_bits = 32;
  uint64_t seed = 1;
  int threads = 1;
  int min_passage_words = 4;
  // Leave a leading mail/Usenet header block out of fingerprints (see
  // MessageHeaderEnd() in segment/segment.h).
  bool skip_headers = true;
  // An identical passage in at least this many documents is boilerplate.
  size_t boilerplate_min_docs = 50;
  // LSH buckets above this size are paired in linear time (see lsh/lsh.h).
  size_t max_bucket = 200;
  // Called now and then while Scan runs, from any of its threads but never
  // concurrently; it must return quickly. Empty: no reports.
  std::function<void(const Progress&)> progress;

  bool documents() const { return level != Level::kPassage; }
  bool passages() const { return level != Level::kDocument; }

  // kInvalidArgument naming the first bad option.
  absl::Status Validate() const;

  // The LSH parameters a level runs with: its override, or the optimum.
  absl::StatusOr<LshParams> EffectiveLsh(const LevelOptions& level) const;
};

// ExplainLsh()
//
// A few lines for a person: each level's bands x rows and the probability
// that a pair becomes a candidate at Jaccard 0.3 ... 0.95.
absl::StatusOr<std::string> ExplainLsh(const EngineOptions& options);

}  // namespace neardup

#endif  // NEARDUP_ENGINE_OPTIONS_H_
