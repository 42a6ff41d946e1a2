#include "eval/evaluate.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "engine/fingerprint.h"
#include "io/json_writer.h"
#include "normalize/normalize.h"
#include "shingle/shingle.h"

namespace neardup {
namespace {

constexpr size_t kExampleTextBytes = 300;

// Document index of every id; ids naming several documents map to kAmbiguous.
constexpr uint32_t kAmbiguous = ~uint32_t{0};

absl::flat_hash_map<std::string, uint32_t> IndexIds(
    absl::Span<const Document> documents) {
  absl::flat_hash_map<std::string, uint32_t> index;
  for (uint32_t i = 0; i < documents.size(); ++i) {
    auto [it, inserted] = index.try_emplace(documents[i].id, i);
    if (!inserted) it->second = kAmbiguous;
  }
  return index;
}

absl::StatusOr<uint32_t> Lookup(
    const absl::flat_hash_map<std::string, uint32_t>& index,
    const std::string& id, const std::string& source) {
  const auto it = index.find(id);
  if (it == index.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": id \"", id, "\" is not in the input"));
  }
  if (it->second == kAmbiguous) {
    return absl::InvalidArgumentError(absl::StrCat(
        source, ": id \"", id, "\" names several input documents"));
  }
  return it->second;
}

ItemPair Ordered(uint32_t a, uint32_t b) {
  return a < b ? ItemPair{a, b} : ItemPair{b, a};
}

// Document pairs the scan reports at `level` (see the header), sorted.
std::vector<ItemPair> PredictedPairs(const ScanResult& scan, Level level) {
  std::vector<std::vector<uint32_t>> groups;
  for (const Cluster& cluster : scan.clusters) {
    if (cluster.level != level || cluster.boilerplate) continue;
    std::vector<uint32_t> docs;
    for (const Member& m : cluster.members) docs.push_back(m.doc);
    std::sort(docs.begin(), docs.end());
    docs.erase(std::unique(docs.begin(), docs.end()), docs.end());
    if (docs.size() > 1) groups.push_back(std::move(docs));
  }
  // Overlapping groups are fine here: PairsOf() deduplicates.
  return PairsOf(groups);
}

// Exact similarities of example pairs, fingerprinting documents on demand.
class Similarity {
 public:
  Similarity(absl::Span<const Document> documents, const EngineOptions& options,
             Level level)
      : documents_(documents),
        options_(options),
        level_(level),
        cache_(documents.size()) {
    options_.level = level;
  }

  // Documents: Jaccard of their shingles; passages: their best passage pair.
  double Documents(uint32_t a, uint32_t b) {
    const DocumentFingerprint& fa = Get(a);
    const DocumentFingerprint& fb = Get(b);
    if (level_ == Level::kDocument) return Jaccard(fa.shingles, fb.shingles);
    double best = 0;
    for (const PassageFingerprint& pa : fa.passages) {
      if (pa.shingle_count == 0) continue;
      for (const PassageFingerprint& pb : fb.passages) {
        if (pb.shingle_count == 0) continue;
        best = std::max(best, Jaccard(fa.ShinglesOf(pa), fb.ShinglesOf(pb)));
      }
    }
    return best;
  }

  double Spans(const ExamplePair& p) {
    return Jaccard(SpanShingles(p.doc_a, p.start_a, p.end_a),
                   SpanShingles(p.doc_b, p.start_b, p.end_b));
  }

 private:
  const DocumentFingerprint& Get(uint32_t doc) {
    if (!cache_[doc]) {
      cache_[doc] = FingerprintDocument(documents_[doc].text, options_);
      MakeShingleSets(*cache_[doc]);
    }
    return *cache_[doc];
  }

  std::vector<uint64_t> SpanShingles(uint32_t doc, uint32_t start,
                                     uint32_t end) {
    const absl::string_view text =
        absl::string_view(documents_[doc].text).substr(start, end - start);
    return Shingle(NormalizeText(text), options_.passage.shingle);
  }

  absl::Span<const Document> documents_;
  EngineOptions options_;
  Level level_;
  std::vector<std::optional<DocumentFingerprint>> cache_;
};

