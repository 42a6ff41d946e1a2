#include "engine/spilled_candidates.h"

#include <algorithm>
#include <bit>
#include <deque>
#include <mutex>
#include <numeric>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "base/disjoint_sets.h"
#include "base/parallel.h"
#include "base/release.h"
#include "base/status_macros.h"
#include "cluster/cluster.h"
#include "shingle/shingle.h"

namespace neardup {
namespace {

void SetBit(std::vector<uint64_t>& bits, uint64_t i) {
  bits[i / 64] |= uint64_t{1} << (i % 64);
}

// The position of `text` in `texts` (ascending, holding it).
uint32_t IndexOf(const std::vector<uint32_t>& texts, uint32_t text) {
  return static_cast<uint32_t>(
      std::lower_bound(texts.begin(), texts.end(), text) - texts.begin());
}

}  // namespace

BucketPairing LevelPairing(const EngineOptions& options, double threshold,
                           int num_perm, absl::string_view level) {
  BucketPairing pairing;
  pairing.num_perm = static_cast<size_t>(num_perm);
  pairing.needed =
      AgreementNeeded(EstimateFloor(threshold, num_perm), num_perm);
  pairing.max_bucket = options.max_bucket;
  pairing.level = level;
  pairing.threads = options.threads;
  return pairing;
}

absl::Status PairBuckets(
    SortedRuns<BandEntry>& runs, const BucketPairing& pairing,
    absl::FunctionRef<absl::Status(uint32_t, uint8_t*)> read_low_bytes,
    SortedRuns<CandidatePair>& pairs, LevelStats& stats) {
  const size_t k = pairing.num_perm;
  // Buckets of two or more are collected in batches (members of bucket b:
  // members[offsets[b] ... offsets[b + 1])), then paired on all threads in
  // slices whose results are joined in slice order.
  constexpr size_t kBatchMembers = size_t{1} << 16;
  std::vector<uint32_t> members;
  std::vector<size_t> offsets = {0};
  struct Slice {
    size_t begin, end;  // buckets
    std::vector<CandidatePair> pairs;
    size_t candidates = 0, pruned = 0, oversized = 0;
    absl::Status status;
  };
  std::vector<Slice> slices;
  absl::Status status;
  const auto pair_batch = [&] {
    const size_t buckets = offsets.size() - 1;
    if (buckets == 0 || !status.ok()) {
      members.clear();
      offsets.assign(1, 0);
      return;
    }
    const size_t count = std::min<size_t>(
        buckets, 4 * static_cast<size_t>(std::max(1, pairing.threads)));
    slices.assign(count, Slice{});
    for (size_t s = 0; s < count; ++s) {
      slices[s].begin = buckets * s / count;
      slices[s].end = buckets * (s + 1) / count;
    }
    ParallelFor(count, pairing.threads, [&](size_t s) {
      Slice& slice = slices[s];
      std::vector<uint8_t> low_bytes;
      std::vector<uint32_t> positions;
      std::vector<std::pair<uint32_t, uint32_t>> kept;  // positions
      for (size_t b = slice.begin; b < slice.end; ++b) {
        const absl::Span<const uint32_t> bucket(members.data() + offsets[b],
                                                offsets[b + 1] - offsets[b]);
        const size_t m = bucket.size();
        low_bytes.resize(m * k);
        for (size_t i = 0; i < m; ++i) {
          slice.status = read_low_bytes(bucket[i], low_bytes.data() + i * k);
          if (!slice.status.ok()) return;
        }
        positions.resize(m);
        std::iota(positions.begin(), positions.end(), 0u);
        kept.clear();
        const BucketPairs paired =
            PairBucket(positions, low_bytes.data(), k, pairing.needed,
                       pairing.max_bucket, kept);
        slice.candidates += paired.pairs;
        slice.pruned += paired.pruned;
        slice.oversized += paired.oversized ? 1 : 0;
        for (const auto& [i, j] : kept) {
          slice.pairs.push_back(CandidatePair{bucket[i], bucket[j]});
        }
      }
    });
    for (Slice& slice : slices) {
      if (!slice.status.ok()) {
        status = slice.status;
        return;
      }
      stats.candidates += slice.candidates;
      stats.pruned += slice.pruned;
      stats.oversized_buckets += slice.oversized;
      for (const CandidatePair& pair : slice.pairs) {
        status = pairs.Add(pair);
        if (!status.ok()) return;
      }
    }
    members.clear();
    offsets.assign(1, 0);
  };
  BandEntry current{0, 0, 0};
  bool started = false;
  NEARDUP_RETURN_IF_ERROR(runs.Merge([&](const BandEntry& e) {
    if (!started || e.band != current.band || e.key != current.key) {
      // Close the previous bucket: kept with two or more members.
      if (members.size() - offsets.back() >= 2) {
        offsets.push_back(members.size());
        if (members.size() >= kBatchMembers) pair_batch();
      } else {
        members.resize(offsets.back());
      }
      current = e;
      started = true;
    }
    members.push_back(e.text);
  }));
  if (members.size() - offsets.back() >= 2) {
    offsets.push_back(members.size());
  } else {
    members.resize(offsets.back());
  }
  pair_batch();
  return status;
}

CandidateGraph::CandidateGraph(uint32_t num_texts, std::string tmp_dir)
    : num_texts_(num_texts), tmp_dir_(std::move(tmp_dir)) {}

absl::StatusOr<CandidateGraph> CandidateGraph::Build(
    SortedRuns<CandidatePair>& runs, uint32_t num_texts,
    const std::string& tmp_dir) {
  CandidateGraph graph(num_texts, tmp_dir);
  NEARDUP_ASSIGN_OR_RETURN(graph.file_, SpillFile::Create(tmp_dir));
  std::optional<CandidatePair> last;
  absl::Status status;
  std::vector<uint64_t> paired((size_t{num_texts} + 63) / 64, 0);
  NEARDUP_RETURN_IF_ERROR(runs.Merge([&](const CandidatePair& pair) {
    if (last == pair || !status.ok()) return;
    last = pair;
    status = graph.file_->Append(&pair, sizeof(pair));
    ++graph.pairs_;
    SetBit(paired, pair.a);
    SetBit(paired, pair.b);
  }));
  NEARDUP_RETURN_IF_ERROR(status);
  NEARDUP_RETURN_IF_ERROR(graph.file_->Flush());
  graph.paired_ = SortedIds::FromBits(std::move(paired), 0);
  return graph;
}

uint64_t CandidateGraph::bytes() const { return file_->size(); }

absl::Status CandidateGraph::ForEachPairChunk(
    absl::FunctionRef<void(absl::Span<const CandidatePair>)> visit) const {
  constexpr uint64_t kChunk = 1 << 16;
  std::vector<CandidatePair> chunk;
  for (uint64_t begin = 0; begin < pairs_; begin += kChunk) {
    chunk.resize(static_cast<size_t>(std::min(kChunk, pairs_ - begin)));
    NEARDUP_RETURN_IF_ERROR(
        file_->ReadAt(begin * sizeof(CandidatePair), chunk.data(),
                      chunk.size() * sizeof(CandidatePair)));
    visit(chunk);
  }
  return absl::OkStatus();
}

absl::Status CandidateGraph::ForEachComponentBatch(
    uint64_t sort_bytes, uint64_t batch_bytes,
    absl::FunctionRef<uint64_t(uint32_t)> text_bytes,
    absl::FunctionRef<absl::Status(std::vector<Component>&)> visit) const {
  // A pair tagged with its component's root: the root is the rank of the
  // component's smallest text, so runs sorted by root come out by component
  // in order of smallest text, each component's pairs ascending.
  struct RootedPair {
    uint32_t root;
    uint32_t a;
    uint32_t b;
    bool operator<(const RootedPair& o) const {
      if (root != o.root) return root < o.root;
      return a != o.a ? a < o.a : b < o.b;
    }
  };
  NEARDUP_ASSIGN_OR_RETURN(auto runs,
                           SortedRuns<RootedPair>::Create(
                               tmp_dir_, static_cast<size_t>(sort_bytes)));
  // The pages the steps before freed leave before the union-find over the
  // texts in a pair (4 bytes each) and the sort's buffer are filled.
  ReturnFreedPages();
  {
    DisjointSets sets(texts());
    NEARDUP_RETURN_IF_ERROR(
        ForEachPairChunk([&](absl::Span<const CandidatePair> chunk) {
          for (const CandidatePair& p : chunk) sets.Join(Rank(p.a), Rank(p.b));
        }));
    absl::Status status;
    NEARDUP_RETURN_IF_ERROR(
        ForEachPairChunk([&](absl::Span<const CandidatePair> chunk) {
          for (const CandidatePair& p : chunk) {
            if (status.ok())
              status = runs->Add({sets.Find(Rank(p.a)), p.a, p.b});
          }
        }));
    NEARDUP_RETURN_IF_ERROR(status);
  }
  std::vector<Component> batch;
  uint64_t batch_cost = 0;
  // The component being read: its pairs as texts. Past `hold` of them they
  // go to a scratch file, their texts marked in a bit per text below
  // num_texts_.
  const size_t hold =
      std::max<size_t>(1024, batch_bytes / 2 / sizeof(TextPair));
  std::vector<TextPair> pairs;
  std::unique_ptr<SpillFile> spilled;
  uint64_t spilled_pairs = 0;
  std::vector<uint64_t> marked;
  absl::Status status;
  const auto spill_pairs = [&]() -> absl::Status {
    if (spilled == nullptr) {
      // A component this large comes alone: the batch so far is verified
      // first, rather than held while the component is read.
      if (!batch.empty()) {
        NEARDUP_RETURN_IF_ERROR(visit(batch));
        batch.clear();
        batch_cost = 0;
      }
      NEARDUP_ASSIGN_OR_RETURN(spilled, SpillFile::Create(tmp_dir_));
      marked.assign((size_t{num_texts_} + 63) / 64, 0);
    }
    CandidatePair written[1024];
    for (size_t begin = 0; begin < pairs.size(); begin += std::size(written)) {
      const size_t count = std::min(std::size(written), pairs.size() - begin);
      for (size_t i = 0; i < count; ++i) {
        const auto [a, b] = pairs[begin + i];
        SetBit(marked, a);
        SetBit(marked, b);
        written[i] = CandidatePair{a, b};
      }
      NEARDUP_RETURN_IF_ERROR(
          spilled->Append(written, count * sizeof(CandidatePair)));
    }
    spilled_pairs += pairs.size();
    pairs.clear();
    return absl::OkStatus();
  };
  const auto close_component = [&] {
    if (!status.ok() || (pairs.empty() && spilled == nullptr)) return;
    Component c;
    uint64_t cost = 0;
    if (spilled != nullptr) {
      status = spill_pairs();
      if (status.ok()) status = spilled->Flush();
      if (!status.ok()) return;
      c.texts = SortedIds::FromBits(std::move(marked), 0);
      Release(marked);
      Release(pairs);
      c.spilled = std::move(spilled);
      c.spilled_pairs = spilled_pairs;
      spilled_pairs = 0;
    } else {
      // Its texts: the pairs' ends sorted, or, where a bit per text in
      // their range takes less, marked in bits.
      const uint32_t first = pairs.front().first;  // the smallest text
      uint32_t last = first;
      for (const auto& [a, b] : pairs) last = std::max(last, b);
      const uint64_t range = uint64_t{last} - first + 1;
      if (range < 64 * pairs.size()) {
        std::vector<uint64_t> seen((range + 63) / 64, 0);
        for (const auto& [a, b] : pairs) {
          SetBit(seen, a - first);
          SetBit(seen, b - first);
        }
        c.texts = SortedIds::FromBits(std::move(seen), first);
      } else {
        std::vector<uint32_t> texts;
        texts.reserve(2 * pairs.size());
        for (const auto& [a, b] : pairs) {
          texts.push_back(a);
          texts.push_back(b);
        }
        std::sort(texts.begin(), texts.end());
        texts.erase(std::unique(texts.begin(), texts.end()), texts.end());
        c.texts = SortedIds(std::move(texts));
      }
      for (auto& [a, b] : pairs) {
        a = c.texts.IndexOf(a);
        b = c.texts.IndexOf(b);
      }
      cost = pairs.capacity() * sizeof(TextPair);  // as held
      c.pairs = std::move(pairs);
      Release(pairs);
    }
    cost += c.texts.memory_bytes();
    for (size_t i = 0; i < c.texts.size(); ++i) cost += text_bytes(c.texts[i]);
    if (!batch.empty() && batch_cost + cost > batch_bytes) {
      status = visit(batch);
      batch.clear();
      batch_cost = 0;
    }
    batch.push_back(std::move(c));
    batch_cost += cost;
  };
  uint32_t root = 0;
  NEARDUP_RETURN_IF_ERROR(runs->Merge([&](const RootedPair& p) {
    if (p.root != root) {
      close_component();
      root = p.root;
    }
    if (!status.ok()) return;
    pairs.emplace_back(p.a, p.b);
    if (pairs.size() >= hold) status = spill_pairs();
  }));
  close_component();
  if (status.ok() && !batch.empty()) status = visit(batch);
  return status;
}

absl::Status Component::ReadPairs(uint64_t begin,
                                  absl::Span<TextPair> out) const {
  if (spilled == nullptr) {
    std::copy_n(pairs.begin() + static_cast<ptrdiff_t>(begin), out.size(),
                out.begin());
    return absl::OkStatus();
  }
  std::vector<CandidatePair> read(out.size());
  NEARDUP_RETURN_IF_ERROR(spilled->ReadAt(begin * sizeof(CandidatePair),
                                          read.data(),
                                          read.size() * sizeof(CandidatePair)));
  for (size_t i = 0; i < read.size(); ++i) {
    out[i] = TextPair(texts.IndexOf(read[i].a), texts.IndexOf(read[i].b));
  }
  return absl::OkStatus();
}

uint64_t BudgetLeft(uint64_t usable_bytes, uint64_t held_bytes) {
  return std::max(usable_bytes / 8,
                  usable_bytes > held_bytes ? usable_bytes - held_bytes : 0);
}

ComponentVerification LevelVerification(const EngineOptions& options,
                                        double threshold, uint64_t usable_bytes,
                                        const std::string& tmp_dir) {
  ComponentVerification verification;
  verification.threshold = threshold;
  verification.share_bytes = usable_bytes / 4;
  verification.sort_bytes = usable_bytes / 4;
  verification.threads = options.threads;
  verification.tmp_dir = tmp_dir;
  return verification;
}

template <typename Value>
absl::StatusOr<SpilledCandidates> FindSpilledCandidates(
    std::unique_ptr<SpillFile> signatures, uint32_t slots, uint32_t num_texts,
    const LshParams& lsh, const BucketPairing& pairing,
    const EngineOptions& options, const std::string& tmp_dir,
    uint64_t usable_bytes,
    absl::FunctionRef<std::optional<uint32_t>(uint32_t)> text_of,
    absl::FunctionRef<uint64_t(uint32_t)> slot_of, LevelStats& stats) {
  // The pages the steps before freed leave before this one takes its share.
  ReturnFreedPages();
  const size_t k = pairing.num_perm;
  NEARDUP_ASSIGN_OR_RETURN(auto runs,
                           SortedRuns<BandEntry>::Create(
                               tmp_dir, static_cast<size_t>(usable_bytes / 4)));
  // Every slot's low bytes, so that slot i's lie at i * k.
  NEARDUP_ASSIGN_OR_RETURN(std::unique_ptr<SpillFile> low_bytes,
                           SpillFile::Create(tmp_dir));
  constexpr uint32_t kChunk = 4096;
  std::vector<Value> chunk(kChunk * k);
  std::vector<uint8_t> chunk_low_bytes(kChunk * k);
  for (uint32_t begin = 0; begin < slots; begin += kChunk) {
    const uint32_t count = std::min(kChunk, slots - begin);
    NEARDUP_RETURN_IF_ERROR(
        signatures->ReadAt(uint64_t{begin} * k * sizeof(Value), chunk.data(),
                           count * k * sizeof(Value)));
    LowBytesOf(chunk.data(), count * k, chunk_low_bytes.data());
    NEARDUP_RETURN_IF_ERROR(
        low_bytes->Append(chunk_low_bytes.data(), count * k));
    for (uint32_t i = 0; i < count; ++i) {
      const std::optional<uint32_t> text = text_of(begin + i);
      if (!text.has_value()) continue;
      for (int band = 0; band < lsh.bands; ++band) {
        const Value* values =
            chunk.data() + size_t{i} * k + static_cast<size_t>(band * lsh.rows);
        NEARDUP_RETURN_IF_ERROR(
            runs->Add(BandEntry{static_cast<uint32_t>(band), *text,
                                BandKey(values, lsh.rows, band)}));
      }
    }
  }
  signatures.reset();
  NEARDUP_RETURN_IF_ERROR(low_bytes->Flush());
  if (options.progress) {
    const std::string stage = absl::StrCat(pairing.level, "s: candidates");
    options.progress({stage, 0, 0});
  }
  NEARDUP_ASSIGN_OR_RETURN(auto pairs,
                           SortedRuns<CandidatePair>::Create(
                               tmp_dir, static_cast<size_t>(usable_bytes / 8)));
  NEARDUP_RETURN_IF_ERROR(PairBuckets(
      *runs, pairing,
      [&](uint32_t text, uint8_t* out) {
        return low_bytes->ReadAt(slot_of(text) * k, out, k);
      },
      *pairs, stats));
  const size_t band_runs = runs->runs();
  const uint64_t band_bytes = runs->spilled_bytes();
  const uint64_t low_byte_bytes = low_bytes->size();
  runs.reset();
  low_bytes.reset();
  NEARDUP_ASSIGN_OR_RETURN(CandidateGraph graph,
                           CandidateGraph::Build(*pairs, num_texts, tmp_dir));
  return SpilledCandidates{std::move(graph), band_runs, band_bytes,
                           low_byte_bytes, pairs->spilled_bytes()};
}

template absl::StatusOr<SpilledCandidates> FindSpilledCandidates<uint32_t>(
    std::unique_ptr<SpillFile>, uint32_t, uint32_t, const LshParams&,
    const BucketPairing&, const EngineOptions&, const std::string&, uint64_t,
    absl::FunctionRef<std::optional<uint32_t>(uint32_t)>,
    absl::FunctionRef<uint64_t(uint32_t)>, LevelStats&);
template absl::StatusOr<SpilledCandidates> FindSpilledCandidates<uint64_t>(
    std::unique_ptr<SpillFile>, uint32_t, uint32_t, const LshParams&,
    const BucketPairing&, const EngineOptions&, const std::string&, uint64_t,
    absl::FunctionRef<std::optional<uint32_t>(uint32_t)>,
    absl::FunctionRef<uint64_t(uint32_t)>, LevelStats&);

namespace {

// Reads a component's pairs in order, a chunk at a time.
class PairCursor {
 public:
  static constexpr size_t kChunk = size_t{1} << 16;

