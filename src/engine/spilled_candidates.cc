#include "engine/spilled_candidates.h"

#include <algorithm>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "base/disjoint_sets.h"
#include "base/parallel.h"

namespace neardup {

BucketPairing LevelPairing(const EngineOptions& options, double threshold,
                           int num_perm, uint64_t usable_bytes,
                           absl::string_view level) {
  BucketPairing pairing;
  pairing.num_perm = static_cast<size_t>(num_perm);
  pairing.needed =
      AgreementNeeded(EstimateFloor(threshold, num_perm), num_perm);
  pairing.max_bucket = options.max_bucket;
  pairing.pair_capacity = std::max<size_t>(
      1 << 16, static_cast<size_t>(usable_bytes / 8 / sizeof(TextPair)));
  pairing.level = level;
  pairing.threads = options.threads;
  return pairing;
}

template <typename Value>
absl::StatusOr<std::vector<TextPair>> PairBuckets(
    SortedRuns<BandEntry>& runs, const BucketPairing& pairing,
    absl::FunctionRef<absl::Status(uint32_t, Value*)> read_signature,
    LevelStats& stats) {
  const size_t k = pairing.num_perm;
  std::vector<TextPair> pairs;
  pairs.reserve(pairing.pair_capacity);  // address space only until filled
  // Buckets of two or more are collected in batches (members of bucket b:
  // members[offsets[b] ... offsets[b + 1])), then paired on all threads in
  // slices whose results are joined in slice order.
  constexpr size_t kBatchMembers = size_t{1} << 16;
  std::vector<uint32_t> members;
  std::vector<size_t> offsets = {0};
  struct Slice {
    size_t begin, end;  // buckets
    std::vector<TextPair> pairs;
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
      std::vector<Value> signatures;
      std::vector<uint32_t> positions;
      for (size_t b = slice.begin; b < slice.end; ++b) {
        const absl::Span<const uint32_t> bucket(members.data() + offsets[b],
                                                offsets[b + 1] - offsets[b]);
        const size_t m = bucket.size();
        signatures.resize(m * k);
        for (size_t i = 0; i < m; ++i) {
          slice.status = read_signature(bucket[i], signatures.data() + i * k);
          if (!slice.status.ok()) return;
        }
        positions.resize(m);
        std::iota(positions.begin(), positions.end(), 0u);
        const bool oversized = ForEachBucketPair(
            positions, pairing.max_bucket, [&](uint32_t i, uint32_t j) {
              ++slice.candidates;
              if (!AgreeAtLeast(signatures.data() + size_t{i} * k,
                                signatures.data() + size_t{j} * k, k,
                                pairing.needed)) {
                ++slice.pruned;
                return;
              }
              slice.pairs.emplace_back(bucket[i], bucket[j]);
            });
        slice.oversized += oversized ? 1 : 0;
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
      pairs.insert(pairs.end(), slice.pairs.begin(), slice.pairs.end());
    }
    members.clear();
    offsets.assign(1, 0);
    if (pairs.size() >= pairing.pair_capacity) {
      std::sort(pairs.begin(), pairs.end());
      pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
      if (pairs.size() >= pairing.pair_capacity / 2) {
        status = absl::ResourceExhaustedError(absl::StrCat(
            "more than ", pairs.size(), " candidate ", pairing.level,
            " pairs do not fit in an eighth of --memory; raise --memory or "
            "the ",
            pairing.level, " threshold"));
      }
    }
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
  NEARDUP_RETURN_IF_ERROR(status);
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  return pairs;
}

template absl::StatusOr<std::vector<TextPair>> PairBuckets<uint32_t>(
    SortedRuns<BandEntry>&, const BucketPairing&,
    absl::FunctionRef<absl::Status(uint32_t, uint32_t*)>, LevelStats&);
template absl::StatusOr<std::vector<TextPair>> PairBuckets<uint64_t>(
    SortedRuns<BandEntry>&, const BucketPairing&,
    absl::FunctionRef<absl::Status(uint32_t, uint64_t*)>, LevelStats&);

template <typename Value>
absl::StatusOr<SpilledCandidates> FindSpilledCandidates(
    const SpillFile& signatures, uint32_t slots, const LshParams& lsh,
    const BucketPairing& pairing, const EngineOptions& options,
    const std::string& tmp_dir, uint64_t usable_bytes,
    absl::FunctionRef<std::optional<uint32_t>(uint32_t)> text_of,
    absl::FunctionRef<uint64_t(uint32_t)> slot_of, LevelStats& stats) {
  const size_t k = pairing.num_perm;
  NEARDUP_ASSIGN_OR_RETURN(auto runs,
                           SortedRuns<BandEntry>::Create(
                               tmp_dir, static_cast<size_t>(usable_bytes / 4)));
  constexpr uint32_t kChunk = 4096;
  std::vector<Value> chunk(kChunk * k);
  for (uint32_t begin = 0; begin < slots; begin += kChunk) {
    const uint32_t count = std::min(kChunk, slots - begin);
    NEARDUP_RETURN_IF_ERROR(
        signatures.ReadAt(uint64_t{begin} * k * sizeof(Value), chunk.data(),
                          count * k * sizeof(Value)));
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
  if (options.progress) {
    const std::string stage = absl::StrCat(pairing.level, "s: candidates");
    options.progress({stage, 0, 0});
  }
  SpilledCandidates found;
  NEARDUP_ASSIGN_OR_RETURN(found.pairs,
                           PairBuckets<Value>(
                               *runs, pairing,
                               [&](uint32_t text, Value* out) {
                                 return signatures.ReadAt(
                                     slot_of(text) * k * sizeof(Value), out,
                                     k * sizeof(Value));
                               },
                               stats));
  found.band_runs = runs->runs();
  found.band_bytes = runs->spilled_bytes();
  return found;
}

template absl::StatusOr<SpilledCandidates> FindSpilledCandidates<uint32_t>(
    const SpillFile&, uint32_t, const LshParams&, const BucketPairing&,
    const EngineOptions&, const std::string&, uint64_t,
    absl::FunctionRef<std::optional<uint32_t>(uint32_t)>,
    absl::FunctionRef<uint64_t(uint32_t)>, LevelStats&);
template absl::StatusOr<SpilledCandidates> FindSpilledCandidates<uint64_t>(
    const SpillFile&, uint32_t, const LshParams&, const BucketPairing&,
    const EngineOptions&, const std::string&, uint64_t,
    absl::FunctionRef<std::optional<uint32_t>(uint32_t)>,
    absl::FunctionRef<uint64_t(uint32_t)>, LevelStats&);

std::vector<Component> SplitComponents(const std::vector<TextPair>& pairs) {
  // Texts renumbered densely, so that memory follows the pairs.
  std::vector<uint32_t> texts;
  texts.reserve(pairs.size() * 2);
  for (const auto& [a, b] : pairs) {
    texts.push_back(a);
    texts.push_back(b);
  }
  std::sort(texts.begin(), texts.end());
  texts.erase(std::unique(texts.begin(), texts.end()), texts.end());
  const auto dense = [&](uint32_t text) {
    return static_cast<uint32_t>(
        std::lower_bound(texts.begin(), texts.end(), text) - texts.begin());
  };
  DisjointSets sets(texts.size());
  for (const auto& [a, b] : pairs) sets.Join(dense(a), dense(b));
  // Roots are the smallest members: numbering components by first sight of
  // their root in text order orders them by smallest text.
  std::vector<uint32_t> component_of_root(texts.size(), UINT32_MAX);
  std::vector<Component> components;
  std::vector<uint32_t> component(texts.size());
  for (uint32_t t = 0; t < texts.size(); ++t) {
    const uint32_t root = sets.Find(t);
    if (component_of_root[root] == UINT32_MAX) {
      component_of_root[root] = static_cast<uint32_t>(components.size());
      components.emplace_back();
    }
    component[t] = component_of_root[root];
    components[component[t]].texts.push_back(texts[t]);
  }
  for (const auto& [a, b] : pairs) {
    Component& c = components[component[dense(a)]];
    const auto local = [&](uint32_t text) {
      return static_cast<uint32_t>(
          std::lower_bound(c.texts.begin(), c.texts.end(), text) -
          c.texts.begin());
    };
    c.pairs.emplace_back(local(a), local(b));
  }
  return components;
}

absl::Status FirstError(const std::vector<absl::Status>& statuses) {
  for (const absl::Status& s : statuses) {
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace neardup
