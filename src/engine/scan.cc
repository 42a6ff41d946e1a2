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
  // The normalized text, in an arena: shingled to be signed, and again to
  // be verified once the item is an LSH candidate (MakeCandidateSets()).
  absl::string_view text;
  // The shingle set, once made; the only shingles ever compared.
  ShingleSet shingles;
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
  // Where the shingle sets of the level's items lie.
  std::vector<AppendArena<uint64_t>> sets;
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

// The LSH candidates among `texts`, shingled by `spec` and signed with
// `Value`-wide signatures, less those whose MinHash estimate is far below
// `threshold` (counted in stats.pruned). Each signature is digested for LSH
// as soon as it is made and not kept (lsh/lsh.h SignatureDigest), and its
// shingles are hashed into a buffer that each thread reuses, still in
// cache when signed.
template <typename Value>
CandidateSet SignAndFindCandidates(absl::Span<const absl::string_view> texts,
                                   const ShingleSpec& spec,
                                   const MinHasher& hasher,
                                   const LshParams& lsh, double threshold,
                                   const EngineOptions& options,
                                   LevelStats& stats) {
  CandidateOptions candidate_options;
  candidate_options.max_bucket = options.max_bucket;
  candidate_options.min_estimate = EstimateFloor(threshold, hasher.num_perm());
  candidate_options.threads = options.threads;
  SignatureDigest digest(texts.size(), hasher.num_perm(), lsh,
                         candidate_options.min_estimate > 0);
  const size_t k = static_cast<size_t>(hasher.num_perm());
  const size_t workers = ParallelWorkers(texts.size(), options.threads);
  std::vector<std::vector<Value>> signatures(workers, std::vector<Value>(k));
  std::vector<std::vector<uint64_t>> hashes(workers);
  ParallelFor(texts.size(), options.threads, [&](size_t g, size_t worker) {
    std::vector<Value>& signature = signatures[worker];
    hashes[worker].clear();
    AppendShingleHashes(texts[g], spec, hashes[worker]);
    hasher.SignInto(hashes[worker], absl::MakeSpan(signature));
    digest.Add(g, signature.data());
  });
  CandidateSet candidates = FindCandidates(digest, candidate_options);
  stats.candidates = candidates.bucket_pairs;
  stats.pruned = candidates.pruned;
  return candidates;
}

// The shingle sets of the groups that `pairs` (of group indexes) pair, the
// texts verification and clustering compare, made from their first
// members' texts into `arenas` (one per worker); every member of those
// groups points at its group's set. The other groups get none (a season of
// front pages pairs a third of its passages and none of its pages).
std::vector<ShingleSet> MakeCandidateSets(
    absl::Span<const std::pair<uint32_t, uint32_t>> pairs,
    absl::Span<const absl::Span<const uint32_t>> groups,
    const ShingleSpec& spec, std::vector<Item>& items,
    std::vector<AppendArena<uint64_t>>& arenas, int threads) {
  std::vector<bool> paired(groups.size(), false);
  for (const auto& [a, b] : pairs) {
    paired[a] = true;
    paired[b] = true;
  }
  std::vector<ShingleSet> sets(groups.size());
  const size_t workers = ParallelWorkers(groups.size(), threads);
  arenas.resize(workers);
  std::vector<std::vector<uint64_t>> hashes(workers);
  ParallelFor(groups.size(), threads, [&](size_t g, size_t worker) {
    if (!paired[g]) return;
    hashes[worker].clear();
    AppendShingleHashes(items[groups[g].front()].text, spec, hashes[worker]);
    const ShingleSet set =
        arenas[worker].Append(MakeShingleSet(absl::MakeSpan(hashes[worker])));
    for (const uint32_t member : groups[g]) items[member].shingles = set;
    sets[g] = set;
  });
  return sets;
}

