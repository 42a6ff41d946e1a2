#include "engine/build_cluster.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "base/hash.h"
#include "base/parallel.h"
#include "base/release.h"

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

void ForEachSharedPair(
    const Cluster& c, absl::Span<const uint32_t> document_cluster,
    absl::FunctionRef<void(uint32_t, uint32_t, absl::Span<const Member>,
                           absl::Span<const Member>)>
        visit) {
  if (c.level != Level::kPassage || c.boilerplate) return;
  // Members are in (doc, start) order: runs of one document.
  std::vector<absl::Span<const Member>> runs;
  for (size_t i = 0; i < c.members.size(); ++i) {
    if (i == 0 || c.members[i].doc != c.members[i - 1].doc) {
      runs.emplace_back(c.members.data() + i, 1);
    } else {
      runs.back() =
          absl::MakeConstSpan(runs.back().data(), runs.back().size() + 1);
    }
  }
  for (size_t x = 0; x < runs.size(); ++x) {
    for (size_t y = x + 1; y < runs.size(); ++y) {
      const uint32_t a = runs[x].front().doc;
      const uint32_t b = runs[y].front().doc;
      if (document_cluster[a] != 0 &&
          document_cluster[a] == document_cluster[b]) {
        continue;
      }
      visit(a, b, runs[x], runs[y]);
    }
  }
}

Overlap MakeOverlap(uint32_t a, uint32_t b, size_t clusters, size_t distinct_a,
                    size_t distinct_b, absl::Span<const uint32_t> eligible,
                    absl::FunctionRef<std::string(uint32_t)> date) {
  Overlap o;
  o.doc_a = a;
  o.doc_b = b;
  o.shared_passages = clusters;
  o.fraction_a = static_cast<double>(distinct_a) /
                 static_cast<double>(std::max<size_t>(1, eligible[a]));
  o.fraction_b = static_cast<double>(distinct_b) /
                 static_cast<double>(std::max<size_t>(1, eligible[b]));
  const std::string date_a = date(a);
  const std::string date_b = date(b);
  if (!date_a.empty() && !date_b.empty() && date_a != date_b) {
    o.earlier = date_a < date_b ? a : b;
  }
  return o;
}

bool OverlapBefore(const Overlap& x, const Overlap& y) {
  if (x.shared_passages != y.shared_passages) {
    return x.shared_passages > y.shared_passages;
  }
  const double fx = std::max(x.fraction_a, x.fraction_b);
  const double fy = std::max(y.fraction_a, y.fraction_b);
  if (fx != fy) return fx > fy;
  return std::pair(x.doc_a, x.doc_b) < std::pair(y.doc_a, y.doc_b);
}

std::vector<Overlap> FindOverlaps(const std::vector<Cluster>& clusters,
                                  absl::Span<const uint32_t> eligible,
                                  absl::FunctionRef<std::string(uint32_t)> date,
                                  int threads) {
  std::vector<uint32_t> document_cluster(eligible.size(), 0);
  for (const Cluster& c : clusters) {
    if (c.level != Level::kDocument) continue;
    for (const Member& m : c.members) document_cluster[m.doc] = c.id;
  }
  struct Shared {
    size_t clusters = 0;
    std::vector<uint32_t> starts_a, starts_b;  // passages, by start offset
  };
  auto distinct = [](std::vector<uint32_t>& v) {
    std::sort(v.begin(), v.end());
    return static_cast<size_t>(std::unique(v.begin(), v.end()) - v.begin());
  };
  // Pairs of documents fall into one shard per worker by a hash of the
  // pair; each worker reads every cluster and keeps its own shard's pairs.
  const size_t shards = ParallelWorkers(clusters.size(), threads);
  std::vector<std::vector<Overlap>> found(shards);
  ParallelFor(shards, threads, [&](size_t shard) {
    absl::flat_hash_map<std::pair<uint32_t, uint32_t>, Shared> shared;
    for (const Cluster& c : clusters) {
      ForEachSharedPair(
          c, document_cluster,
          [&](uint32_t a, uint32_t b, absl::Span<const Member> in_a,
              absl::Span<const Member> in_b) {
            if (Mix64(uint64_t{a} << 32 | b) % shards != shard) return;
            Shared& s = shared[{a, b}];
            ++s.clusters;
            for (const Member& m : in_a) s.starts_a.push_back(m.start);
            for (const Member& m : in_b) s.starts_b.push_back(m.start);
          });
    }
    found[shard].reserve(shared.size());
    for (auto& [docs, s] : shared) {
      found[shard].push_back(MakeOverlap(docs.first, docs.second, s.clusters,
                                         distinct(s.starts_a),
                                         distinct(s.starts_b), eligible, date));
    }
  });
  std::vector<Overlap> overlaps;
  for (std::vector<Overlap>& in_shard : found) {
    overlaps.insert(overlaps.end(), in_shard.begin(), in_shard.end());
    Release(in_shard);
  }
  std::sort(overlaps.begin(), overlaps.end(), OverlapBefore);
  return overlaps;
}

}  // namespace neardup
