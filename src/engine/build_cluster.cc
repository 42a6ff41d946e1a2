#include "engine/build_cluster.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace neardup {

Cluster BuildCluster(Level level, std::vector<Member> members,
                     absl::Span<const std::string> dates,
                     CanonicalPolicy policy,
                     absl::FunctionRef<double(size_t, size_t)> similarity) {
  const size_t n = members.size();
  std::vector<CanonicalCandidate> candidates(n);
  for (size_t i = 0; i < n; ++i) {
    candidates[i].length = members[i].normalized_length;
    candidates[i].date = dates[i];
  }
  if (policy == CanonicalPolicy::kCentral) {
    for (size_t i = 0; i < n; ++i) {
      double sum = 0;
      for (size_t j = 0; j < n; ++j) {
        if (i != j) sum += similarity(i, j);
      }
      candidates[i].centrality = sum / static_cast<double>(n - 1);
    }
  }
  CanonicalChoice choice = ChooseCanonical(candidates, policy);
  Cluster cluster;
  cluster.level = level;
  cluster.canonical = choice.index;
  cluster.reason = std::move(choice.reason);
  for (size_t i = 0; i < n; ++i) {
    members[i].similarity = similarity(i, choice.index);
  }
  cluster.members = std::move(members);
  return cluster;
}

Cluster BoilerplateCluster(std::vector<Member> members, size_t distinct_docs) {
  Cluster cluster;
  cluster.level = Level::kPassage;
  cluster.boilerplate = true;
  cluster.members = std::move(members);
  cluster.reason = absl::StrCat(
      "boilerplate: identical after normalization in ", distinct_docs,
      " documents; the first occurrence stands for all");
  return cluster;
}

OverlapFinder::OverlapFinder(size_t documents)
    : document_cluster_(documents, 0) {}

void OverlapFinder::Add(const Cluster& c) {
  if (c.level == Level::kDocument) {
    for (const Member& m : c.members) document_cluster_[m.doc] = c.id;
    return;
  }
  if (c.boilerplate) return;
  // Members are in (doc, start) order: runs of one document.
  std::vector<std::pair<size_t, size_t>> runs;  // [begin, end) in members
  for (size_t i = 0; i < c.members.size(); ++i) {
    if (i == 0 || c.members[i].doc != c.members[i - 1].doc) {
      runs.emplace_back(i, i + 1);
    } else {
      runs.back().second = i + 1;
    }
  }
  for (size_t x = 0; x < runs.size(); ++x) {
    for (size_t y = x + 1; y < runs.size(); ++y) {
      const uint32_t a = c.members[runs[x].first].doc;
      const uint32_t b = c.members[runs[y].first].doc;
      if (document_cluster_[a] != 0 &&
          document_cluster_[a] == document_cluster_[b]) {
        continue;
      }
      Shared& s = shared_[{a, b}];
      ++s.clusters;
      for (size_t i = runs[x].first; i < runs[x].second; ++i) {
        s.starts_a.push_back(c.members[i].start);
      }
      for (size_t i = runs[y].first; i < runs[y].second; ++i) {
        s.starts_b.push_back(c.members[i].start);
      }
    }
  }
}

std::vector<Overlap> OverlapFinder::Finish(
    absl::Span<const uint32_t> eligible,
    absl::FunctionRef<std::string(uint32_t)> date) {
  absl::flat_hash_map<std::pair<uint32_t, uint32_t>, Shared> shared =
      std::move(shared_);
  shared_.clear();
  auto distinct = [](std::vector<uint32_t>& v) {
    std::sort(v.begin(), v.end());
    return static_cast<size_t>(std::unique(v.begin(), v.end()) - v.begin());
  };
  std::vector<Overlap> overlaps;
  overlaps.reserve(shared.size());
  for (auto& [docs, s] : shared) {
    Overlap o;
    o.doc_a = docs.first;
    o.doc_b = docs.second;
    o.shared_passages = s.clusters;
    o.fraction_a = static_cast<double>(distinct(s.starts_a)) /
                   static_cast<double>(std::max<size_t>(1, eligible[o.doc_a]));
    o.fraction_b = static_cast<double>(distinct(s.starts_b)) /
                   static_cast<double>(std::max<size_t>(1, eligible[o.doc_b]));
    const std::string date_a = date(o.doc_a);
    const std::string date_b = date(o.doc_b);
    if (!date_a.empty() && !date_b.empty() && date_a != date_b) {
      o.earlier = date_a < date_b ? o.doc_a : o.doc_b;
    }
    overlaps.push_back(o);
  }
  std::sort(overlaps.begin(), overlaps.end(),
            [](const Overlap& x, const Overlap& y) {
              if (x.shared_passages != y.shared_passages) {
                return x.shared_passages > y.shared_passages;
              }
              const double fx = std::max(x.fraction_a, x.fraction_b);
              const double fy = std::max(y.fraction_a, y.fraction_b);
              if (fx != fy) return fx > fy;
              return std::pair(x.doc_a, x.doc_b) < std::pair(y.doc_a, y.doc_b);
            });
  return overlaps;
}

std::vector<Overlap> FindOverlaps(
    const std::vector<Cluster>& clusters, absl::Span<const uint32_t> eligible,
    absl::FunctionRef<std::string(uint32_t)> date) {
  OverlapFinder finder(eligible.size());
  for (const Cluster& c : clusters) {
    if (c.level == Level::kDocument) finder.Add(c);
  }
  for (const Cluster& c : clusters) {
    if (c.level == Level::kPassage) finder.Add(c);
  }
  return finder.Finish(eligible, date);
}

}  // namespace neardup