void SortExamples(std::vector<ExamplePair>& examples, bool descending,
                  size_t keep) {
  std::sort(examples.begin(), examples.end(),
            [&](const ExamplePair& x, const ExamplePair& y) {
              if (x.similarity != y.similarity) {
                return descending ? x.similarity > y.similarity
                                  : x.similarity < y.similarity;
              }
              return std::tie(x.doc_a, x.doc_b, x.start_a, x.start_b) <
                     std::tie(y.doc_a, y.doc_b, y.start_a, y.start_b);
            });
  if (examples.size() > keep) examples.resize(keep);
}

std::vector<ExamplePair> DocumentExamples(absl::Span<const ItemPair> pairs,
                                          Similarity& similarity) {
  std::vector<ExamplePair> examples;
  examples.reserve(pairs.size());
  for (const auto& [a, b] : pairs) {
    ExamplePair e;
    e.doc_a = a;
    e.doc_b = b;
    e.similarity = similarity.Documents(a, b);
    examples.push_back(e);
  }
  return examples;
}

// Pairs of `all` that are not in `remove` (both sorted).
std::vector<ItemPair> Difference(absl::Span<const ItemPair> all,
                                 absl::Span<const ItemPair> remove) {
  std::vector<ItemPair> out;
  std::set_difference(all.begin(), all.end(), remove.begin(), remove.end(),
                      std::back_inserter(out));
  return out;
}

// Gold clusters of document indexes; `original` is a member's index or -1
// (see gold.h).
struct IndexedCluster {
  std::vector<uint32_t> members;  // sorted
  int64_t original = -1;
};

LevelEvaluation EvaluateClusters(absl::Span<const Document> documents,
                                 const ScanResult& scan,
                                 absl::Span<const IndexedCluster> clusters,
                                 Level level, Similarity& similarity,
                                 size_t examples) {
  LevelEvaluation e;
  e.level = level;
  std::vector<std::vector<uint32_t>> partition;
  std::vector<ItemPair> gold, unscored;
  for (const IndexedCluster& c : clusters) {
    partition.push_back(c.members);
    for (size_t i = 0; i < c.members.size(); ++i) {
      for (size_t j = i + 1; j < c.members.size(); ++j) {
        const ItemPair pair{c.members[i], c.members[j]};
        const bool scored = c.original < 0 || pair.first == c.original ||
                            pair.second == c.original;
        (scored ? gold : unscored).push_back(pair);
      }
    }
  }
  std::sort(gold.begin(), gold.end());
  std::sort(unscored.begin(), unscored.end());
  const std::vector<ItemPair> all_predicted = PredictedPairs(scan, level);
  const std::vector<ItemPair> predicted = Difference(all_predicted, unscored);
  e.gold_positives = gold.size();
  e.predicted_pairs = predicted.size();
  e.pairs = ScorePairs(gold, predicted);
  e.partition =
      ScorePartitions(documents.size(), partition,
                      ConnectedComponents(documents.size(), all_predicted));
  e.false_positives = DocumentExamples(Difference(predicted, gold), similarity);
  e.false_negatives = DocumentExamples(Difference(gold, predicted), similarity);
  SortExamples(e.false_positives, /*descending=*/true, examples);
  SortExamples(e.false_negatives, /*descending=*/false, examples);
  return e;
}

LevelEvaluation EvaluatePairs(const ScanResult& scan,
                              absl::Span<const ItemPair> pairs,
                              const std::vector<bool>& labels, Level level,
                              Similarity& similarity, size_t examples) {
  LevelEvaluation e;
  e.level = level;
  const std::vector<ItemPair> predicted = PredictedPairs(scan, level);
  e.predicted_pairs = predicted.size();
  e.pairs = ScoreLabelledPairs(pairs, labels, predicted);
  std::vector<ItemPair> false_positives, false_negatives;
  for (size_t i = 0; i < pairs.size(); ++i) {
    const ItemPair pair = Ordered(pairs[i].first, pairs[i].second);
    e.gold_positives += labels[i];
    const bool found =
        std::binary_search(predicted.begin(), predicted.end(), pair);
    if (found && !labels[i]) false_positives.push_back(pair);
    if (!found && labels[i]) false_negatives.push_back(pair);
  }
  e.false_positives = DocumentExamples(false_positives, similarity);
  e.false_negatives = DocumentExamples(false_negatives, similarity);
  SortExamples(e.false_positives, /*descending=*/true, examples);
  SortExamples(e.false_negatives, /*descending=*/false, examples);
  return e;
}

// A gold span: document and bytes.
struct Span {
  uint32_t doc, start, end;
};