  explicit PairCursor(const Component& component) : component_(component) {}

  // Appends to `out` the next pairs whose first text is below `end`, at
  // most `limit` of them.
  absl::Status Take(uint32_t end, size_t limit, std::vector<TextPair>& out) {
    for (size_t taken = 0; taken < limit; ++taken) {
      if (position_ == buffer_.size()) {
        const uint64_t left = component_.PairCount() - next_;
        if (left == 0) break;
        buffer_.resize(static_cast<size_t>(std::min<uint64_t>(kChunk, left)));
        NEARDUP_RETURN_IF_ERROR(
            component_.ReadPairs(next_, absl::MakeSpan(buffer_)));
        next_ += buffer_.size();
        position_ = 0;
      }
      if (buffer_[position_].first >= end) break;
      out.push_back(buffer_[position_++]);
    }
    return absl::OkStatus();
  }

 private:
  const Component& component_;
  std::vector<TextPair> buffer_;
  size_t position_ = 0;
  uint64_t next_ = 0;  // pairs read into buffer_ so far
};

// JaccardIfAtLeast() of two texts, by position in a list of texts.
using TextSimilarity = absl::FunctionRef<double(uint32_t, uint32_t, double)>;

// ClusterWithoutChaining() of a list of texts, over edges or neighbour
// lists, given the similarity of two of them at the threshold.
using Clustering = absl::FunctionRef<absl::StatusOr<ClusterList>(
    absl::FunctionRef<double(uint32_t, uint32_t)>)>;

// The clusters of the texts `indexes` (ascending) found by `clustering`
// (over positions in `indexes`), passed to `emit` as indexes.
absl::Status EmitClusters(absl::Span<const uint32_t> indexes,
                          Clustering clustering, double threshold,
                          TextSimilarity similarity, EmitCluster emit) {
  NEARDUP_ASSIGN_OR_RETURN(const ClusterList clusters,
                           clustering([&](uint32_t x, uint32_t y) {
                             return similarity(x, y, threshold);
                           }));
  std::vector<uint32_t> members;
  for (size_t c = 0; c < clusters.size(); ++c) {
    const absl::Span<const uint32_t> cluster = clusters[c];
    members.clear();
    for (const uint32_t m : cluster) members.push_back(indexes[m]);
    NEARDUP_RETURN_IF_ERROR(emit(members, [&](size_t x, size_t y) {
      return similarity(cluster[x], cluster[y], 0.0);  // Jaccard()
    }));
  }
  return absl::OkStatus();
}

// EmitClusters() of the texts `indexes` joined by `edges` (between
// positions in `indexes`), over sets held in memory (`sets[i]` of
// `indexes[i]`).
absl::Status EmitClustersOfSets(absl::Span<const uint32_t> indexes,
                                absl::Span<const ShingleSet> sets,
                                absl::Span<const SimilarPair> edges,
                                double threshold, EmitCluster emit) {
  return EmitClusters(
      indexes,
      [&](absl::FunctionRef<double(uint32_t, uint32_t)> at_threshold)
          -> absl::StatusOr<ClusterList> {
        return ClusterWithoutChaining(indexes.size(), edges, threshold,
                                      at_threshold);
      },
      threshold,
      [&](uint32_t x, uint32_t y, double at_least) {
        return JaccardIfAtLeast(sets[x], sets[y], at_least);
      },
      emit);
}

// The sets of a group of texts larger than its share, read one at a time as
// the clustering asks for them and kept while they fit in `budget_bytes`,
// the first read dropped first. Memory: the sets held and ~40 bytes each,
// nothing per text of the group (one generic sentence can join millions).
// The first error of reading is kept in status(); a similarity asked for
// after it is 0.
class SetCache {
 public:
  SetCache(absl::Span<const uint32_t> texts, uint64_t budget_bytes,
           absl::FunctionRef<uint64_t(uint32_t)> set_bytes, ReadSets read_sets)
      : texts_(texts),
        budget_(budget_bytes),
        set_bytes_(set_bytes),
        read_sets_(read_sets) {}

