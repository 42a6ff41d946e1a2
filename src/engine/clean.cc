#include "engine/clean.h"

#include <algorithm>
#include <utility>

#include "canonical/canonical.h"

namespace neardup {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

// Cuts the members of `cluster` in `doc`'s run [begin, end) of members but
// one, recording them in `decision`.
void CutRepeats(const Cluster& cluster, size_t begin, size_t end,
                CanonicalPolicy policy, absl::string_view date,
                CleanDecision& decision) {
  size_t keep;
  if (cluster.canonical >= begin && cluster.canonical < end) {
    keep = cluster.canonical;
  } else {
    std::vector<CanonicalCandidate> candidates;
    for (size_t i = begin; i < end; ++i) {
      candidates.push_back(
          CanonicalCandidate{cluster.members[i].normalized_length, date,
                             cluster.members[i].similarity});
    }
    keep = begin + ChooseCanonical(candidates, policy).index;
  }
  const Member& kept = cluster.members[keep];
  for (size_t i = begin; i < end; ++i) {
    if (i == keep) continue;
    const Member& cut = cluster.members[i];
    decision.removed.push_back(RemovedPassage{
        cut.start, cut.end, cluster.id, kept.start, kept.end, cut.similarity});
  }
}

}  // namespace

TouchedDecisions::TouchedDecisions(const EngineOptions& options)
    : passage_policy_(options.passage.canonical) {}

void TouchedDecisions::Add(const Cluster& c,
                           absl::FunctionRef<std::string(uint32_t)> date) {
  if (c.level == Level::kDocument) {
    const uint32_t canonical_doc = c.members[c.canonical].doc;
    for (const Member& m : c.members) {
      CleanDecision& d = decisions_[m.doc];
      d.cluster = c.id;
      if (m.doc != canonical_doc) {
        d.kept = false;
        d.duplicate_of = canonical_doc;
        d.similarity = m.similarity;
      }
    }
    return;
  }
  if (c.boilerplate) return;
  for (size_t begin = 0; begin < c.members.size();) {
    size_t end = begin + 1;
    const uint32_t doc = c.members[begin].doc;
    while (end < c.members.size() && c.members[end].doc == doc) ++end;
    if (end - begin >= 2) {
      CleanDecision& d = decisions_[doc];
      if (d.kept) CutRepeats(c, begin, end, passage_policy_, date(doc), d);
    }
    begin = end;
  }
}

absl::flat_hash_map<uint32_t, CleanDecision> TouchedDecisions::Finish() {
  for (auto& [doc, d] : decisions_) {
    std::sort(d.removed.begin(), d.removed.end(),
              [](const RemovedPassage& x, const RemovedPassage& y) {
                return x.start < y.start;
              });
  }
  return std::move(decisions_);
}

absl::flat_hash_map<uint32_t, CleanDecision> DecideCleanTouched(
    const ScanResult& scan, const EngineOptions& options,
    absl::FunctionRef<std::string(uint32_t)> date) {
  TouchedDecisions decisions(options);
  for (const Cluster& c : scan.clusters) {
    if (c.level == Level::kDocument) decisions.Add(c, date);
  }
  for (const Cluster& c : scan.clusters) {
    if (c.level == Level::kPassage) decisions.Add(c, date);
  }
  return decisions.Finish();
}

std::vector<CleanDecision> DecideClean(absl::Span<const Document> documents,
                                       const ScanResult& scan,
                                       const EngineOptions& options) {
  absl::flat_hash_map<uint32_t, CleanDecision> touched = DecideCleanTouched(
      scan, options, [&](uint32_t doc) { return documents[doc].date; });
  std::vector<CleanDecision> decisions(documents.size());
  for (auto& [doc, d] : touched) decisions[doc] = std::move(d);
  return decisions;
}

std::string ApplyRemovals(absl::string_view text,
                          absl::Span<const RemovedPassage> removed) {
  std::string out;
  out.reserve(text.size());
  size_t position = 0;
  for (const RemovedPassage& r : removed) {
    size_t start = std::max<size_t>(r.start, position);
    size_t end = std::max<size_t>(r.end, start);
    while (end < text.size() && IsSpace(text[end])) ++end;
    if (end == text.size()) {
      while (start > position && IsSpace(text[start - 1])) --start;
    }
    out.append(text.data() + position, start - position);
    position = end;
  }
  out.append(text.data() + position, text.size() - position);
  return out;
}

}  // namespace neardup