bool Covers(uint32_t start, uint32_t end, const Span& span) {
  const uint32_t lo = std::max(start, span.start);
  const uint32_t hi = std::min(end, span.end);
  if (hi <= lo) return false;
  const uint32_t shorter = std::min(end - start, span.end - span.start);
  return 2 * (hi - lo) >= shorter;
}

LevelEvaluation EvaluateSpans(const ScanResult& scan,
                              const std::vector<std::vector<Span>>& gold,
                              Similarity& similarity, size_t examples) {
  LevelEvaluation e;
  e.level = Level::kPassage;
  // The gold spans of each document, as (cluster, member) ids.
  absl::flat_hash_map<uint32_t, std::vector<std::pair<uint32_t, uint32_t>>>
      spans_of_doc;
  for (uint32_t g = 0; g < gold.size(); ++g) {
    for (uint32_t k = 0; k < gold[g].size(); ++k) {
      spans_of_doc[gold[g][k].doc].emplace_back(g, k);
    }
  }
  // Gold pairs found, keyed (cluster, member, member).
  absl::flat_hash_set<std::tuple<uint32_t, uint32_t, uint32_t>> found;
  std::vector<ExamplePair> false_positives;
  for (const Cluster& cluster : scan.clusters) {
    if (cluster.level != Level::kPassage || cluster.boilerplate) continue;
    // The gold spans each member covers.
    std::vector<std::vector<std::pair<uint32_t, uint32_t>>> covered(
        cluster.members.size());
    bool touched = false;
    for (size_t i = 0; i < cluster.members.size(); ++i) {
      const Member& m = cluster.members[i];
      const auto it = spans_of_doc.find(m.doc);
      if (it == spans_of_doc.end()) continue;
      for (const auto& [g, k] : it->second) {
        if (Covers(m.start, m.end, gold[g][k])) {
          covered[i].emplace_back(g, k);
          touched = true;
        }
      }
    }
    if (!touched) continue;
    for (size_t i = 0; i < cluster.members.size(); ++i) {
      for (size_t j = i + 1; j < cluster.members.size(); ++j) {
        if (covered[i].empty() && covered[j].empty()) continue;
        ++e.predicted_pairs;
        bool correct = false;
        for (const auto& [gi, ki] : covered[i]) {
          for (const auto& [gj, kj] : covered[j]) {
            if (gi != gj || ki == kj) continue;
            correct = true;
            found.insert({gi, std::min(ki, kj), std::max(ki, kj)});
          }
        }
        if (correct) continue;
        const Member& a = cluster.members[i];
        const Member& b = cluster.members[j];
        ExamplePair x{a.doc, b.doc, a.start, a.end, b.start, b.end, 0};
        x.similarity = similarity.Spans(x);
        false_positives.push_back(x);
      }
    }
  }
  std::vector<ExamplePair> false_negatives;
  for (uint32_t g = 0; g < gold.size(); ++g) {
    for (uint32_t i = 0; i < gold[g].size(); ++i) {
      for (uint32_t j = i + 1; j < gold[g].size(); ++j) {
        ++e.gold_positives;
        if (found.contains({g, i, j})) continue;
        const Span& a = gold[g][i];
        const Span& b = gold[g][j];
        ExamplePair x{a.doc, b.doc, a.start, a.end, b.start, b.end, 0};
        x.similarity = similarity.Spans(x);
        false_negatives.push_back(x);
      }
    }
  }
  e.pairs =
      ScoreCounts(e.predicted_pairs - false_positives.size(), e.predicted_pairs,
                  e.gold_positives - false_negatives.size(), e.gold_positives);
  e.false_positives = std::move(false_positives);
  e.false_negatives = std::move(false_negatives);
  SortExamples(e.false_positives, /*descending=*/true, examples);
  SortExamples(e.false_negatives, /*descending=*/false, examples);
  return e;
}

absl::string_view GoldKindName(Gold::Kind kind) {
  switch (kind) {
    case Gold::Kind::kClusters:
      return "clusters";
    case Gold::Kind::kSpans:
      return "spans";
    case Gold::Kind::kPairs:
      return "pairs";
  }
  return "clusters";
}

std::string ExampleText(const Document& doc, uint32_t start, uint32_t end) {
  absl::string_view text = doc.text;
  if (end > start) text = text.substr(start, end - start);
  return Preview(text, kExampleTextBytes);
}