  // JaccardIfAtLeast() of the sets of texts[x] and texts[y].
  double Similarity(uint32_t x, uint32_t y, double threshold) {
    // Spans, not references into held_: holding y may rehash the map,
    // which moves the vectors but not the shingles they own.
    const std::optional<ShingleSet> a = Hold(x, x);
    if (!a.has_value()) return 0.0;
    const std::optional<ShingleSet> b = Hold(y, x);
    if (!b.has_value()) return 0.0;
    return JaccardIfAtLeast(*a, *b, threshold);
  }
  const absl::Status& status() const { return status_; }

 private:
  // The set of texts[i], read unless held, dropping others but `keep`.
  std::optional<ShingleSet> Hold(uint32_t i, uint32_t keep) {
    if (!status_.ok()) return std::nullopt;
    if (const auto it = held_.find(i); it != held_.end()) return it->second;
    const uint64_t bytes = set_bytes_(texts_[i]);
    for (size_t tries = order_.size(); bytes_ + bytes > budget_ && tries > 0;
         --tries) {
      const uint32_t oldest = order_.front();
      order_.pop_front();
      if (oldest == keep) {
        order_.push_back(oldest);
        continue;
      }
      bytes_ -= set_bytes_(texts_[oldest]);
      held_.erase(oldest);
    }
    absl::StatusOr<std::vector<std::vector<uint64_t>>> read =
        read_sets_(absl::MakeConstSpan(&texts_[i], 1));
    if (!read.ok()) {
      status_ = read.status();
      return std::nullopt;
    }
    order_.push_back(i);
    bytes_ += bytes;
    return held_.emplace(i, std::move(read->front())).first->second;
  }

