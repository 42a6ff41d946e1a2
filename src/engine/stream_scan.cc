#include "engine/stream_scan.h"

#include <algorithm>
#include <mutex>
#include <numeric>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/parallel.h"
#include "base/release.h"
#include "base/sorted_ids.h"
#include "base/status_macros.h"
#include "cluster/cluster.h"
#include "engine/build_cluster.h"
#include "engine/fingerprint.h"
#include "engine/spilled_candidates.h"
#include "engine/stream_passages.h"
#include "lsh/lsh.h"
#include "minhash/minhash.h"
#include "shingle/shingle.h"

namespace neardup {
namespace {

// Resident before any data: code, libraries, thread stacks, I/O buffers
// (measured ~20 MB). The shares of the budget are taken from the rest.
constexpr uint64_t kFixedBytes = uint64_t{24} << 20;
constexpr uint64_t kMinimumBudget = uint64_t{64} << 20;

// A document with at least one token after normalization.
struct Item {
  uint64_t exact_key = 0;
  uint32_t doc = 0;
  uint32_t normalized_length = 0;
};

void Report(const EngineOptions& options, absl::string_view stage,
            size_t done) {
  if (options.progress) options.progress({stage, done, 0});
}

// Identical texts grouped: group g's first item is first_item[g]; groups are
// numbered in the order of their first items, as Scan() numbers them.
struct Groups {
  std::vector<uint32_t> of_item;
  std::vector<uint32_t> first_item;
  std::vector<uint32_t> offsets;  // items of group g: items[offsets[g]...]
  std::vector<uint32_t> items;    // ascending within a group

  absl::Span<const uint32_t> Members(uint32_t g) const {
    return absl::MakeConstSpan(items.data() + offsets[g],
                               offsets[g + 1] - offsets[g]);
  }
  uint64_t memory_bytes() const {
    return (of_item.capacity() + first_item.capacity() + offsets.capacity() +
            items.capacity()) *
           sizeof(uint32_t);
  }
};

Groups GroupIdentical(const std::vector<Item>& items) {
  const uint32_t n = static_cast<uint32_t>(items.size());
  TextRuns runs = OrderByText(items);
  Groups groups;
  groups.of_item.assign(n, 0);
  // Mark each run's first item, number the marks in item order, and give
  // every item its run's number.
  std::vector<uint32_t> run_first(n);
  for (size_t run = 0; run < runs.runs(); ++run) {
    const absl::Span<const uint32_t> members = runs.Run(run);
    for (const uint32_t member : members) run_first[member] = members.front();
  }
  runs = TextRuns();
  std::vector<uint32_t> number(n, 0);
  for (uint32_t item = 0; item < n; ++item) {
    if (run_first[item] == item) {
      number[item] = static_cast<uint32_t>(groups.first_item.size());
      groups.first_item.push_back(item);
    }
  }
  const size_t count = groups.first_item.size();
  groups.offsets.assign(count + 1, 0);
  for (uint32_t item = 0; item < n; ++item) {
    groups.of_item[item] = number[run_first[item]];
    ++groups.offsets[groups.of_item[item] + 1];
  }
  for (size_t g = 0; g < count; ++g) groups.offsets[g + 1] += groups.offsets[g];
  groups.items.resize(n);
  std::vector<uint32_t> filled(groups.offsets.begin(),
                               groups.offsets.end() - 1);
  for (uint32_t item = 0; item < n; ++item) {
    groups.items[filled[groups.of_item[item]]++] = item;
  }
  return groups;
}

template <typename Value>
class StreamScanner {
 public:
  StreamScanner(const EngineOptions& options, const SpillOptions& spill,
                const MinHasher& hasher, const LshParams& lsh)
      : options_(options),
        spill_(spill),
        hasher_(hasher),
        lsh_(lsh),
        k_(static_cast<size_t>(hasher.num_perm())),
        usable_(spill.memory_bytes - kFixedBytes) {
    document_options_ = options;
    document_options_.level = Level::kDocument;
  }