void AppendExamples(std::string& out, absl::string_view name,
                    absl::Span<const ExamplePair> examples,
                    absl::Span<const Document> documents) {
  absl::StrAppend(&out, ",\"", name, "\":[");
  for (size_t i = 0; i < examples.size(); ++i) {
    const ExamplePair& x = examples[i];
    if (i > 0) out.push_back(',');
    out.append("{\"a\":");
    AppendJsonString(out, documents[x.doc_a].id);
    out.append(",\"b\":");
    AppendJsonString(out, documents[x.doc_b].id);
    if (x.end_a > x.start_a) {
      absl::StrAppend(&out, ",\"start_a\":", x.start_a, ",\"end_a\":", x.end_a,
                      ",\"start_b\":", x.start_b, ",\"end_b\":", x.end_b);
    }
    absl::StrAppendFormat(&out,
                          ",\"similarity\":%.4f,\"text_a\":", x.similarity);
    AppendJsonString(out, ExampleText(documents[x.doc_a], x.start_a, x.end_a));
    out.append(",\"text_b\":");
    AppendJsonString(out, ExampleText(documents[x.doc_b], x.start_b, x.end_b));
    out.push_back('}');
  }
  out.push_back(']');
}

}  // namespace

absl::StatusOr<Evaluation> Evaluate(absl::Span<const Document> documents,
                                    const ScanResult& scan, const Gold& gold,
                                    const EngineOptions& options,
                                    const EvalOptions& eval_options) {
  Evaluation evaluation;
  evaluation.gold_kind = gold.kind;
  evaluation.documents = documents.size();
  const absl::flat_hash_map<std::string, uint32_t> index = IndexIds(documents);
  std::vector<Level> levels;
  if (options.documents() && gold.kind != Gold::Kind::kSpans) {
    levels.push_back(Level::kDocument);
  }
  if (options.passages()) levels.push_back(Level::kPassage);
  if (levels.empty()) {
    return absl::InvalidArgumentError(
        "span gold needs the passage level (--level=passage or both)");
  }

  if (gold.kind == Gold::Kind::kPairs) {
    std::vector<ItemPair> pairs;
    std::vector<bool> labels;
    for (const GoldPair& p : gold.pairs) {
      NEARDUP_ASSIGN_OR_RETURN(const uint32_t a, Lookup(index, p.a, p.source));
      NEARDUP_ASSIGN_OR_RETURN(const uint32_t b, Lookup(index, p.b, p.source));
      if (a == b) continue;  // a document is trivially its own duplicate
      pairs.emplace_back(a, b);
      labels.push_back(p.duplicate);
    }
    for (Level level : levels) {
      Similarity similarity(documents, options, level);
      evaluation.levels.push_back(EvaluatePairs(
          scan, pairs, labels, level, similarity, eval_options.examples));
    }
    return evaluation;
  }

  if (gold.kind == Gold::Kind::kSpans) {
    std::vector<std::vector<Span>> spans;
    for (const GoldCluster& cluster : gold.clusters) {
      std::vector<Span>& out = spans.emplace_back();
      for (const GoldMember& m : cluster.members) {
        NEARDUP_ASSIGN_OR_RETURN(const uint32_t doc,
                                 Lookup(index, m.doc, cluster.source));
        if (m.end > documents[doc].text.size()) {
          return absl::InvalidArgumentError(
              absl::StrCat(cluster.source, ": span [", m.start, ", ", m.end,
                           ") of \"", m.doc, "\" ends past its ",
                           documents[doc].text.size(), " bytes"));
        }
        out.push_back({doc, m.start, m.end});
      }
    }
    Similarity similarity(documents, options, Level::kPassage);
    evaluation.levels.push_back(
        EvaluateSpans(scan, spans, similarity, eval_options.examples));
    return evaluation;
  }

  std::vector<IndexedCluster> clusters;
  std::vector<bool> listed(documents.size(), false);
  for (const GoldCluster& cluster : gold.clusters) {
    IndexedCluster indexed;
    std::vector<uint32_t>& members = indexed.members;
    for (const GoldMember& m : cluster.members) {
      NEARDUP_ASSIGN_OR_RETURN(const uint32_t doc,
                               Lookup(index, m.doc, cluster.source));
      if (listed[doc]) {
        return absl::InvalidArgumentError(absl::StrCat(
            cluster.source, ": \"", m.doc, "\" is in an earlier cluster too"));
      }
      listed[doc] = true;
      members.push_back(doc);
      if (m.doc == cluster.original) indexed.original = doc;
    }
    std::sort(members.begin(), members.end());
    if (members.size() > 1) clusters.push_back(std::move(indexed));
  }
  for (Level level : levels) {
    Similarity similarity(documents, options, level);
    evaluation.levels.push_back(EvaluateClusters(
        documents, scan, clusters, level, similarity, eval_options.examples));
  }
  return evaluation;
}