  const absl::Span<const uint32_t> texts_;
  const uint64_t budget_;
  const absl::FunctionRef<uint64_t(uint32_t)> set_bytes_;
  const ReadSets read_sets_;
  absl::flat_hash_map<uint32_t, std::vector<uint64_t>> held_;
  std::deque<uint32_t> order_;  // held, in the order read
  uint64_t bytes_ = 0;          // held
  absl::Status status_;
};

// The neighbour lists of one group of texts joined by verified pairs: its
// texts (indexes into a component, ascending), each with its neighbours in
// ascending order, held in memory up to `limit_bytes` and past that in a
// scratch file. Memory beyond the neighbours held: 8 bytes per text, its
// index and its degree. A list starts at the offset kept for every
// kOffsetEvery-th text plus the degrees of the texts between: an offset per
// text took 8 bytes more each, and a generic sentence groups millions. The
// first error of reading is kept in status().
class GroupNeighbours {
 public:
  GroupNeighbours(uint64_t limit_bytes, const std::string& tmp_dir)
      : limit_(std::max<uint64_t>(1, limit_bytes / sizeof(Neighbour))),
        tmp_dir_(tmp_dir) {}

  // Adds `neighbour` to the list of `text`, which is the last text added or
  // a later one.
  absl::Status Add(uint32_t text, uint32_t neighbour, double similarity) {
    if (texts_.empty() || texts_.back() != text) {
      if (texts_.size() % kOffsetEvery == 0) offsets_.push_back(count_);
      texts_.push_back(text);
      degree_.push_back(0);
    }
    ++degree_.back();
    // Grown by doubling up to the limit, never past it.
    if (buffer_.size() == buffer_.capacity()) {
      buffer_.reserve(
          std::min(limit_, std::max<size_t>(1024, 2 * buffer_.size())));
    }
    buffer_.push_back(Neighbour{neighbour, similarity});
    ++count_;
    return buffer_.size() >= limit_ ? Write() : absl::OkStatus();
  }
  // Call after the last Add() and before Read(). Neighbours held in memory
  // are renumbered as positions in texts() once, here; those on disk as
  // they are read.
  absl::Status Finish() {
    if (file_ != nullptr) {
      NEARDUP_RETURN_IF_ERROR(Write());
      return file_->Flush();
    }
    for (Neighbour& nb : buffer_) nb.item = IndexOf(texts_, nb.item);
    return absl::OkStatus();
  }

