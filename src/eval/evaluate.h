// eval/evaluate.h: scoring a scan against a gold standard, with the worst
// mistakes listed for a person to read.
//
// Why: a threshold is only as good as the pairs it gets wrong. Evaluate()
// turns a ScanResult and a Gold into the numbers users compare tools by and
// the examples they need to move a threshold.
//
// What is predicted at each level:
//   - document: two documents are duplicates when one document cluster
//     holds both;
//   - passage: two documents are predicted to share text when one
//     (non-boilerplate) passage cluster has members in both. This is the
//     syndication question ("is B a copy, maybe trimmed, of A?"); for a
//     corpus of single sentences (MSRP) it is sentence-pair duplication.
//     The partition scored by ARI and B-cubed is the connected components of
//     these pairs.
//   - span gold (passage level only): a gold span pair is found when one
//     passage cluster has a member covering at least half of each span (of
//     the shorter of member and span). Precision is measured on the predicted
//     member pairs that touch a gold span: the rest of the corpus is not
//     labelled at passage level.
// Labelled-pair gold (.tsv) scores only the labelled pairs; cluster gold
// treats every unlisted pair as distinct, except pairs of two copies in a
// cluster that names its original (not scored; see gold.h).
//
// Examples carry the pair's exact Jaccard under the level's shingles (for
// documents at passage level: their most similar passage pair), false
// positives most similar first, false negatives least similar first.
//
// Example:
//   NEARDUP_ASSIGN_OR_RETURN(Evaluation e,
//       Evaluate(corpus.documents, scan, gold, options, {.examples = 10}));
//   std::cout << EvaluationTable(e, corpus.documents);

#ifndef NEARDUP_EVAL_EVALUATE_H_
#define NEARDUP_EVAL_EVALUATE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/options.h"
#include "engine/scan.h"
#include "eval/gold.h"
#include "eval/metrics.h"
#include "io/reader.h"

namespace neardup {

struct EvalOptions {
  size_t examples = 10;  // false positives and negatives listed per level
};

// A pair of documents, or of spans (start < end) inside them.
struct ExamplePair {
  uint32_t doc_a = 0;
  uint32_t doc_b = 0;
  uint32_t start_a = 0, end_a = 0;  // 0, 0 for whole documents
  uint32_t start_b = 0, end_b = 0;
  double similarity = 0;
};

struct LevelEvaluation {
  Level level = Level::kDocument;  // kDocument or kPassage
  size_t gold_positives = 0;       // gold pairs that are duplicates
  size_t predicted_pairs = 0;      // pairs the scan reports (see above)
  PairScores pairs;
  std::optional<PartitionScores> partition;  // with cluster gold
  std::vector<ExamplePair> false_positives;  // most similar first
  std::vector<ExamplePair> false_negatives;  // least similar first
};

struct Evaluation {
  Gold::Kind gold_kind = Gold::Kind::kClusters;
  size_t documents = 0;
  std::vector<LevelEvaluation> levels;  // the levels `options` ran
};

// Evaluate()
//
// Scores `scan` (of `documents`, with `options`) against `gold`.
// kInvalidArgument, naming the gold file and line, for a gold id that is not
// in `documents` or names several of them, a span outside its document, or
// span gold without the passage level.
absl::StatusOr<Evaluation> Evaluate(absl::Span<const Document> documents,
                                    const ScanResult& scan, const Gold& gold,
                                    const EngineOptions& options,
                                    const EvalOptions& eval_options);

// One JSON object (with a newline):
//   {"gold":"clusters"|"spans"|"pairs","documents":N,"levels":[{"level":...,
//    "gold_positives":N,"predicted_pairs":N,"true_positives":N,
//    "false_positives":N,"false_negatives":N,"precision":P,"recall":R,
//    "f1":F,"ari":A,"bcubed_precision":P,"bcubed_recall":R,"bcubed_f1":F,
//    "worst_false_positives":[EXAMPLE...],"worst_false_negatives":[...]}]}
// EXAMPLE = {"a":ID,"b":ID,"similarity":J,"text_a":"...","text_b":"..."}
// (span examples add "start_a", "end_a", "start_b", "end_b"; texts are
// previews of at most 300 bytes). Partition scores are present with cluster
// gold only.
std::string EvaluationJson(const Evaluation& evaluation,
                           absl::Span<const Document> documents);

// The same for a person: a table of scores, then the examples.
std::string EvaluationTable(const Evaluation& evaluation,
                            absl::Span<const Document> documents);

}  // namespace neardup

#endif  // NEARDUP_EVAL_EVALUATE_H_