// Groups identical items, finds near-duplicate groups with MinHash + LSH,
// verifies and clusters them. `items` must be in input order; the shingles
// of those that LSH pairs are made sets (MakeCandidateSets()).
LevelClusters ClusterLevel(std::vector<Item>& items, const LevelOptions& level,
                           const LshParams& lsh, const MinHasher& hasher,
                           const EngineOptions& options, bool find_boilerplate,
                           LevelStats& stats) {
  LevelClusters result;
  // Identical texts are runs (OrderByText()), each in index order. A run is
  // boilerplate, or a group whose first member stands for it in the
  // near-duplicate search, or neither (a short text). Groups are put in the
  // order of their first members.
  const TextRuns text_runs = OrderByText(items);
  constexpr uint32_t kNoRun = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> run_of_first(items.size(), kNoRun);
  for (size_t run = 0; run < text_runs.runs(); ++run) {
    const absl::Span<const uint32_t> members = text_runs.Run(run);
    if (find_boilerplate && members.size() >= options.boilerplate_min_docs &&
        DistinctDocs(items, members) >= options.boilerplate_min_docs) {
      result.boilerplate.emplace_back(members.begin(), members.end());
    } else {
      run_of_first[members.front()] = static_cast<uint32_t>(run);
    }
  }
  // Eligibility read in item order (through the runs, a cache miss each).
  std::vector<absl::Span<const uint32_t>> groups;
  for (size_t item = 0; item < items.size(); ++item) {
    if (run_of_first[item] != kNoRun && items[item].eligible) {
      groups.push_back(text_runs.Run(run_of_first[item]));
    }
  }
  Release(run_of_first);
  stats.distinct = groups.size();

  // Near duplicates among one representative per group.
  std::vector<absl::string_view> texts(groups.size());
  for (size_t g = 0; g < groups.size(); ++g) {
    texts[g] = items[groups[g].front()].text;
  }
  const CandidateSet candidates =
      options.signature_bits == 32
          ? SignAndFindCandidates<uint32_t>(texts, level.shingle, hasher, lsh,
                                            level.threshold, options, stats)
          : SignAndFindCandidates<uint64_t>(texts, level.shingle, hasher, lsh,
                                            level.threshold, options, stats);
  Release(texts);
  stats.oversized_buckets = candidates.oversized_buckets;
  const std::vector<ShingleSet> sets =
      MakeCandidateSets(candidates.pairs, groups, level.shingle, items,
                        result.sets, options.threads);
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

struct DocumentItems {
  Item document;
  std::vector<Item> passages;
};

// A document's items; its normalized text is copied into `arena` and its
// passages' texts are ranges of it.
DocumentItems MakeItems(uint32_t doc, absl::string_view text,
                        const NormalizedDocument& normalized,
                        const EngineOptions& options,
                        AppendArena<char>& arena) {
  const absl::Span<const char> kept = arena.Append(normalized.text);
  const absl::string_view normalized_text(kept.data(), kept.size());
  DocumentItems items;
  items.document = Item{doc,
                        0,
                        static_cast<uint32_t>(text.size()),
                        static_cast<uint32_t>(normalized_text.size()),
                        normalized.exact_key,
                        normalized_text,
                        {},
                        true};
  items.passages.reserve(normalized.passages.size());
  for (const NormalizedPassage& p : normalized.passages) {
    items.passages.push_back(
        Item{doc,
             p.start,
             p.end,
             p.normalized_length,
             p.exact_key,
             normalized_text.substr(p.normalized_begin, p.normalized_length),
             {},
             p.words >= static_cast<uint32_t>(options.min_passage_words)});
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

  // Each worker copies the normalized texts it makes into its own arena,
  // where they stay until the scan returns: no malloc or free per text, and
  // none between the short-lived buffers of the next document
  // (base/append_arena.h). Texts, not shingle hashes: a byte per character
  // where hashes take 8 per n-gram, 0.16 GB instead of 1.33 GiB on a season
  // of front pages, and fresh memory costs a page fault per 4 KB.
  std::vector<AppendArena<char>> arenas(
      ParallelWorkers(documents.size(), options.threads));
  std::vector<DocumentItems> fingerprinted(documents.size());
  std::atomic<size_t> done_count{0};
  std::mutex reporting;
  ParallelFor(documents.size(), options.threads, [&](size_t i, size_t worker) {
    fingerprinted[i] = MakeItems(static_cast<uint32_t>(i), documents[i].text,
                                 NormalizeDocument(documents[i].text, options),
                                 options, arenas[worker]);
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