  absl::StatusOr<StreamScanResult> Run(DocumentStream& input) {
    NEARDUP_ASSIGN_OR_RETURN(result_.documents,
                             DocumentStore::Create(spill_.tmp_dir));
    NEARDUP_ASSIGN_OR_RETURN(signatures_, SpillFile::Create(spill_.tmp_dir));
    NEARDUP_ASSIGN_OR_RETURN(
        result_.clusters,
        ClusterSpill::Create(spill_.tmp_dir,
                             static_cast<size_t>(usable_ / 16)));
    if (options_.passages()) {
      NEARDUP_ASSIGN_OR_RETURN(
          passages_,
          PassageSpill<Value>::Create(options_, spill_, hasher_, usable_));
    }
    NEARDUP_RETURN_IF_ERROR(Fingerprint(input));
    result_.read = input.report();
    ScanStats& stats = result_.scan.stats;
    // Passages first: their scratch memory is released before the document
    // level's is taken.
    if (options_.passages()) {
      NEARDUP_RETURN_IF_ERROR(passages_->Finish(*result_.documents,
                                                *result_.clusters, stats,
                                                result_.spill, HeldBytes()));
    }
    if (options_.documents()) {
      stats.document.lsh = lsh_;
      stats.document.items = items_.size();
      groups_ = GroupIdentical(items_);
      stats.document.distinct = groups_.first_item.size();
      NEARDUP_ASSIGN_OR_RETURN(const CandidateGraph graph, Candidates());
      NEARDUP_RETURN_IF_ERROR(VerifyAndCluster(graph));
    }
    NEARDUP_RETURN_IF_ERROR(result_.clusters->Finish());
    NEARDUP_ASSIGN_OR_RETURN(
        result_.overlaps,
        OverlapSpill::Create(
            spill_.tmp_dir,
            static_cast<size_t>(
                Left(result_.documents->size() * sizeof(uint32_t)) / 4),
            result_.documents->size()));
    if (options_.passages()) NEARDUP_RETURN_IF_ERROR(Overlaps());
    result_.spill.scratch_bytes +=
        result_.documents->bytes() + result_.clusters->bytes();
    return std::move(result_);
  }

 private:
  // Pass 1: read, fingerprint, sign; store documents, signatures and
  // passages.
  absl::Status Fingerprint(DocumentStream& input) {
    // Passage shingles and signatures take ~15 times the text of a batch,
    // a document's shingles ~2 times.
    const uint64_t share = options_.passages() ? 64 : 16;
    const size_t batch_bytes = static_cast<size_t>(std::clamp<uint64_t>(
        usable_ / share, uint64_t{1} << 20, uint64_t{256} << 20));
    ScanStats& stats = result_.scan.stats;
    std::vector<Document> batch;
    std::vector<DocumentFingerprint> fingerprints;
    std::vector<Value> signatures;
    std::vector<std::vector<Value>> passage_signatures;
    for (;;) {
      batch.clear();
      NEARDUP_ASSIGN_OR_RETURN(const size_t n, input.Next(batch_bytes, batch));
      if (n == 0) break;
      if (stats.documents + n >= (uint64_t{1} << 32)) {
        return absl::InvalidArgumentError(
            "the streaming scan handles fewer than 2^32 documents");
      }
      ++result_.spill.batches;
      fingerprints.resize(n);
      signatures.resize(options_.documents() ? n * k_ : 0);
      passage_signatures.resize(n);
      ParallelFor(n, options_.threads, [&](size_t i) {
        DocumentFingerprint& fp = fingerprints[i];
        fp = FingerprintDocument(batch[i].text, options_);
        if (options_.documents() && fp.normalized_length != 0) {
          hasher_.SignInto(fp.shingles,
                           absl::MakeSpan(signatures.data() + i * k_, k_));
        }
        std::vector<Value>& out = passage_signatures[i];
        out.assign(fp.passages.size() * k_, 0);
        for (size_t p = 0; p < fp.passages.size(); ++p) {
          if (fp.passages[p].shingle_count == 0) continue;
          hasher_.SignInto(fp.ShinglesOf(fp.passages[p]),
                           absl::MakeSpan(out.data() + p * k_, k_));
        }
      });
      for (size_t i = 0; i < n; ++i) {
        NEARDUP_RETURN_IF_ERROR(result_.documents->Add(batch[i]));
        const uint32_t doc = static_cast<uint32_t>(stats.documents++);
        const DocumentFingerprint& fp = fingerprints[i];
        if (passages_ != nullptr) {
          NEARDUP_RETURN_IF_ERROR(
              passages_->Add(fp.passages, passage_signatures[i].data()));
        }
        if (fp.normalized_length == 0) {
          ++stats.empty_documents;
          continue;
        }
        if (!options_.documents()) continue;
        items_.push_back(Item{fp.exact_key, doc, fp.normalized_length});
        NEARDUP_RETURN_IF_ERROR(signatures_->Append(signatures.data() + i * k_,
                                                    k_ * sizeof(Value)));
      }
      Report(options_, "fingerprint", stats.documents);
    }
    Release(fingerprints);
    // The per-document arrays grew by doubling; what they hold from here on
    // is their size.
    items_.shrink_to_fit();
    NEARDUP_RETURN_IF_ERROR(result_.documents->Finish());
    return signatures_->Flush();
  }