  bool empty() const { return texts_.empty(); }
  absl::Span<const uint32_t> texts() const { return texts_; }
  // The length of each text's list.
  absl::Span<const uint32_t> degree() const { return degree_; }

  // Fills `out` with the neighbours of texts()[i], as positions in texts().
  void Read(uint32_t i, std::vector<Neighbour>& out) {
    uint64_t begin = offsets_[i / kOffsetEvery];
    for (uint32_t j = i - i % kOffsetEvery; j < i; ++j) begin += degree_[j];
    out.resize(degree_[i]);
    if (file_ == nullptr) {
      std::copy_n(buffer_.begin() + static_cast<ptrdiff_t>(begin), out.size(),
                  out.begin());
      return;
    }
    if (status_.ok()) {
      status_ = file_->ReadAt(begin * sizeof(Neighbour), out.data(),
                              out.size() * sizeof(Neighbour));
    }
    if (!status_.ok()) out.clear();
    for (Neighbour& nb : out) nb.item = IndexOf(texts_, nb.item);
  }
  const absl::Status& status() const { return status_; }

  // Empties it for the next group.
  void Clear() {
    texts_.clear();
    degree_.clear();
    offsets_.clear();
    buffer_.clear();
    file_.reset();
    count_ = 0;
  }

 private:
  static constexpr uint32_t kOffsetEvery = 32;

