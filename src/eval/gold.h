// eval/gold.h: reading the gold standard a run is scored against.
//
// Two formats, chosen by the file name:
//   - *.tsv: labelled pairs, one per line: `id1 <TAB> id2 <TAB> label`
//     (label 1 = duplicate, 0 = not). A header line naming the columns
//     (`id1`, `id2`, `label`, in any position among others, as in MSRP's
//     `split id1 id2 label`) is honoured; without one the first three
//     columns are used. Only the labelled pairs are scored.
//   - anything else: JSON lines, one gold cluster each, with a "members"
//     array. Members are document ids (strings or numbers), and then every
//     document not listed is a singleton; or spans
//     {"doc": ID, "start": B, "end": B} (bytes of the document text, as the
//     report's), for passage-level gold such as a sentence repeated inside
//     an article. An id cluster may name its "original" (one of its
//     members): then only the pairs of the original with each other member
//     are gold, and pairs of two other members are not scored (two reprints
//     of one story, each edited by 20%, differ from each other by more than
//     "a reprint with 20% of its words edited").
//
// Example:
//   NEARDUP_ASSIGN_OR_RETURN(Gold gold, ReadGold("clusters.jsonl"));

#ifndef NEARDUP_EVAL_GOLD_H_
#define NEARDUP_EVAL_GOLD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace neardup {

struct GoldMember {
  std::string doc;
  // Byte span for span gold; both 0 for a whole document.
  uint32_t start = 0;
  uint32_t end = 0;
};

struct GoldPair {
  std::string a;
  std::string b;
  bool duplicate = false;
  std::string source;  // "path:line", for messages
};

struct GoldCluster {
  std::vector<GoldMember> members;
  std::string original;  // empty, or a member id (see above)
  std::string source;    // "path:line"
};

struct Gold {
  enum class Kind { kClusters, kSpans, kPairs };
  Kind kind = Kind::kClusters;
  std::vector<GoldCluster> clusters;  // kClusters and kSpans
  std::vector<GoldPair> pairs;        // kPairs
};

// ReadGold()
//
// Reads `path` as described above. Errors name the file and line:
// kNotFound if it cannot be opened, kInvalidArgument for a malformed line, a
// cluster mixing ids and spans, or a file mixing both kinds.
absl::StatusOr<Gold> ReadGold(const std::string& path);

}  // namespace neardup

#endif  // NEARDUP_EVAL_GOLD_H_