  // Passes 2 and 3: band keys of each distinct text into sorted runs, then
  // buckets paired and pruned as lsh/lsh.h does, into pairs of groups.
  absl::StatusOr<CandidateGraph> Candidates() {
    Report(options_, "documents: band keys", 0);
    result_.spill.scratch_bytes += signatures_->size();
    NEARDUP_ASSIGN_OR_RETURN(
        SpilledCandidates found,
        FindSpilledCandidates<Value>(
            std::move(signatures_), static_cast<uint32_t>(items_.size()),
            static_cast<uint32_t>(groups_.first_item.size()), lsh_,
            LevelPairing(options_, options_.document.threshold,
                         hasher_.num_perm(), "document"),
            options_, spill_.tmp_dir, Left(0),
            [&](uint32_t item) -> std::optional<uint32_t> {
              const uint32_t group = groups_.of_item[item];
              if (groups_.first_item[group] != item) return std::nullopt;
              return group;
            },
            [&](uint32_t group) { return uint64_t{groups_.first_item[group]}; },
            result_.scan.stats.document));
    result_.spill.band_runs += found.band_runs;
    result_.spill.scratch_bytes += found.band_bytes + found.low_byte_bytes +
                                   found.pair_bytes + found.graph.bytes();
    return std::move(found.graph);
  }

  // Documents sharing passages, from the clusters read back in report
  // order, with their dates read back from the store.
  absl::Status Overlaps() {
    // The pages the steps before freed leave before this one takes its share.
    ReturnFreedPages();
    Report(options_, "overlaps", 0);
    OverlapSpill& overlaps = *result_.overlaps;
    NEARDUP_RETURN_IF_ERROR(result_.clusters->ForEach(
        [&](const Cluster& c) { return overlaps.Add(c); }));
    absl::Status status;
    NEARDUP_RETURN_IF_ERROR(overlaps.Finish(
        passages_->eligible(),
        [&](uint32_t doc) { return result_.documents->DateOr(doc, status); }));
    result_.scan.stats.overlaps = overlaps.size();
    result_.spill.scratch_bytes += overlaps.bytes();
    return status;
  }