  // Moves the buffer to the scratch file.
  absl::Status Write() {
    if (file_ == nullptr) {
      NEARDUP_ASSIGN_OR_RETURN(file_, SpillFile::Create(tmp_dir_));
    }
    NEARDUP_RETURN_IF_ERROR(
        file_->Append(buffer_.data(), buffer_.size() * sizeof(Neighbour)));
    buffer_.clear();
    return absl::OkStatus();
  }

  const size_t limit_;  // neighbours held in memory
  const std::string tmp_dir_;
  std::vector<uint32_t> texts_;
  std::vector<uint32_t> degree_;   // of texts_[i]
  std::vector<uint64_t> offsets_;  // of texts_[i * kOffsetEvery]'s list
  std::vector<Neighbour> buffer_;  // all neighbours, or those not written
  std::unique_ptr<SpillFile> file_;
  uint64_t count_ = 0;  // neighbours added
  absl::Status status_;
};

// EmitClusters() for a group of texts, its sets read at once if they fit in
// `share_bytes`, or else through a SetCache within it.
absl::Status ClusterGroup(GroupNeighbours& group, double threshold,
                          uint64_t share_bytes,
                          absl::FunctionRef<uint64_t(uint32_t)> set_bytes,
                          ReadSets read_sets, EmitCluster emit) {
  const absl::Span<const uint32_t> indexes = group.texts();
  const auto clustering =
      [&](absl::FunctionRef<double(uint32_t, uint32_t)> at_threshold)
      -> absl::StatusOr<ClusterList> {
    ClusterList clusters = ClusterWithoutChaining(
        group.degree(),
        [&](uint32_t i, std::vector<Neighbour>& out) { group.Read(i, out); },
        threshold, at_threshold);
    NEARDUP_RETURN_IF_ERROR(group.status());
    return clusters;
  };
  uint64_t total = 0;
  for (const uint32_t i : indexes) total += set_bytes(i);
  if (total > share_bytes) {
    SetCache cache(indexes, share_bytes, set_bytes, read_sets);
    return EmitClusters(
        indexes,
        [&](absl::FunctionRef<double(uint32_t, uint32_t)> at_threshold)
            -> absl::StatusOr<ClusterList> {
          NEARDUP_ASSIGN_OR_RETURN(ClusterList clusters,
                                   clustering(at_threshold));
          NEARDUP_RETURN_IF_ERROR(cache.status());
          return clusters;
        },
        threshold,
        [&](uint32_t x, uint32_t y, double at_least) {
          return cache.Similarity(x, y, at_least);
        },
        emit);
  }
  NEARDUP_ASSIGN_OR_RETURN(const std::vector<std::vector<uint64_t>> sets,
                           read_sets(indexes));
  return EmitClusters(
      indexes, clustering, threshold,
      [&](uint32_t x, uint32_t y, double at_least) {
        return JaccardIfAtLeast(sets[x], sets[y], at_least);
      },
      emit);
}

// A verified pair as the sort by group holds it: once for each of its texts.
struct GroupedNeighbour {
  uint32_t group;  // its group's smallest text with a verified pair
  uint32_t text;   // indexes into the component's texts
  uint32_t neighbour;
  double similarity;
  bool operator<(const GroupedNeighbour& o) const {
    return std::tuple(group, text, neighbour) <
           std::tuple(o.group, o.text, o.neighbour);
  }
};

// Visits the `count` pairs of `file` in order, a chunk at a time.
absl::Status ForEachVerifiedPair(
    const SpillFile& file, uint64_t count,
    absl::FunctionRef<void(const SimilarPair&)> visit) {
  std::vector<SimilarPair> chunk;
  for (uint64_t next = 0; next < count; next += chunk.size()) {
    chunk.resize(static_cast<size_t>(
        std::min<uint64_t>(PairCursor::kChunk, count - next)));
    NEARDUP_RETURN_IF_ERROR(file.ReadAt(next * sizeof(SimilarPair),
                                        chunk.data(),
                                        chunk.size() * sizeof(SimilarPair)));
    for (const SimilarPair& e : chunk) visit(e);
  }
  return absl::OkStatus();
}

// The groups into which the `count` verified pairs of `edge_file` (between
// indexes into a component's texts; `paired` marks the texts they join)
// split a component, each clustered by ClusterGroup(). The neighbour lists
// of a group are brought together by an external sort in a quarter of
// options.share_bytes; they are held in another quarter, or past it read
// back from a scratch file (a group chained by millions of verified
// pairs); its sets in the other half. Memory: 4 bytes per text with a
// verified pair and a bit and a half per text of the component while the
// pairs are grouped, then 8 bytes per text of the group being clustered
// (GroupNeighbours) and ClusterWithoutChaining()'s 16, and 12 per cluster.
absl::Status EmitGroups(const SpillFile& edge_file, uint64_t count,
                        std::vector<uint64_t> paired,
                        const ComponentVerification& options,
                        absl::FunctionRef<uint64_t(uint32_t)> set_bytes,
                        ReadSets read_sets, EmitCluster emit) {
  const uint64_t quarter = options.share_bytes / 4;
  NEARDUP_ASSIGN_OR_RETURN(
      const std::unique_ptr<SortedRuns<GroupedNeighbour>> by_group,
      SortedRuns<GroupedNeighbour>::Create(options.tmp_dir,
                                           static_cast<size_t>(quarter)));
  absl::Status status;
  {
    const SortedIds texts = SortedIds::FromBits(std::move(paired), 0);
    DisjointSets groups(texts.size());  // over positions in `texts`
    NEARDUP_RETURN_IF_ERROR(
        ForEachVerifiedPair(edge_file, count, [&](const SimilarPair& e) {
          groups.Join(texts.IndexOf(e.a), texts.IndexOf(e.b));
        }));
    NEARDUP_RETURN_IF_ERROR(
        ForEachVerifiedPair(edge_file, count, [&](const SimilarPair& e) {
          const uint32_t group = groups.Find(texts.IndexOf(e.a));
          if (status.ok()) {
            status = by_group->Add({group, e.a, e.b, e.similarity});
          }
          if (status.ok()) {
            status = by_group->Add({group, e.b, e.a, e.similarity});
          }
        }));
    NEARDUP_RETURN_IF_ERROR(status);
  }
  GroupNeighbours neighbours(quarter, options.tmp_dir);
  const auto cluster_group = [&]() -> absl::Status {
    NEARDUP_RETURN_IF_ERROR(neighbours.Finish());
    const absl::Status clustered =
        ClusterGroup(neighbours, options.threshold, options.share_bytes / 2,
                     set_bytes, read_sets, emit);
    neighbours.Clear();
    return clustered;
  };
  uint32_t group = 0;
  NEARDUP_RETURN_IF_ERROR(by_group->Merge([&](const GroupedNeighbour& p) {
    if (!status.ok()) return;
    if (!neighbours.empty() && p.group != group) status = cluster_group();
    group = p.group;
    if (status.ok()) status = neighbours.Add(p.text, p.neighbour, p.similarity);
  }));
  NEARDUP_RETURN_IF_ERROR(status);
  return neighbours.empty() ? absl::OkStatus() : cluster_group();
}

// The pairs of a component whose sets exceed options.share_bytes, verified
// in blocks of consecutive texts within half of it: pairs are sorted, so
// those whose first text lies in a block are consecutive, and their second
// texts lie in that block or after it, read in chunks within the other
// half. Verified pairs go to `edge_file` block by block rather than being
// held until the component ends, and the texts they join are marked in
// `paired` (a bit per text of the component). The block's buffers (~20
// bytes per pair of a block) are freed on return, before its verified
// pairs are grouped and clustered.
absl::Status VerifyInBlocks(const Component& component,
                            const ComponentVerification& options,
                            absl::FunctionRef<uint64_t(uint32_t)> set_bytes,
                            ReadSets read_sets, SpillFile& edge_file,
                            std::vector<uint64_t>& paired) {
  const double threshold = options.threshold;
  const uint32_t n = static_cast<uint32_t>(component.texts.size());
  PairCursor cursor(component);
  std::vector<TextPair> block_pairs;
  const uint64_t half = options.share_bytes / 2;
  std::vector<SimilarPair> edges;  // of a block
  std::vector<uint32_t> block_texts, others, chunk;
  std::vector<double> similarities;  // of a block's pairs
  for (uint32_t begin = 0; begin < n;) {
    uint32_t end = begin;
    for (uint64_t bytes = 0;
         end < n && (end == begin || bytes + set_bytes(end) <= half); ++end) {
      bytes += set_bytes(end);
    }
    block_pairs.clear();
    NEARDUP_RETURN_IF_ERROR(cursor.Take(end, SIZE_MAX, block_pairs));
    if (block_pairs.empty()) {
      begin = end;
      continue;
    }
    block_texts.resize(end - begin);
    std::iota(block_texts.begin(), block_texts.end(), begin);
    NEARDUP_ASSIGN_OR_RETURN(const std::vector<std::vector<uint64_t>> block,
                             read_sets(block_texts));
    // Each pair's similarity, computed on options.threads threads, once
    // both its sets are held: first the pairs within the block, then
    // those reaching each chunk of other texts.
    similarities.assign(block_pairs.size(), 0.0);
    const auto verify =
        [&](absl::FunctionRef<ShingleSet(const TextPair&)> other_set,
            absl::FunctionRef<bool(const TextPair&)> held) {
          ParallelFor(block_pairs.size(), options.threads, [&](size_t p) {
            const TextPair& pair = block_pairs[p];
            if (!held(pair)) return;
            similarities[p] = JaccardIfAtLeast(block[pair.first - begin],
                                               other_set(pair), threshold);
          });
          for (size_t p = 0; p < block_pairs.size(); ++p) {
            if (held(block_pairs[p]) && similarities[p] >= threshold) {
              edges.push_back(SimilarPair{block_pairs[p].first,
                                          block_pairs[p].second,
                                          similarities[p]});
            }
          }
        };
    verify(
        [&](const TextPair& pair) -> ShingleSet {
          return block[pair.second - begin];
        },
        [&](const TextPair& pair) { return pair.second < end; });
    others.clear();
    for (const TextPair& pair : block_pairs) {
      if (pair.second >= end) others.push_back(pair.second);
    }
    std::sort(others.begin(), others.end());
    others.erase(std::unique(others.begin(), others.end()), others.end());
    for (size_t o = 0; o < others.size();) {
      chunk.clear();
      for (uint64_t bytes = 0;
           o < others.size() &&
           (chunk.empty() || bytes + set_bytes(others[o]) <= half);
           ++o) {
        bytes += set_bytes(others[o]);
        chunk.push_back(others[o]);
      }
      NEARDUP_ASSIGN_OR_RETURN(const std::vector<std::vector<uint64_t>> sets,
                               read_sets(chunk));
      verify(
          [&](const TextPair& pair) -> ShingleSet {
            return sets[static_cast<size_t>(
                std::lower_bound(chunk.begin(), chunk.end(), pair.second) -
                chunk.begin())];
          },
          [&](const TextPair& pair) {
            return pair.second >= chunk.front() && pair.second <= chunk.back();
          });
    }
    for (const SimilarPair& e : edges) {
      SetBit(paired, e.a);
      SetBit(paired, e.b);
    }
    NEARDUP_RETURN_IF_ERROR(
        edge_file.Append(edges.data(), edges.size() * sizeof(SimilarPair)));
    edges.clear();
    begin = end;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<size_t> VerifyComponent(
    const Component& component, const ComponentVerification& options,
    absl::FunctionRef<uint64_t(uint32_t)> set_bytes, ReadSets read_sets,
    EmitCluster emit) {
  const double threshold = options.threshold;
  const uint32_t n = static_cast<uint32_t>(component.texts.size());
  uint64_t total = 0;
  for (uint32_t i = 0; i < n; ++i) total += set_bytes(i);
  if (total <= options.share_bytes) {
    std::vector<uint32_t> all(n);
    std::iota(all.begin(), all.end(), 0u);
    NEARDUP_ASSIGN_OR_RETURN(const std::vector<std::vector<uint64_t>> sets,
                             read_sets(all));
    const std::vector<ShingleSet> spans(sets.begin(), sets.end());
    PairCursor cursor(component);
    std::vector<TextPair> block_pairs;
    std::vector<SimilarPair> edges;
    do {
      block_pairs.clear();
      NEARDUP_RETURN_IF_ERROR(cursor.Take(n, PairCursor::kChunk, block_pairs));
      for (const SimilarPair& e :
           VerifyCandidates(block_pairs, spans, threshold, options.threads)) {
        edges.push_back(e);
      }
    } while (!block_pairs.empty());
    NEARDUP_RETURN_IF_ERROR(
        EmitClustersOfSets(all, spans, edges, threshold, emit));
    return edges.size();
  }
  NEARDUP_ASSIGN_OR_RETURN(const std::unique_ptr<SpillFile> edge_file,
                           SpillFile::Create(options.tmp_dir));
  std::vector<uint64_t> paired((size_t{n} + 63) / 64, 0);
  NEARDUP_RETURN_IF_ERROR(VerifyInBlocks(component, options, set_bytes,
                                         read_sets, *edge_file, paired));
  NEARDUP_RETURN_IF_ERROR(edge_file->Flush());
  ReturnFreedPages();  // the sets the blocks read
  const uint64_t verified = edge_file->size() / sizeof(SimilarPair);
  NEARDUP_RETURN_IF_ERROR(EmitGroups(*edge_file, verified, std::move(paired),
                                     options, set_bytes, read_sets, emit));
  return static_cast<size_t>(verified);
}

absl::Status VerifyComponents(const CandidateGraph& graph,
                              const ComponentVerification& options,
                              absl::FunctionRef<uint64_t(uint32_t)> set_bytes,
                              ReadComponentSets read_sets,
                              MakeComponentCluster make_cluster,
                              ClusterSpill& clusters, LevelStats& stats,
                              ComponentStats& components) {
  // Clusters go to the spill as they are found, not when their batch ends:
  // a large component yields many (holding them until the end cost 46 MB
  // of peak RSS on 1 GB of generated news). The order of Add() calls does
  // not change the report (ClusterSpill sorts them).
  std::mutex adding;
  const auto verify_batch = [&](std::vector<Component>& batch) {
    std::vector<size_t> verified(batch.size(), 0);
    std::vector<absl::Status> statuses(batch.size());
    // The components of a batch on a thread each; a component alone in its
    // batch (too large to share it) on all of them.
    ComponentVerification each = options;
    each.threads = batch.size() == 1 ? options.threads : 1;
    ParallelFor(batch.size(), options.threads, [&](size_t c) {
      const Component& component = batch[c];
      absl::StatusOr<size_t> pairs = VerifyComponent(
          component, each,
          [&](uint32_t i) { return set_bytes(component.texts[i]); },
          [&](absl::Span<const uint32_t> indexes) {
            return read_sets(component, indexes);
          },
          [&](absl::Span<const uint32_t> members,
              absl::FunctionRef<double(size_t, size_t)> similarity)
              -> absl::Status {
            NEARDUP_ASSIGN_OR_RETURN(
                const Cluster cluster,
                make_cluster(component, members, similarity));
            const std::lock_guard<std::mutex> lock(adding);
            NEARDUP_RETURN_IF_ERROR(clusters.Add(cluster));
            ++stats.clusters;
            return absl::OkStatus();
          });
      if (pairs.ok()) {
        verified[c] = *pairs;
      } else {
        statuses[c] = pairs.status();
      }
    });
    NEARDUP_RETURN_IF_ERROR(FirstError(statuses));
    components.count += batch.size();
    for (size_t c = 0; c < batch.size(); ++c) {
      stats.verified += verified[c];
      components.largest = std::max(components.largest, batch[c].texts.size());
    }
    return absl::OkStatus();
  };
  return graph.ForEachComponentBatch(options.sort_bytes, options.share_bytes,
                                     set_bytes, verify_batch);
}

absl::Status FirstError(const std::vector<absl::Status>& statuses) {
  for (const absl::Status& s : statuses) {
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace neardup
