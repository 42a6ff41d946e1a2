// tools/generate/generator.h: a seeded generator of news corpora with known
// near-duplicates, for measuring recall and precision where no labels exist
// and for benchmarking at any size.
//
// What it writes, from real source articles:
//   - families: an original and 1..max_reprints reprints, as wire copy is
//     reprinted: trimmed to its first paragraphs, words substituted at
//     `edit_rate`, a sentence dropped or inserted, the headline reworded,
//     paragraphs reordered, OCR-like character noise;
//   - pasted passages: a sentence or two of one article pasted into an
//     unrelated one;
//   - repeats: a sentence repeated later in the same article with a word or
//     two changed;
//   - singletons: everything else, each source used once. Past the sources
//     (`target_bytes`), originals are synthesized from a word-bigram model of
//     the sources, so a corpus can be made as large as needed without
//     repeating text.
// The gold goes to a GeneratorSink together with the documents: families,
// pasted pairs and repeats with byte spans into the final texts.
//
// Output depends only on the sources and the options (seeded counter-based
// random numbers, no std distributions), so it is the same on every
// platform.
//
// Example:
//   GeneratorOptions options;
//   options.edit_rate = 0.2;
//   NEARDUP_RETURN_IF_ERROR(GenerateCorpus(sources, options, sink));

#ifndef NEARDUP_TOOLS_GENERATE_GENERATOR_H_
#define NEARDUP_TOOLS_GENERATE_GENERATOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"

namespace neardup {

struct GeneratorOptions {
  uint64_t seed = 1;
  double family_fraction = 0.3;  // originals that get reprints
  int max_reprints = 4;          // reprints per family: 1..max
  double edit_rate = 0.1;        // share of a reprint's words substituted
  double trim_fraction = 0.3;    // reprints cut to their first paragraphs
  double ocr_fraction = 0.2;     // reprints given OCR-like noise
  double ocr_rate = 0.01;        // share of look-alike letters altered in those
  double paste_fraction = 0.05;  // singletons that donate a pasted passage
  double repeat_fraction = 0.05;  // singletons with a repeated sentence
  // Stop after about this many bytes of text; 0: use every source once.
  uint64_t target_bytes = 0;

  absl::Status Validate() const;
};

struct GeneratedDocument {
  std::string id;
  std::string text;
  std::string role;     // "original", "reprint", "singleton"
  int64_t family = -1;  // family number, -1 outside families
  bool trimmed = false;
  double edit_rate = 0;  // share of words substituted
};

struct GoldSpan {
  std::string doc;
  uint32_t start = 0;
  uint32_t end = 0;
};

// Receives the corpus in order. Gold about a document always follows it.
class GeneratorSink {
 public:
  virtual ~GeneratorSink() = default;
  virtual absl::Status Document(const GeneratedDocument& document) = 0;
  // A family: the original first, then its reprints.
  virtual absl::Status Family(const std::vector<std::string>& members) = 0;
  // Two spans holding the same (possibly reworded) passage: pasted across
  // documents, or repeated inside one.
  virtual absl::Status SharedPassage(const GoldSpan& a, const GoldSpan& b) = 0;
};

// GenerateCorpus()
//
// Writes the corpus generated from `sources` (article texts, paragraphs
// separated by blank lines or lines) to `sink`. kInvalidArgument for bad
// options or no usable source; errors from `sink` are returned as they are.
absl::Status GenerateCorpus(absl::Span<const std::string> sources,
                            const GeneratorOptions& options,
                            GeneratorSink& sink);

}  // namespace neardup

#endif  // NEARDUP_TOOLS_GENERATE_GENERATOR_H_