  // The documents of groups[i] for each i of `indexes` shingled, read from
  // the store.
  absl::StatusOr<std::vector<std::vector<uint64_t>>> ShingleGroups(
      const SortedIds& groups, absl::Span<const uint32_t> indexes) const {
    std::vector<std::vector<uint64_t>> sets;
    for (const uint32_t i : indexes) {
      NEARDUP_ASSIGN_OR_RETURN(
          const Document doc,
          result_.documents->Get(items_[groups_.first_item[groups[i]]].doc));
      sets.push_back(FingerprintDocument(doc.text, document_options_).shingles);
      MakeShingleSet(sets.back());
    }
    return sets;
  }

  // One cluster of the items of `cluster_groups` (ascending);
  // `group_similarity(x, y)` for two indexes into it.
  absl::StatusOr<Cluster> MakeDocumentCluster(
      absl::Span<const uint32_t> cluster_groups,
      absl::FunctionRef<double(size_t, size_t)> group_similarity) const {
    std::vector<std::pair<uint32_t, uint32_t>> members;  // (item, index)
    for (uint32_t i = 0; i < cluster_groups.size(); ++i) {
      for (const uint32_t item : groups_.Members(cluster_groups[i])) {
        members.emplace_back(item, i);
      }
    }
    std::sort(members.begin(), members.end());
    std::vector<Member> cluster_members;
    std::vector<std::string> dates;
    for (const auto& [item, index] : members) {
      NEARDUP_ASSIGN_OR_RETURN(DocumentStore::Info info,
                               result_.documents->GetInfo(items_[item].doc));
      cluster_members.push_back(Member{items_[item].doc, 0,
                                       static_cast<uint32_t>(info.text_bytes),
                                       items_[item].normalized_length, 1.0});
      dates.push_back(std::move(info.date));
    }
    return BuildCluster(Level::kDocument, std::move(cluster_members), dates,
                        options_.document.canonical, [&](size_t i, size_t j) {
                          const uint32_t x = members[i].second;
                          const uint32_t y = members[j].second;
                          return x == y ? 1.0 : group_similarity(x, y);
                        });
  }

  // Bytes held in memory by the per-document arrays (the passage level's
  // are its own).
  uint64_t HeldBytes() const {
    return items_.capacity() * sizeof(Item) + groups_.memory_bytes() +
           result_.documents->memory_bytes();
  }
  // The shares of a step come from what the usable bytes leave after the
  // arrays of both levels and `held`, and are never less than an eighth of
  // them.
  uint64_t Left(uint64_t held) const {
    return BudgetLeft(usable_,
                      held + HeldBytes() +
                          (passages_ != nullptr ? passages_->HeldBytes() : 0));
  }

  // Pass 4: per connected component of candidates, exact verification and
  // clustering; then clusters of identical texts that joined no other.
  absl::Status VerifyAndCluster(const CandidateGraph& graph) {
    Report(options_, "documents: verification", 0);
    const size_t num_groups = groups_.first_item.size();
    ScanStats& stats = result_.scan.stats;
    std::vector<uint8_t> clustered(num_groups, 0);
    // A document's text and word shingles take about twice its normalized
    // text.
    const auto set_bytes = [&](uint32_t group) {
      return 2 * uint64_t{items_[groups_.first_item[group]].normalized_length};
    };
    NEARDUP_RETURN_IF_ERROR(VerifyComponents(
        graph,
        LevelVerification(options_, options_.document.threshold,
                          Left(graph.memory_bytes() + clustered.size()),
                          spill_.tmp_dir),
        set_bytes,
        [&](const Component& component, absl::Span<const uint32_t> indexes) {
          return ShingleGroups(component.texts, indexes);
        },
        [&](const Component& component, absl::Span<const uint32_t> members,
            absl::FunctionRef<double(size_t, size_t)> similarity) {
          std::vector<uint32_t> cluster_groups;
          for (const uint32_t m : members) {
            cluster_groups.push_back(component.texts[m]);
            clustered[component.texts[m]] = 1;
          }
          return MakeDocumentCluster(cluster_groups, similarity);
        },
        *result_.clusters, stats.document, result_.spill.components));
    // Groups of identical documents that joined no other, in chunks.
    std::vector<uint32_t> identical;
    std::vector<absl::StatusOr<Cluster>> identical_clusters;
    for (uint32_t begin = 0; begin < num_groups;) {
      identical.clear();
      for (; begin < num_groups && identical.size() < 4096; ++begin) {
        if (!clustered[begin] && groups_.Members(begin).size() >= 2) {
          identical.push_back(begin);
        }
      }
      identical_clusters.resize(identical.size());
      ParallelFor(identical.size(), options_.threads, [&](size_t i) {
        identical_clusters[i] =
            MakeDocumentCluster(absl::MakeConstSpan(&identical[i], 1),
                                [](size_t, size_t) { return 1.0; });
      });
      for (const absl::StatusOr<Cluster>& cluster : identical_clusters) {
        NEARDUP_RETURN_IF_ERROR(cluster.status());
        NEARDUP_RETURN_IF_ERROR(result_.clusters->Add(*cluster));
        ++stats.document.clusters;
      }
    }
    return absl::OkStatus();
  }

