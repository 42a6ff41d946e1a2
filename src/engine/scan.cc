#include "engine/scan.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>
#include <mutex>
#include <utility>

#include "base/append_arena.h"
#include "base/parallel.h"
#include "base/release.h"
#include "base/status_macros.h"
#include "canonical/canonical.h"
#include "cluster/cluster.h"
#include "engine/build_cluster.h"
#include "engine/fingerprint.h"
#include "minhash/minhash.h"
#include "shingle/shingle.h"

namespace neardup {
namespace {

void Report(const EngineOptions& options, const Progress& progress) {
  if (options.progress) options.progress(progress);
}

// One text that takes part in clustering: a whole document or a passage.
struct Item {
  uint32_t doc = 0;
  uint32_t start = 0;
  uint32_t end = 0;
  uint32_t normalized_length = 0;
  uint64_t exact_key = 0;
  // Shingle hashes in text order (engine/fingerprint.h), in an arena; made
  // a set in place once the item is an LSH candidate (MakeCandidateSets()).
  // Only sets are ever compared.
  absl::Span<uint64_t> shingles;
  bool eligible = false;  // enough words for near-duplicate search
};

bool SameText(const Item& a, const Item& b) {
  return a.exact_key == b.exact_key &&
         a.normalized_length == b.normalized_length;
}

double Similarity(const Item& a, const Item& b) {
  return SameText(a, b) ? 1.0 : Jaccard(a.shingles, b.shingles);
}

struct LevelClusters {
  std::vector<std::vector<uint32_t>> clusters;     // item indexes, ascending
  std::vector<std::vector<uint32_t>> boilerplate;  // identical, in many docs
};

size_t DistinctDocs(const std::vector<Item>& items,
                    absl::Span<const uint32_t> members) {
  size_t distinct = 0;
  for (size_t i = 0; i < members.size(); ++i) {
    if (i == 0 || items[members[i]].doc != items[members[i - 1]].doc) {
      ++distinct;
    }
  }
  return distinct;
}

// The LSH candidates among `sets`, signed with `Value`-wide signatures,
// less those whose MinHash estimate is far below `threshold` (counted in
// stats.pruned). Each signature is digested for LSH as soon as it is made
// and not kept (lsh/lsh.h SignatureDigest).
template <typename Value>
CandidateSet SignAndFindCandidates(absl::Span<const ShingleSet> sets,
                                   const MinHasher& hasher,
                                   const LshParams& lsh, double threshold,
                                   const EngineOptions& options,
                                   LevelStats& stats) {
  CandidateOptions candidate_options;
  candidate_options.max_bucket = options.max_bucket;
  candidate_options.min_estimate = EstimateFloor(threshold, hasher.num_perm());
  candidate_options.threads = options.threads;
  SignatureDigest digest(sets.size(), hasher.num_perm(), lsh,
                         candidate_options.min_estimate > 0);
  const size_t k = static_cast<size_t>(hasher.num_perm());
  std::vector<std::vector<Value>> signatures(
      ParallelWorkers(sets.size(), options.threads), std::vector<Value>(k));
  ParallelFor(sets.size(), options.threads, [&](size_t g, size_t worker) {
    std::vector<Value>& signature = signatures[worker];
    hasher.SignInto(sets[g], absl::MakeSpan(signature));
    digest.Add(g, signature.data());
  });
  CandidateSet candidates = FindCandidates(digest, candidate_options);
  stats.candidates = candidates.bucket_pairs;
  stats.pruned = candidates.pruned;
  return candidates;
}

// Makes sets of the shingles of the groups that `pairs` (of group indexes)
// pair, in place, and points `sets` and every member of those groups at
// their first member's set: the texts verification and clustering compare.
// The other groups' shingles stay as signed.
void MakeCandidateSets(absl::Span<const std::pair<uint32_t, uint32_t>> pairs,
                       absl::Span<const absl::Span<const uint32_t>> groups,
                       std::vector<Item>& items, std::vector<ShingleSet>& sets,
                       int threads) {
  std::vector<bool> paired(groups.size(), false);
  for (const auto& [a, b] : pairs) {
    paired[a] = true;
    paired[b] = true;
  }
  ParallelFor(groups.size(), threads, [&](size_t g) {
    if (!paired[g]) return;
    const absl::Span<uint64_t> set =
        MakeShingleSet(items[groups[g].front()].shingles);
    for (const uint32_t member : groups[g]) items[member].shingles = set;
    sets[g] = set;
  });
}

// Groups identical items, finds near-duplicate groups with MinHash + LSH,
// verifies and clusters them. `items` must be in input order; the shingles
// of those that LSH pairs are made sets (MakeCandidateSets()).
LevelClusters ClusterLevel(std::vector<Item>& items, const LevelOptions& level,
                           const LshParams& lsh, const MinHasher& hasher,
                           const EngineOptions& options, bool find_boilerplate,
                           LevelStats& stats) {
  LevelClusters result;
  // Identical texts are runs of `order`, each in index order. A run is
  // boilerplate, or a group (a span of `order`) whose first member stands
  // for it in the near-duplicate search, or neither (a short text). Groups
  // are put in the order of their first members.
  const std::vector<uint32_t> order = OrderByText(items);
  constexpr uint32_t kNoRun = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> run_of_first(items.size(), kNoRun);
  std::vector<absl::Span<const uint32_t>> runs;
  for (size_t begin = 0; begin < order.size();) {
    size_t end = begin + 1;
    while (end < order.size() &&
           SameText(items[order[begin]], items[order[end]])) {
      ++end;
    }
    const auto members = absl::MakeConstSpan(order.data() + begin, end - begin);
    begin = end;
    if (find_boilerplate &&
        DistinctDocs(items, members) >= options.boilerplate_min_docs) {
      result.boilerplate.emplace_back(members.begin(), members.end());
    } else if (items[members.front()].eligible) {
      run_of_first[members.front()] = static_cast<uint32_t>(runs.size());
      runs.push_back(members);
    }
  }
  std::vector<absl::Span<const uint32_t>> groups;
  groups.reserve(runs.size());
  for (const uint32_t run : run_of_first) {
    if (run != kNoRun) groups.push_back(runs[run]);
  }
  Release(runs);
  Release(run_of_first);
  stats.distinct = groups.size();

  // Near duplicates among one representative per group.
  std::vector<ShingleSet> sets(groups.size());
  for (size_t g = 0; g < groups.size(); ++g) {
    sets[g] = items[groups[g].front()].shingles;
  }
  const CandidateSet candidates =
      options.signature_bits == 32
          ? SignAndFindCandidates<uint32_t>(sets, hasher, lsh, level.threshold,
                                            options, stats)
          : SignAndFindCandidates<uint64_t>(sets, hasher, lsh, level.threshold,
                                            options, stats);
  stats.oversized_buckets = candidates.oversized_buckets;
  MakeCandidateSets(candidates.pairs, groups, items, sets, options.threads);
  const std::vector<SimilarPair> verified = VerifyCandidates(
      candidates.pairs, sets, level.threshold, options.threads);
  stats.verified = verified.size();

  std::vector<bool> clustered(groups.size(), false);
  for (const std::vector<uint32_t>& group_ids : ClusterWithoutChaining(
           sets, verified, level.threshold, options.threads)) {
    std::vector<uint32_t> members;
    for (const uint32_t g : group_ids) {
      clustered[g] = true;
      members.insert(members.end(), groups[g].begin(), groups[g].end());
    }
    std::sort(members.begin(), members.end());
    result.clusters.push_back(std::move(members));
  }
  for (size_t g = 0; g < groups.size(); ++g) {
    if (!clustered[g] && groups[g].size() >= 2) {
      result.clusters.emplace_back(groups[g].begin(), groups[g].end());
    }
  }
  std::sort(result.clusters.begin(), result.clusters.end(),
            [](const auto& x, const auto& y) { return x.front() < y.front(); });
  stats.clusters = result.clusters.size();
  return result;
}

// A document's items, each with its shingles copied into `arena`.
struct DocumentItems {
  Item document;
  std::vector<Item> passages;
};

DocumentItems MakeItems(uint32_t doc, absl::string_view text,
                        const DocumentFingerprint& fp,
                        AppendArena<uint64_t>& arena) {
  DocumentItems items;
  items.document = Item{doc,
                        0,
                        static_cast<uint32_t>(text.size()),
                        fp.normalized_length,
                        fp.exact_key,
                        arena.Append(fp.shingles),
                        true};
  const absl::Span<uint64_t> passage_shingles =
      arena.Append(fp.passage_shingles);
  items.passages.reserve(fp.passages.size());
  for (const PassageFingerprint& p : fp.passages) {
    items.passages.push_back(
        Item{doc, p.start, p.end, p.normalized_length, p.exact_key,
             passage_shingles.subspan(p.shingles_begin, p.shingle_count),
             p.shingle_count > 0});
  }
  return items;
}

Cluster MakeCluster(Level level, const std::vector<uint32_t>& item_ids,
                    const std::vector<Item>& items,
                    absl::Span<const Document> documents,
                    CanonicalPolicy policy, bool boilerplate) {
  std::vector<Member> members;
  std::vector<std::string> dates;
  for (const uint32_t id : item_ids) {
    const Item& item = items[id];
    members.push_back(
        Member{item.doc, item.start, item.end, item.normalized_length, 1.0});
    dates.push_back(documents[item.doc].date);
  }
  if (boilerplate) {
    return BoilerplateCluster(std::move(members),
                              DistinctDocs(items, item_ids));
  }
  return BuildCluster(
      level, std::move(members), dates, policy, [&](size_t i, size_t j) {
        return Similarity(items[item_ids[i]], items[item_ids[j]]);
      });
}

}  // namespace

absl::StatusOr<ScanResult> Scan(absl::Span<const Document> documents,
                                const EngineOptions& options) {
  NEARDUP_RETURN_IF_ERROR(options.Validate());
  NEARDUP_ASSIGN_OR_RETURN(const MinHasher hasher,
                           MinHasher::Create(options.num_perm, options.seed));
  ScanResult result;
  ScanStats& stats = result.stats;
  stats.documents = documents.size();

  // Each worker copies the shingle sets it makes into its own arena, where
  // they stay until the scan returns: no malloc or free per set, and none
  // between the short-lived buffers of the next document
  // (base/append_arena.h).
  std::vector<AppendArena<uint64_t>> arenas(
      ParallelWorkers(documents.size(), options.threads));
  std::vector<DocumentItems> fingerprinted(documents.size());
  std::atomic<size_t> done_count{0};
  std::mutex reporting;
  ParallelFor(documents.size(), options.threads, [&](size_t i, size_t worker) {
    fingerprinted[i] = MakeItems(
        static_cast<uint32_t>(i), documents[i].text,
        FingerprintDocument(documents[i].text, options), arenas[worker]);
    const size_t done = done_count.fetch_add(1) + 1;
    if (options.progress && done % 64 == 0 && reporting.try_lock()) {
      options.progress({"fingerprint", done, documents.size()});
      reporting.unlock();
    }
  });
  Report(options, {"fingerprint", documents.size(), documents.size()});

  std::vector<Item> doc_items;
  std::vector<Item> passage_items;
  size_t passages = 0;
  for (const DocumentItems& items : fingerprinted) {
    passages += items.passages.size();
  }
  doc_items.reserve(documents.size());
  passage_items.reserve(passages);
  for (DocumentItems& items : fingerprinted) {
    if (items.document.normalized_length == 0) {
      ++stats.empty_documents;
      continue;
    }
    doc_items.push_back(items.document);
    for (const Item& passage : items.passages) {
      if (!passage.eligible) ++stats.short_passages;
      passage_items.push_back(passage);
    }
    Release(items.passages);
  }
  Release(fingerprinted);

  std::vector<Cluster>& clusters = result.clusters;
  if (options.documents()) {
    NEARDUP_ASSIGN_OR_RETURN(stats.document.lsh,
                             options.EffectiveLsh(options.document));
    Report(options, {"documents: candidates and verification", 0, 0});
    stats.document.items = doc_items.size();
    const LevelClusters found =
        ClusterLevel(doc_items, options.document, stats.document.lsh, hasher,
                     options, /*find_boilerplate=*/false, stats.document);
    // Each cluster is built on its own (canonical choice, similarities) and
    // put in its slot, so the order does not depend on the threads.
    clusters.resize(found.clusters.size());
    ParallelFor(found.clusters.size(), options.threads, [&](size_t i) {
      clusters[i] = MakeCluster(Level::kDocument, found.clusters[i], doc_items,
                                documents, options.document.canonical,
                                /*boilerplate=*/false);
    });
  }
  if (options.passages()) {
    NEARDUP_ASSIGN_OR_RETURN(stats.passage.lsh,
                             options.EffectiveLsh(options.passage));
    Report(options, {"passages: candidates and verification", 0, 0});
    stats.passage.items = passage_items.size() - stats.short_passages;
    LevelClusters found =
        ClusterLevel(passage_items, options.passage, stats.passage.lsh, hasher,
                     options, /*find_boilerplate=*/true, stats.passage);
    stats.boilerplate_clusters = found.boilerplate.size();
    std::vector<std::pair<std::vector<uint32_t>, bool>> all;
    for (auto& members : found.clusters)
      all.emplace_back(std::move(members), false);
    for (auto& members : found.boilerplate)
      all.emplace_back(std::move(members), true);
    std::sort(all.begin(), all.end(), [](const auto& x, const auto& y) {
      return x.first.front() < y.first.front();
    });
    const size_t first = clusters.size();
    clusters.resize(first + all.size());
    ParallelFor(all.size(), options.threads, [&](size_t i) {
      clusters[first + i] =
          MakeCluster(Level::kPassage, all[i].first, passage_items, documents,
                      options.passage.canonical,
                      /*boilerplate=*/all[i].second);
    });
  }
  for (size_t i = 0; i < clusters.size(); ++i) {
    clusters[i].id = static_cast<uint32_t>(i + 1);
  }
  if (options.passages()) {
    Report(options, {"overlaps", 0, 0});
    std::vector<uint32_t> eligible(documents.size(), 0);
    for (const Item& p : passage_items) eligible[p.doc] += p.eligible ? 1 : 0;
    result.overlaps = FindOverlaps(
        clusters, eligible, [&](uint32_t doc) { return documents[doc].date; },
        options.threads);
    stats.overlaps = result.overlaps.size();
  }
  return result;
}

}  // namespace neardup