std::string EvaluationJson(const Evaluation& evaluation,
                           absl::Span<const Document> documents) {
  std::string out;
  absl::StrAppend(&out, "{\"gold\":\"", GoldKindName(evaluation.gold_kind),
                  "\",\"documents\":", evaluation.documents, ",\"levels\":[");
  for (size_t i = 0; i < evaluation.levels.size(); ++i) {
    const LevelEvaluation& e = evaluation.levels[i];
    const PairScores& s = e.pairs;
    if (i > 0) out.push_back(',');
    absl::StrAppendFormat(
        &out,
        "{\"level\":\"%s\",\"gold_positives\":%d,\"predicted_pairs\":%d,"
        "\"true_positives\":%d,\"false_positives\":%d,\"false_negatives\":%d,"
        "\"precision\":%.4f,\"recall\":%.4f,\"f1\":%.4f",
        LevelName(e.level), e.gold_positives, e.predicted_pairs,
        s.true_positives, s.false_positives, s.false_negatives, s.precision,
        s.recall, s.f1);
    if (e.partition) {
      absl::StrAppendFormat(
          &out,
          ",\"ari\":%.4f,\"bcubed_precision\":%.4f,\"bcubed_recall\":%.4f,"
          "\"bcubed_f1\":%.4f",
          e.partition->adjusted_rand_index, e.partition->bcubed_precision,
          e.partition->bcubed_recall, e.partition->bcubed_f1);
    }
    AppendExamples(out, "worst_false_positives", e.false_positives, documents);
    AppendExamples(out, "worst_false_negatives", e.false_negatives, documents);
    out.push_back('}');
  }
  out.append("]}\n");
  return out;
}

std::string EvaluationTable(const Evaluation& evaluation,
                            absl::Span<const Document> documents) {
  std::string out = absl::StrFormat(
      "%d documents, %s gold\n\n%-9s %9s %9s %7s %7s %7s %7s %7s %7s %7s\n",
      evaluation.documents, GoldKindName(evaluation.gold_kind), "level", "gold",
      "predicted", "P", "R", "F1", "ARI", "B3-P", "B3-R", "B3-F1");
  for (const LevelEvaluation& e : evaluation.levels) {
    absl::StrAppendFormat(&out, "%-9s %9d %9d %7.4f %7.4f %7.4f",
                          LevelName(e.level), e.gold_positives,
                          e.predicted_pairs, e.pairs.precision, e.pairs.recall,
                          e.pairs.f1);
    if (e.partition) {
      absl::StrAppendFormat(&out, " %7.4f %7.4f %7.4f %7.4f",
                            e.partition->adjusted_rand_index,
                            e.partition->bcubed_precision,
                            e.partition->bcubed_recall, e.partition->bcubed_f1);
    }
    out.push_back('\n');
  }
  for (const LevelEvaluation& e : evaluation.levels) {
    const auto list = [&](absl::string_view title,
                          absl::Span<const ExamplePair> examples,
                          size_t total) {
      if (examples.empty()) return;
      absl::StrAppendFormat(&out, "\n%s, %s (%d of %d):\n", LevelName(e.level),
                            title, examples.size(), total);
      for (const ExamplePair& x : examples) {
        absl::StrAppendFormat(
            &out, "  %.4f  %s | %s\n    A: %s\n    B: %s\n", x.similarity,
            documents[x.doc_a].id, documents[x.doc_b].id,
            Preview(ExampleText(documents[x.doc_a], x.start_a, x.end_a), 150),
            Preview(ExampleText(documents[x.doc_b], x.start_b, x.end_b), 150));
      }
    };
    list("worst false positives", e.false_positives, e.pairs.false_positives);
    list("worst false negatives", e.false_negatives, e.pairs.false_negatives);
  }
  return out;
}

}  // namespace neardup