  const EngineOptions& options_;
  EngineOptions document_options_;
  const SpillOptions& spill_;
  const MinHasher& hasher_;
  const LshParams lsh_;
  const size_t k_;
  const uint64_t usable_;  // the budget less kFixedBytes
  StreamScanResult result_;
  // Item i's at i * k_ values; handed to FindSpilledCandidates().
  std::unique_ptr<SpillFile> signatures_;
  std::vector<Item> items_;
  Groups groups_;
  std::unique_ptr<PassageSpill<Value>> passages_;  // when passages run
};

}  // namespace

absl::StatusOr<uint64_t> ParseMemoryBudget(absl::string_view text,
                                           uint64_t physical_bytes) {
  const auto invalid = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "--memory must be bytes, a size such as 500M or 2G, or a share of "
        "physical memory such as 10%; got \"",
        text, "\""));
  };
  if (text.empty()) return invalid();
  double scale = 1;
  absl::string_view number = text;
  switch (text.back()) {
    case '%':
      scale = static_cast<double>(physical_bytes) / 100;
      break;
    case 'K':
    case 'k':
      scale = 1024.0;
      break;
    case 'M':
    case 'm':
      scale = 1024.0 * 1024;
      break;
    case 'G':
    case 'g':
      scale = 1024.0 * 1024 * 1024;
      break;
    case 'T':
    case 't':
      scale = 1024.0 * 1024 * 1024 * 1024;
      break;
    default:
      break;
  }
  if (scale != 1) number.remove_suffix(1);
  double value = 0;
  if (!absl::SimpleAtod(number, &value) || !(value > 0) ||
      !(value * scale < 1.8e19)) {
    return invalid();
  }
  const uint64_t bytes = static_cast<uint64_t>(value * scale);
  if (bytes == 0) return invalid();
  return bytes;
}

absl::StatusOr<StreamScanResult> ScanStream(DocumentStream& input,
                                            const EngineOptions& options,
                                            const SpillOptions& spill) {
  NEARDUP_RETURN_IF_ERROR(options.Validate());
  if (spill.memory_bytes < kMinimumBudget) {
    return absl::InvalidArgumentError(
        absl::StrCat("a memory budget of at least 64 MB is needed; got ",
                     spill.memory_bytes, " bytes"));
  }
  NEARDUP_ASSIGN_OR_RETURN(const MinHasher hasher,
                           MinHasher::Create(options.num_perm, options.seed));
  NEARDUP_ASSIGN_OR_RETURN(const LshParams lsh,
                           options.EffectiveLsh(options.document));
  if (options.signature_bits == 32) {
    return StreamScanner<uint32_t>(options, spill, hasher, lsh).Run(input);
  }
  return StreamScanner<uint64_t>(options, spill, hasher, lsh).Run(input);
}

}  // namespace neardup
