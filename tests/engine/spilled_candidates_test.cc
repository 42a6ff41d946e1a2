#include "engine/spilled_candidates.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <set>
#include <vector>

#include "base/disjoint_sets.h"
#include "base/hash.h"
#include "base/status_matchers.h"
#include "cluster/cluster.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/test_files.h"
#include "shingle/shingle.h"

namespace neardup {
namespace {

TEST(BandEntryTest, SortKeyOrdersAsTheEntriesDo) {
  // Runs are sorted by sort_key() and then by operator<: the key must never
  // put an entry after one that operator< puts after it, the full range of
  // 32-bit band keys and bands past 63 included.
  std::mt19937_64 random(3);
  std::vector<BandEntry> entries;
  for (int i = 0; i < 2000; ++i) {
    const uint64_t r = random();
    entries.push_back(BandEntry{static_cast<uint32_t>(r % 70),
                                static_cast<uint32_t>(r >> 40),
                                static_cast<uint32_t>(r >> 8)});
  }
  entries.push_back(BandEntry{0, 1, 0xFFFFFFFFu});
  entries.push_back(BandEntry{1, 0, 0});
  for (const BandEntry& a : entries) {
    for (const BandEntry& b : entries) {
      if (a < b) {
        EXPECT_LE(a.sort_key(), b.sort_key());
      }
    }
  }
}

using ::testing::HasSubstr;

// The texts 0 ... n - 1, held as an array.
SortedIds TextsBelow(uint32_t n) {
  std::vector<uint32_t> texts(n);
  std::iota(texts.begin(), texts.end(), 0u);
  return SortedIds(std::move(texts));
}

// The same texts held as a bit each, as a large component holds them.
SortedIds TextsBelowAsBits(uint32_t n) {
  std::vector<uint64_t> bits((n + 63) / 64, 0);
  for (uint32_t i = 0; i < n; ++i) bits[i / 64] |= uint64_t{1} << (i % 64);
  return SortedIds::FromBits(std::move(bits), 0);
}

// Pairs among `num_texts` texts: many small components, some texts in no
// pair, one long chain, and pairs of texts far apart, each pair added three
// times in shuffled order (as the bands of LSH repeat them).
std::vector<CandidatePair> ShuffledPairs(uint32_t num_texts) {
  std::vector<CandidatePair> pairs;
  for (uint32_t i = 0; i + 1 < num_texts; ++i) {
    if (Mix64(i) % 3 == 0) continue;  // texts left alone
    const uint32_t j = i + 1 + static_cast<uint32_t>(Mix64(i + 7) % 40);
    if (j < num_texts) pairs.push_back({i, j});
  }
  for (uint32_t i = 5000; i < 9000 && i + 17 < num_texts; i += 17) {
    pairs.push_back({i, i + 17});  // a chain joining many components
  }
  for (uint32_t i = 1; i < 20 && 13 * i < num_texts - 3 * i; ++i) {
    pairs.push_back({13 * i, num_texts - 3 * i});  // texts far apart
  }
  std::vector<CandidatePair> repeated;
  for (int copy = 0; copy < 3; ++copy) {
    repeated.insert(repeated.end(), pairs.begin(), pairs.end());
  }
  std::sort(repeated.begin(), repeated.end(),
            [](const CandidatePair& x, const CandidatePair& y) {
              return Mix64(uint64_t{x.a} << 32 | x.b) <
                     Mix64(uint64_t{y.a} << 32 | y.b);
            });
  return repeated;
}

// The components of `pairs` by a plain union-find over all texts: per
// smallest text, the sorted pairs.
std::map<uint32_t, std::set<std::pair<uint32_t, uint32_t>>> Expected(
    const std::vector<CandidatePair>& pairs, uint32_t num_texts) {
  DisjointSets sets(num_texts);
  for (const CandidatePair& p : pairs) sets.Join(p.a, p.b);
  std::map<uint32_t, std::set<std::pair<uint32_t, uint32_t>>> components;
  for (const CandidatePair& p : pairs) {
    components[sets.Find(p.a)].insert({p.a, p.b});
  }
  return components;
}

absl::StatusOr<CandidateGraph> BuildGraph(
    const std::vector<CandidatePair>& pairs, uint32_t num_texts,
    const std::string& dir, size_t sort_bytes) {
  NEARDUP_ASSIGN_OR_RETURN(auto runs,
                           SortedRuns<CandidatePair>::Create(dir, sort_bytes));
  for (const CandidatePair& p : pairs) NEARDUP_RETURN_IF_ERROR(runs->Add(p));
  return CandidateGraph::Build(*runs, num_texts, dir);
}

TEST(CandidateGraphTest, ComponentsEqualAPlainUnionFindWhateverTheMemory) {
  TempDir dir;
  constexpr uint32_t kTexts = 20000;
  const std::vector<CandidatePair> pairs = ShuffledPairs(kTexts);
  const auto expected = Expected(pairs, kTexts);
  std::set<uint32_t> expected_texts;
  for (const CandidatePair& p : pairs) {
    expected_texts.insert(p.a);
    expected_texts.insert(p.b);
  }
  size_t unique_pairs = 0;
  for (const auto& [root, component_pairs] : expected) {
    unique_pairs += component_pairs.size();
  }

  // 8 KB of sort memory spills many runs at both sorts; 1 GB spills none.
  for (const size_t sort_bytes : {size_t{8} << 10, size_t{1} << 30}) {
    SCOPED_TRACE(sort_bytes);
    const absl::StatusOr<CandidateGraph> built =
        BuildGraph(pairs, kTexts, dir.path(), sort_bytes);
    ASSERT_TRUE(built.ok()) << built.status();
    const CandidateGraph& graph = *built;
    EXPECT_EQ(graph.pairs(), unique_pairs);
    EXPECT_EQ(graph.texts(), expected_texts.size());
    // Ranks number the texts in pairs densely, NextText() walks them.
    uint32_t rank = 0;
    for (uint32_t t = graph.NextText(0); t < kTexts;
         t = graph.NextText(t + 1)) {
      ASSERT_TRUE(expected_texts.count(t)) << t;
      EXPECT_EQ(graph.Rank(t), rank++);
    }
    EXPECT_EQ(rank, expected_texts.size());

    // Components with more than 1024 pairs keep them on disk.
    constexpr uint64_t kBatchBytes = 4000;
    std::vector<uint32_t> smallest;
    size_t batches = 0, spilled = 0;
    EXPECT_THAT(
        graph.ForEachComponentBatch(
            sort_bytes, kBatchBytes, [](uint32_t) { return uint64_t{100}; },
            [&](std::vector<Component>& batch) {
              ++batches;
              uint64_t cost = 0;
              for (const Component& c : batch) {
                cost += c.pairs.size() * 8 + c.texts.memory_bytes() +
                        c.texts.size() * 100;
                EXPECT_EQ(c.spilled != nullptr, c.PairCount() > 1024);
                spilled += c.spilled != nullptr;
                std::vector<TextPair> local(c.PairCount());
                EXPECT_THAT(c.ReadPairs(0, absl::MakeSpan(local)), IsOk());
                for (size_t i = 1; i < c.texts.size(); ++i) {
                  EXPECT_LT(c.texts[i - 1], c.texts[i]);
                }
                EXPECT_TRUE(std::is_sorted(local.begin(), local.end()));
                std::set<std::pair<uint32_t, uint32_t>> got;
                for (const auto& [x, y] : local) {
                  got.insert({c.texts[x], c.texts[y]});
                }
                smallest.push_back(c.texts[0]);
                const auto it = expected.find(c.texts[0]);
                if (it == expected.end()) {
                  ADD_FAILURE() << "no component starts at " << c.texts[0];
                  continue;
                }
                EXPECT_EQ(got, it->second);
              }
              if (batch.size() > 1) {
                EXPECT_LE(cost, kBatchBytes);
              }
              return absl::OkStatus();
            }),
        IsOk());
    EXPECT_EQ(smallest.size(), expected.size());
    EXPECT_TRUE(std::is_sorted(smallest.begin(), smallest.end()));
    EXPECT_GT(batches, 10u);
    // The chain made one component of more pairs than a batch holds.
    EXPECT_EQ(spilled, 1u);
  }
}

TEST(CandidateGraphTest, StopsAtTheFirstErrorOfVisit) {
  TempDir dir;
  const std::vector<CandidatePair> pairs = ShuffledPairs(3000);
  const absl::StatusOr<CandidateGraph> graph =
      BuildGraph(pairs, 3000, dir.path(), 8 << 10);
  ASSERT_TRUE(graph.ok()) << graph.status();
  int calls = 0;
  const absl::Status status = graph->ForEachComponentBatch(
      8 << 10, 1000, [](uint32_t) { return uint64_t{0}; },
      [&](std::vector<Component>&) {
        ++calls;
        return absl::DataLossError("disk gone");
      });
  EXPECT_THAT(status.message(), HasSubstr("disk gone"));
  EXPECT_EQ(calls, 1);
}

TEST(CandidateGraphTest, NoPairsNoComponents) {
  TempDir dir;
  const absl::StatusOr<CandidateGraph> graph =
      BuildGraph({}, 100, dir.path(), 8 << 10);
  ASSERT_TRUE(graph.ok()) << graph.status();
  EXPECT_EQ(graph->texts(), 0u);
  EXPECT_EQ(graph->NextText(0), 100u);
  bool visited = false;
  EXPECT_THAT(graph->ForEachComponentBatch(
                  8 << 10, 1000, [](uint32_t) { return uint64_t{0}; },
                  [&](std::vector<Component>&) {
                    visited = true;
                    return absl::OkStatus();
                  }),
              IsOk());
  EXPECT_FALSE(visited);
}

// A component of 600 texts in 60 families of 10 near copies (texts of a
// family interleaved with the others), every pair inside a family a
// candidate, and consecutive families chained by dissimilar candidates.
struct ChainedComponent {
  Component component;
  std::vector<std::vector<uint64_t>> sets;
};
ChainedComponent MakeChainedComponent() {
  constexpr uint32_t kFamilies = 60, kCopies = 10;
  ChainedComponent c;
  const auto text = [](uint32_t family, uint32_t copy) {
    return copy * kFamilies + family;
  };
  c.sets.resize(kFamilies * kCopies);
  uint64_t n = 0;
  for (uint32_t f = 0; f < kFamilies; ++f) {
    std::vector<uint64_t> base;
    for (int i = 0; i < 40; ++i) base.push_back(Mix64(n++));
    for (uint32_t copy = 0; copy < kCopies; ++copy) {
      std::vector<uint64_t> set = base;
      // 0-7 of 40 shingles replaced: J from 1 down to ~0.7 with the base,
      // lower between copies, so some pairs fail at 0.7.
      for (uint64_t r = 0; r < Mix64(n) % 8; ++r) {
        set[Mix64(n + r + 1) % set.size()] = Mix64(n + 100 + r);
      }
      n += 200;
      std::sort(set.begin(), set.end());
      set.erase(std::unique(set.begin(), set.end()), set.end());
      c.sets[text(f, copy)] = set;
    }
  }
  std::vector<TextPair> pairs;
  for (uint32_t f = 0; f < kFamilies; ++f) {
    for (uint32_t x = 0; x < kCopies; ++x) {
      for (uint32_t y = x + 1; y < kCopies; ++y) {
        pairs.emplace_back(text(f, x), text(f, y));
      }
    }
    if (f + 1 < kFamilies) pairs.emplace_back(text(f, 0), text(f + 1, 0));
  }
  for (auto& [a, b] : pairs) {
    if (a > b) std::swap(a, b);
  }
  std::sort(pairs.begin(), pairs.end());
  c.component.texts = TextsBelow(static_cast<uint32_t>(c.sets.size()));
  c.component.pairs = pairs;
  return c;
}

// The sets of `indexes`, as a ReadSets callback returns them.
std::vector<std::vector<uint64_t>> SetsOf(const ChainedComponent& c,
                                          absl::Span<const uint32_t> indexes) {
  std::vector<std::vector<uint64_t>> sets;
  for (const uint32_t i : indexes) sets.push_back(c.sets[i]);
  return sets;
}

absl::Status IgnoreCluster(absl::Span<const uint32_t>,
                           absl::FunctionRef<double(size_t, size_t)>) {
  return absl::OkStatus();
}

// VerifyComponent()'s options: scratch files in `dir`.
ComponentVerification Verification(double threshold, uint64_t share_bytes,
                                   const TempDir& dir) {
  ComponentVerification options;
  options.threshold = threshold;
  options.share_bytes = share_bytes;
  options.tmp_dir = dir.path();
  return options;
}

// What VerifyCandidates() and ClusterWithoutChaining() find over all of a
// component's sets at once.
struct AllAtOnce {
  std::vector<SimilarPair> edges;
  std::vector<std::vector<uint32_t>> clusters;
};
AllAtOnce ClusterAllAtOnce(const ChainedComponent& c, double threshold) {
  const std::vector<ShingleSet> spans(c.sets.begin(), c.sets.end());
  AllAtOnce result;
  result.edges = VerifyCandidates(c.component.pairs, spans, threshold, 1);
  result.clusters = ClusterWithoutChaining(spans, result.edges, threshold);
  return result;
}

TEST(BudgetLeftTest, SharesWhatTheArraysLeaveButNeverLessThanAnEighth) {
  EXPECT_EQ(BudgetLeft(800, 0), 800u);
  EXPECT_EQ(BudgetLeft(800, 300), 500u);
  EXPECT_EQ(BudgetLeft(800, 750), 100u);
  EXPECT_EQ(BudgetLeft(800, 5000), 100u);  // arrays past the budget
}

TEST(VerifyComponentTest, InPiecesClustersAsAllAtOnce) {
  const ChainedComponent c = MakeChainedComponent();
  constexpr double kThreshold = 0.7;
  const auto [edges, expected] = ClusterAllAtOnce(c, kThreshold);
  ASSERT_GT(expected.size(), 60u);  // some families split
  ASSERT_LT(edges.size(), c.component.pairs.size());
  // More verified pairs than SortedRuns holds at the least (1024), so that
  // grouping them in pieces writes sorted runs and merges them.
  ASSERT_GT(edges.size(), 1024u);

  // The same component with its pairs on disk, as a component with too
  // many pairs to hold keeps them.
  TempDir dir;
  Component on_disk;
  on_disk.texts = TextsBelowAsBits(static_cast<uint32_t>(c.sets.size()));
  ASSERT_LT(on_disk.texts.memory_bytes(), c.component.texts.memory_bytes());
  absl::StatusOr<std::unique_ptr<SpillFile>> file =
      SpillFile::Create(dir.path());
  ASSERT_TRUE(file.ok()) << file.status();
  on_disk.spilled = *std::move(file);
  for (const auto& [x, y] : c.component.pairs) {
    const CandidatePair pair{c.component.texts[x], c.component.texts[y]};
    ASSERT_THAT(on_disk.spilled->Append(&pair, sizeof(pair)), IsOk());
  }
  ASSERT_THAT(on_disk.spilled->Flush(), IsOk());
  on_disk.spilled_pairs = c.component.pairs.size();

  uint64_t total = 0;
  for (const auto& set : c.sets) total += set.size() * 8;
  // All at once, and in pieces of a tenth of the sets or less.
  for (const Component* component :
       std::vector<const Component*>{&c.component, &on_disk}) {
    for (const uint64_t share : {total, total / 10, total / 40}) {
      SCOPED_TRACE(testing::Message()
                   << share << (component == &on_disk ? " on disk" : ""));
      uint64_t largest_read = 0;
      std::vector<std::vector<uint32_t>> clusters;
      const absl::StatusOr<size_t> verified = VerifyComponent(
          *component, Verification(kThreshold, share, dir),
          [&](uint32_t i) { return uint64_t{c.sets[i].size() * 8}; },
          [&](absl::Span<const uint32_t> indexes)
              -> absl::StatusOr<std::vector<std::vector<uint64_t>>> {
            EXPECT_TRUE(std::is_sorted(indexes.begin(), indexes.end()));
            std::vector<std::vector<uint64_t>> sets;
            uint64_t bytes = 0;
            for (const uint32_t i : indexes) {
              sets.push_back(c.sets[i]);
              bytes += c.sets[i].size() * 8;
            }
            largest_read = std::max(largest_read, bytes);
            return sets;
          },
          [&](absl::Span<const uint32_t> members,
              absl::FunctionRef<double(size_t, size_t)> similarity) {
            for (size_t x = 0; x < members.size(); ++x) {
              for (size_t y = x + 1; y < members.size(); ++y) {
                EXPECT_EQ(similarity(x, y),
                          Jaccard(c.sets[members[x]], c.sets[members[y]]));
              }
            }
            clusters.emplace_back(members.begin(), members.end());
            return absl::OkStatus();
          });
      ASSERT_TRUE(verified.ok()) << verified.status();
      EXPECT_EQ(*verified, edges.size());
      std::sort(clusters.begin(), clusters.end());
      EXPECT_EQ(clusters, expected);
      EXPECT_LE(largest_read, share);
    }
  }
}

// A chain of 100 texts, each sharing 36 of 40 shingles with the next
// (J = 0.82) and 32 with the one after (J = 0.67): verified pairs join them
// all into one group, which clustering must not chain.
ChainedComponent MakeSlidingChain() {
  constexpr uint32_t kTexts = 100;
  ChainedComponent c;
  for (uint32_t i = 0; i < kTexts; ++i) {
    std::vector<uint64_t> set;
    for (uint64_t s = 4 * i; s < 4 * i + 40; ++s) set.push_back(Mix64(s));
    std::sort(set.begin(), set.end());
    c.sets.push_back(set);
  }
  for (uint32_t i = 0; i < kTexts; ++i) {
    for (uint32_t j = i + 1; j < std::min(kTexts, i + 3); ++j) {
      c.component.pairs.emplace_back(i, j);
    }
  }
  c.component.texts = TextsBelow(kTexts);
  return c;
}

TEST(VerifyComponentTest, AGroupLargerThanItsShareIsClusteredAsAllAtOnce) {
  TempDir dir;
  const ChainedComponent c = MakeSlidingChain();
  constexpr double kThreshold = 0.7;
  const auto [edges, expected] = ClusterAllAtOnce(c, kThreshold);
  ASSERT_EQ(edges.size(), 99u);     // one verified group of all 100
  ASSERT_EQ(expected.size(), 50u);  // pairs, never chains
  constexpr uint64_t kSetBytes = 40 * 8;
  for (const uint64_t share : {100 * kSetBytes, 5 * kSetBytes, 2 * kSetBytes}) {
    SCOPED_TRACE(share);
    uint64_t largest_read = 0;
    size_t reads = 0;
    std::vector<std::vector<uint32_t>> clusters;
    const absl::StatusOr<size_t> verified = VerifyComponent(
        c.component, Verification(kThreshold, share, dir),
        [&](uint32_t) { return kSetBytes; },
        [&](absl::Span<const uint32_t> indexes)
            -> absl::StatusOr<std::vector<std::vector<uint64_t>>> {
          std::vector<std::vector<uint64_t>> sets;
          for (const uint32_t i : indexes) sets.push_back(c.sets[i]);
          largest_read = std::max(largest_read, indexes.size() * kSetBytes);
          reads += indexes.size();
          return sets;
        },
        [&](absl::Span<const uint32_t> members,
            absl::FunctionRef<double(size_t, size_t)> similarity) {
          EXPECT_EQ(similarity(0, 1),
                    Jaccard(c.sets[members[0]], c.sets[members[1]]));
          clusters.emplace_back(members.begin(), members.end());
          return absl::OkStatus();
        });
    ASSERT_TRUE(verified.ok()) << verified.status();
    EXPECT_EQ(*verified, 99u);
    std::sort(clusters.begin(), clusters.end());
    EXPECT_EQ(clusters, expected);
    EXPECT_LE(largest_read, share);
  }
}

TEST(VerifyComponentTest, AnErrorAtAnyReadIsPassedOn) {
  TempDir dir;
  for (const ChainedComponent& c :
       {MakeChainedComponent(), MakeSlidingChain()}) {
    const auto set_bytes = [&](uint32_t i) {
      return uint64_t{c.sets[i].size() * 8};
    };
    for (const uint64_t share : {uint64_t{1} << 30, uint64_t{2000}}) {
      size_t calls = 0;
      const auto counting_read = [&](absl::Span<const uint32_t> indexes)
          -> absl::StatusOr<std::vector<std::vector<uint64_t>>> {
        ++calls;
        return SetsOf(c, indexes);
      };
      ASSERT_THAT(VerifyComponent(c.component, Verification(0.7, share, dir),
                                  set_bytes, counting_read, IgnoreCluster)
                      .status(),
                  IsOk());
      const size_t total_calls = calls;
      ASSERT_GT(total_calls, 0u);
      // The first reads (blocks), the last (the groups' clustering), and
      // about 30 between.
      std::vector<size_t> failing_calls;
      for (size_t f = 1; f <= total_calls; ++f) {
        if (f <= 10 || f + 20 > total_calls ||
            f % (total_calls / 30 + 1) == 0) {
          failing_calls.push_back(f);
        }
      }
      for (const size_t failing : failing_calls) {
        SCOPED_TRACE(testing::Message() << share << " read " << failing);
        size_t call = 0;
        const auto read = [&](absl::Span<const uint32_t> indexes)
            -> absl::StatusOr<std::vector<std::vector<uint64_t>>> {
          if (++call == failing) return absl::DataLossError("short read");
          return SetsOf(c, indexes);
        };
        EXPECT_THAT(
            VerifyComponent(c.component, Verification(0.7, share, dir),
                            set_bytes, read, IgnoreCluster)
                .status(),
            StatusIs(absl::StatusCode::kDataLoss, HasSubstr("short read")));
      }
    }
  }
}

TEST(VerifyComponentTest, PassesOnErrorsOfReadingAndOfEmit) {
  TempDir dir;
  const ChainedComponent c = MakeChainedComponent();
  const auto set_bytes = [&](uint32_t i) {
    return uint64_t{c.sets[i].size() * 8};
  };
  const auto read = [&](absl::Span<const uint32_t> indexes)
      -> absl::StatusOr<std::vector<std::vector<uint64_t>>> {
    return SetsOf(c, indexes);
  };
  for (const uint64_t share : {uint64_t{1} << 30, uint64_t{2000}}) {
    EXPECT_THAT(VerifyComponent(
                    c.component, Verification(0.7, share, dir), set_bytes,
                    [](absl::Span<const uint32_t>)
                        -> absl::StatusOr<std::vector<std::vector<uint64_t>>> {
                      return absl::DataLossError("short read");
                    },
                    IgnoreCluster)
                    .status(),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("short read")));
    EXPECT_THAT(VerifyComponent(c.component, Verification(0.7, share, dir),
                                set_bytes, read,
                                [](absl::Span<const uint32_t>,
                                   absl::FunctionRef<double(size_t, size_t)>) {
                                  return absl::InternalError("emit failed");
                                })
                    .status(),
                StatusIs(absl::StatusCode::kInternal, HasSubstr("emit")));
    EXPECT_THAT(VerifyComponent(c.component, Verification(0.7, share, dir),
                                set_bytes, read, IgnoreCluster)
                    .status(),
                IsOk());
  }
  // A component verified in pieces keeps its verified pairs in scratch
  // files; one verified at once needs none.
  ComponentVerification no_scratch = Verification(0.7, 2000, dir);
  no_scratch.tmp_dir = dir.path() + "/missing";
  EXPECT_THAT(
      VerifyComponent(c.component, no_scratch, set_bytes, read, IgnoreCluster)
          .status(),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("missing")));
  no_scratch.share_bytes = uint64_t{1} << 30;
  EXPECT_THAT(
      VerifyComponent(c.component, no_scratch, set_bytes, read, IgnoreCluster)
          .status(),
      IsOk());
}

}  // namespace
}  // namespace neardup
