#include "engine/stream_passages.h"

#include <algorithm>
#include <atomic>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "base/parallel.h"
#include "base/release.h"
#include "base/status_macros.h"
#include "cluster/cluster.h"
#include "engine/build_cluster.h"
#include "shingle/shingle.h"

namespace neardup {

// The shingle sets of the passages in candidate pairs, on disk, in rank
// order. In memory, 2 bytes per set (its size; a passage has fewer than
// 65,535 shingles but for pages without punctuation, whose sizes are looked
// up in `large`) and 8 per 64 sets (where the first of them starts),
// instead of an 8-byte offset per set.
template <typename Value>
struct PassageSpill<Value>::ShingleStore {
  static constexpr size_t kBlock = 64;
  static constexpr uint16_t kLarge = 0xFFFF;  // the size is in `large`
  const CandidateGraph* graph;
  std::vector<uint16_t> sizes;                    // shingles, by rank
  absl::flat_hash_map<uint32_t, uint64_t> large;  // by rank
  std::vector<uint64_t> block_offsets;  // of rank kBlock * i, in shingles
  uint64_t shingles = 0;                // in the file
  std::unique_ptr<SpillFile> file;

  void Append(size_t size) {
    if (sizes.size() % kBlock == 0) block_offsets.push_back(shingles);
    if (size >= kLarge) {
      large.emplace(static_cast<uint32_t>(sizes.size()), size);
    }
    sizes.push_back(static_cast<uint16_t>(std::min<size_t>(size, kLarge)));
    shingles += size;
  }
  uint64_t Size(size_t rank) const {
    return sizes[rank] != kLarge ? sizes[rank]
                                 : large.at(static_cast<uint32_t>(rank));
  }
  uint64_t Bytes(uint32_t passage) const {
    return Size(graph->Rank(passage)) * sizeof(uint64_t);
  }
  uint64_t memory_bytes() const {
    return sizes.capacity() * sizeof(uint16_t) +
           large.capacity() * (sizeof(uint32_t) + sizeof(uint64_t) + 1) +
           block_offsets.capacity() * sizeof(uint64_t);
  }
  absl::StatusOr<std::vector<uint64_t>> Read(uint32_t passage) const {
    const size_t rank = graph->Rank(passage);
    uint64_t offset = block_offsets[rank / kBlock];
    for (size_t i = rank - rank % kBlock; i < rank; ++i) offset += Size(i);
    std::vector<uint64_t> set(Size(rank));
    NEARDUP_RETURN_IF_ERROR(file->ReadAt(offset * sizeof(uint64_t), set.data(),
                                         set.size() * sizeof(uint64_t)));
    return set;
  }
};

template <typename Value>
PassageSpill<Value>::PassageSpill(const EngineOptions& options,
                                  const SpillOptions& spill,
                                  const MinHasher& hasher,
                                  uint64_t usable_bytes)
    : options_(options),
      spill_(spill),
      hasher_(hasher),
      k_(static_cast<size_t>(hasher.num_perm())),
      usable_(usable_bytes) {
  passage_options_ = options;
  passage_options_.level = Level::kPassage;
  first_passage_.push_back(0);
}

template <typename Value>
absl::StatusOr<std::unique_ptr<PassageSpill<Value>>>
PassageSpill<Value>::Create(const EngineOptions& options,
                            const SpillOptions& spill, const MinHasher& hasher,
                            uint64_t usable_bytes) {
  std::unique_ptr<PassageSpill> p(
      new PassageSpill(options, spill, hasher, usable_bytes));
  NEARDUP_ASSIGN_OR_RETURN(p->lsh_, options.EffectiveLsh(options.passage));
  NEARDUP_ASSIGN_OR_RETURN(p->records_, SpillFile::Create(spill.tmp_dir));
  NEARDUP_ASSIGN_OR_RETURN(p->signatures_, SpillFile::Create(spill.tmp_dir));
  NEARDUP_ASSIGN_OR_RETURN(p->members_, SpillFile::Create(spill.tmp_dir));
  NEARDUP_ASSIGN_OR_RETURN(
      p->texts_, SortedRuns<TextEntry>::Create(
                     spill.tmp_dir, static_cast<size_t>(usable_bytes / 8)));
  return p;
}

template <typename Value>
absl::Status PassageSpill<Value>::Add(
    absl::Span<const PassageFingerprint> passages, const Value* signatures) {
  const uint32_t document = static_cast<uint32_t>(eligible_.size());
  const uint64_t first = first_passage_.back();
  if (first + passages.size() >= (uint64_t{1} << 32)) {
    return absl::InvalidArgumentError(
        "the streaming scan handles fewer than 2^32 passages");
  }
  uint32_t eligible = 0;
  for (size_t i = 0; i < passages.size(); ++i) {
    const PassageFingerprint& p = passages[i];
    const Record record{p.start, p.end, p.normalized_length};
    NEARDUP_RETURN_IF_ERROR(records_->Append(&record, sizeof(record)));
    const bool has_shingles = p.shingle_count > 0;
    eligible += has_shingles ? 1 : 0;
    NEARDUP_RETURN_IF_ERROR(texts_->Add(TextEntry{
        p.exact_key, p.normalized_length, static_cast<uint32_t>(first + i),
        document, has_shingles ? 1u : 0u}));
  }
  short_passages_ += passages.size() - eligible;
  if (!passages.empty()) {
    NEARDUP_RETURN_IF_ERROR(
        signatures_->Append(signatures, passages.size() * k_ * sizeof(Value)));
  }
  eligible_.push_back(eligible);
  first_passage_.push_back(static_cast<uint32_t>(first + passages.size()));
  return absl::OkStatus();
}

template <typename Value>
uint64_t PassageSpill<Value>::HeldBytes() const {
  return first_passage_.capacity() * sizeof(uint32_t) +
         eligible_.capacity() * sizeof(uint32_t) +
         representative_.capacity() * sizeof(uint64_t) +
         repeated_.capacity() * sizeof(TextSpan) +
         boilerplate_.capacity() * sizeof(Boilerplate);
}

template <typename Value>
uint32_t PassageSpill<Value>::DocumentOf(uint32_t passage) const {
  return static_cast<uint32_t>(
      std::upper_bound(first_passage_.begin(), first_passage_.end(), passage) -
      first_passage_.begin() - 1);
}

// Identical passages grouped as Scan() groups them.
template <typename Value>
absl::Status PassageSpill<Value>::Group(ScanStats& stats) {
  const uint32_t passages = first_passage_.back();
  representative_.assign((size_t{passages} + 63) / 64, 0);
  std::vector<uint32_t> run;  // passages of one text, ascending
  size_t run_documents = 0;
  bool run_eligible = false;
  absl::Status status;
  // The repeated texts' spans wait on disk until their number is known, so
  // that repeated_ is allocated once, at its size.
  NEARDUP_ASSIGN_OR_RETURN(std::unique_ptr<SpillFile> spans,
                           SpillFile::Create(spill_.tmp_dir));
  const auto flush = [&] {
    if (run.empty() || !status.ok()) return;
    const bool boilerplate = run_documents >= options_.boilerplate_min_docs;
    if (!boilerplate && !run_eligible) return;
    if (!boilerplate) {
      representative_[run[0] / 64] |= uint64_t{1} << (run[0] % 64);
      ++stats.passage.distinct;
      if (run.size() == 1) return;
    }
    const TextSpan span{
        run[0], static_cast<uint32_t>(run.size()),
        static_cast<uint32_t>(members_->size() / sizeof(uint32_t))};
    status = members_->Append(run.data(), run.size() * sizeof(uint32_t));
    if (!status.ok()) return;
    if (boilerplate) {
      boilerplate_.push_back(Boilerplate{span, run_documents});
    } else {
      status = spans->Append(&span, sizeof(span));
    }
  };
  TextEntry current{0, 0, 0, 0, 0};
  uint32_t last_document = 0;
  NEARDUP_RETURN_IF_ERROR(texts_->Merge([&](const TextEntry& e) {
    if (run.empty() || e.key != current.key || e.length != current.length) {
      flush();
      run.clear();
      run_documents = 0;
      run_eligible = e.eligible != 0;  // that of the first passage
      current = e;
    }
    if (run.empty() || e.document != last_document) ++run_documents;
    last_document = e.document;
    run.push_back(e.passage);
  }));
  flush();
  NEARDUP_RETURN_IF_ERROR(status);
  texts_.reset();
  NEARDUP_RETURN_IF_ERROR(members_->Flush());
  NEARDUP_RETURN_IF_ERROR(spans->Flush());
  repeated_.resize(spans->size() / sizeof(TextSpan));
  NEARDUP_RETURN_IF_ERROR(
      spans->ReadAt(0, repeated_.data(), repeated_.size() * sizeof(TextSpan)));
  std::sort(
      repeated_.begin(), repeated_.end(),
      [](const TextSpan& x, const TextSpan& y) { return x.first < y.first; });
  std::sort(boilerplate_.begin(), boilerplate_.end(),
            [](const Boilerplate& x, const Boilerplate& y) {
              return x.span.first < y.span.first;
            });
  stats.boilerplate_clusters = boilerplate_.size();
  return absl::OkStatus();
}

// Band keys of the representatives into sorted runs, merged into pairs.
template <typename Value>
absl::StatusOr<CandidateGraph> PassageSpill<Value>::Candidates(
    uint64_t budget_bytes, LevelStats& stats, SpillStats& spill) {
  if (options_.progress) options_.progress({"passages: band keys", 0, 0});
  NEARDUP_RETURN_IF_ERROR(signatures_->Flush());
  NEARDUP_ASSIGN_OR_RETURN(
      SpilledCandidates found,
      FindSpilledCandidates<Value>(
          std::move(signatures_), first_passage_.back(), first_passage_.back(),
          lsh_,
          LevelPairing(options_, options_.passage.threshold, hasher_.num_perm(),
                       "passage"),
          options_, spill_.tmp_dir, budget_bytes,
          [&](uint32_t passage) -> std::optional<uint32_t> {
            if (!IsRepresentative(passage)) return std::nullopt;
            return passage;
          },
          [](uint32_t passage) { return uint64_t{passage}; }, stats));
  spill.band_runs += found.band_runs;
  spill.scratch_bytes += found.band_bytes + found.low_byte_bytes +
                         found.pair_bytes + found.graph.bytes();
  return std::move(found.graph);
}

// Reads back the documents that hold a candidate, in input order, and
// writes the candidates' shingle sets.
template <typename Value>
absl::StatusOr<typename PassageSpill<Value>::ShingleStore>
PassageSpill<Value>::StoreShingles(const CandidateGraph& graph,
                                   const DocumentStore& documents) const {
  ShingleStore store;
  store.graph = &graph;
  NEARDUP_ASSIGN_OR_RETURN(store.file, SpillFile::Create(spill_.tmp_dir));
  store.sizes.reserve(graph.texts());
  store.block_offsets.reserve(graph.texts() / ShingleStore::kBlock + 1);
  // Chunks of documents, fingerprinted in parallel; within a chunk, the
  // passages of document d are passages[first[d] ... first[d + 1]).
  const uint32_t num_passages = first_passage_.back();
  const size_t chunk_documents = 64 * static_cast<size_t>(options_.threads);
  std::vector<uint32_t> passages;
  std::vector<uint32_t> chunk;  // documents
  std::vector<size_t> first;
  std::vector<std::vector<std::vector<uint64_t>>> sets;
  std::vector<absl::Status> statuses;
  for (uint32_t next = graph.NextText(0); next < num_passages;) {
    passages.clear();
    chunk.clear();
    first.clear();
    for (; next < num_passages; next = graph.NextText(next + 1)) {
      const uint32_t document = DocumentOf(next);
      if (chunk.empty() || chunk.back() != document) {
        if (chunk.size() == chunk_documents) break;
        chunk.push_back(document);
        first.push_back(passages.size());
      }
      passages.push_back(next);
    }
    first.push_back(passages.size());
    sets.assign(chunk.size(), {});
    statuses.assign(chunk.size(), absl::OkStatus());
    ParallelFor(chunk.size(), options_.threads, [&](size_t d) {
      absl::StatusOr<Document> document = documents.Get(chunk[d]);
      if (!document.ok()) {
        statuses[d] = document.status();
        return;
      }
      DocumentFingerprint fp =
          FingerprintDocument(document->text, passage_options_);
      for (size_t i = first[d]; i < first[d + 1]; ++i) {
        const size_t index = passages[i] - first_passage_[chunk[d]];
        const absl::Span<const uint64_t> shingles =
            fp.ShinglesOf(fp.passages[index]);
        sets[d].emplace_back(shingles.begin(), shingles.end());
        MakeShingleSet(sets[d].back());
      }
    });
    NEARDUP_RETURN_IF_ERROR(FirstError(statuses));
    for (const auto& document_sets : sets) {
      for (const std::vector<uint64_t>& set : document_sets) {
        NEARDUP_RETURN_IF_ERROR(
            store.file->Append(set.data(), set.size() * sizeof(uint64_t)));
        store.Append(set.size());
      }
    }
  }
  NEARDUP_RETURN_IF_ERROR(store.file->Flush());
  return store;
}

template <typename Value>
const typename PassageSpill<Value>::TextSpan* PassageSpill<Value>::RepeatedSpan(
    uint32_t text) const {
  const auto it = std::lower_bound(
      repeated_.begin(), repeated_.end(), text,
      [](const TextSpan& s, uint32_t t) { return s.first < t; });
  return it == repeated_.end() || it->first != text ? nullptr : &*it;
}

template <typename Value>
absl::StatusOr<std::vector<uint32_t>> PassageSpill<Value>::Members(
    const TextSpan& span) const {
  std::vector<uint32_t> members(span.count);
  NEARDUP_RETURN_IF_ERROR(
      members_->ReadAt(uint64_t{span.offset} * sizeof(uint32_t), members.data(),
                       members.size() * sizeof(uint32_t)));
  return members;
}

template <typename Value>
absl::StatusOr<Member> PassageSpill<Value>::MakeMember(
    uint32_t passage, const DocumentStore& documents, std::string& date) const {
  Record record;
  NEARDUP_RETURN_IF_ERROR(records_->ReadAt(uint64_t{passage} * sizeof(Record),
                                           &record, sizeof(record)));
  const uint32_t document = DocumentOf(passage);
  NEARDUP_ASSIGN_OR_RETURN(DocumentStore::Info info,
                           documents.GetInfo(document));
  date = std::move(info.date);
  return Member{document, record.start, record.end, record.normalized_length,
                1.0};
}

template <typename Value>
absl::StatusOr<Cluster> PassageSpill<Value>::MakeCluster(
    absl::Span<const uint32_t> texts, const DocumentStore& documents,
    absl::FunctionRef<double(size_t, size_t)> text_similarity) const {
  std::vector<std::pair<uint32_t, uint32_t>> passages;  // (passage, text)
  for (uint32_t t = 0; t < texts.size(); ++t) {
    const TextSpan* repeated = RepeatedSpan(texts[t]);
    if (repeated == nullptr) {
      passages.emplace_back(texts[t], t);
      continue;
    }
    NEARDUP_ASSIGN_OR_RETURN(const std::vector<uint32_t> members,
                             Members(*repeated));
    for (const uint32_t m : members) passages.emplace_back(m, t);
  }
  std::sort(passages.begin(), passages.end());
  std::vector<Member> members(passages.size());
  std::vector<std::string> dates(passages.size());
  for (size_t i = 0; i < passages.size(); ++i) {
    NEARDUP_ASSIGN_OR_RETURN(
        members[i], MakeMember(passages[i].first, documents, dates[i]));
  }
  return BuildCluster(Level::kPassage, std::move(members), dates,
                      options_.passage.canonical, [&](size_t i, size_t j) {
                        const uint32_t x = passages[i].second;
                        const uint32_t y = passages[j].second;
                        return x == y ? 1.0 : text_similarity(x, y);
                      });
}

template <typename Value>
absl::Status PassageSpill<Value>::Finish(const DocumentStore& documents,
                                         ClusterSpill& clusters,
                                         ScanStats& stats, SpillStats& spill,
                                         uint64_t held_elsewhere) {
  LevelStats& level = stats.passage;
  level.lsh = lsh_;
  stats.short_passages = short_passages_;
  level.items = first_passage_.back() - short_passages_;
  NEARDUP_RETURN_IF_ERROR(records_->Flush());
  first_passage_.shrink_to_fit();  // they grew by doubling
  eligible_.shrink_to_fit();
  // The pages the steps before freed leave before this one takes its share.
  ReturnFreedPages();
  if (options_.progress) options_.progress({"passages: grouping", 0, 0});
  NEARDUP_RETURN_IF_ERROR(Group(stats));
  spill.scratch_bytes +=
      records_->size() + signatures_->size() + members_->size();
  // The arrays held from here on; the shares come from what they leave.
  const uint64_t held = held_elsewhere + HeldBytes();
  NEARDUP_ASSIGN_OR_RETURN(const CandidateGraph graph,
                           Candidates(BudgetLeft(usable_, held), level, spill));
  ReturnFreedPages();  // what the candidates' merge freed
  if (options_.progress) options_.progress({"passages: verification", 0, 0});
  NEARDUP_ASSIGN_OR_RETURN(const ShingleStore store,
                           StoreShingles(graph, documents));
  spill.scratch_bytes += store.file->size();

  // A bit per repeated text that joined a cluster, set from several threads.
  std::vector<std::atomic<uint64_t>> clustered((repeated_.size() + 63) / 64);
  const auto set_bytes = [&](uint32_t passage) {
    return store.Bytes(passage) + sizeof(std::vector<uint64_t>) +
           sizeof(ShingleSet);
  };
  NEARDUP_RETURN_IF_ERROR(VerifyComponents(
      graph,
      LevelVerification(
          options_, options_.passage.threshold,
          BudgetLeft(usable_, held + graph.memory_bytes() +
                                  store.memory_bytes() +
                                  clustered.size() * sizeof(uint64_t)),
          spill_.tmp_dir),
      set_bytes,
      [&](const Component& component, absl::Span<const uint32_t> indexes)
          -> absl::StatusOr<std::vector<std::vector<uint64_t>>> {
        std::vector<std::vector<uint64_t>> sets;
        for (const uint32_t i : indexes) {
          NEARDUP_ASSIGN_OR_RETURN(sets.emplace_back(),
                                   store.Read(component.texts[i]));
        }
        return sets;
      },
      [&](const Component& component, absl::Span<const uint32_t> members,
          absl::FunctionRef<double(size_t, size_t)> similarity) {
        std::vector<uint32_t> texts;
        for (const uint32_t m : members) {
          texts.push_back(component.texts[m]);
          if (const TextSpan* repeated = RepeatedSpan(texts.back())) {
            const size_t r = static_cast<size_t>(repeated - repeated_.data());
            clustered[r / 64].fetch_or(uint64_t{1} << (r % 64),
                                       std::memory_order_relaxed);
          }
        }
        return MakeCluster(texts, documents, similarity);
      },
      clusters, level, spill.components));

  // Repeated texts that joined no near duplicate, then boilerplate, in
  // chunks made on all threads.
  const auto joined = [&](size_t r) {
    return (clustered[r / 64].load(std::memory_order_relaxed) >> (r % 64)) & 1;
  };
  constexpr size_t kChunk = 4096;
  std::vector<const TextSpan*> lone;  // the chunk's repeated texts
  std::vector<absl::StatusOr<Cluster>> chunk;
  size_t next_repeated = 0, next_boilerplate = 0;
  while (next_repeated < repeated_.size() ||
         next_boilerplate < boilerplate_.size()) {
    lone.clear();
    for (; next_repeated < repeated_.size() && lone.size() < kChunk;
         ++next_repeated) {
      if (!joined(next_repeated)) {
        lone.push_back(&repeated_[next_repeated]);
      }
    }
    const size_t first_boilerplate = next_boilerplate;
    if (next_repeated == repeated_.size()) {
      next_boilerplate = std::min(boilerplate_.size(),
                                  next_boilerplate + kChunk - lone.size());
    }
    chunk.assign(lone.size() + (next_boilerplate - first_boilerplate),
                 absl::StatusOr<Cluster>());
    ParallelFor(chunk.size(), options_.threads, [&](size_t c) {
      if (c < lone.size()) {
        chunk[c] = MakeCluster(absl::MakeConstSpan(&lone[c]->first, 1),
                               documents, [](size_t, size_t) { return 1.0; });
        return;
      }
      const Boilerplate& b = boilerplate_[first_boilerplate + c - lone.size()];
      std::vector<Member> members;
      std::string date;
      absl::StatusOr<std::vector<uint32_t>> passages = Members(b.span);
      for (size_t m = 0; passages.ok() && m < passages->size(); ++m) {
        absl::StatusOr<Member> member =
            MakeMember((*passages)[m], documents, date);
        if (!member.ok()) {
          passages = member.status();
          break;
        }
        members.push_back(*member);
      }
      chunk[c] = passages.ok() ? absl::StatusOr<Cluster>(BoilerplateCluster(
                                     std::move(members), b.documents))
                               : passages.status();
    });
    for (size_t c = 0; c < chunk.size(); ++c) {
      NEARDUP_RETURN_IF_ERROR(chunk[c].status());
      NEARDUP_RETURN_IF_ERROR(clusters.Add(*chunk[c]));
      if (c < lone.size()) ++level.clusters;
    }
  }
  return absl::OkStatus();
}

template class PassageSpill<uint32_t>;
template class PassageSpill<uint64_t>;

}  // namespace neardup
