#include "engine/cluster_spill.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/hash.h"
#include "base/status_matchers.h"
#include "engine/build_cluster.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/test_files.h"

namespace neardup {
namespace {

using ::testing::HasSubstr;

// Clusters of both levels with distinct first members, in a shuffled order.
std::vector<Cluster> ShuffledClusters(int count) {
  std::vector<Cluster> clusters;
  for (int i = 0; i < count; ++i) {
    Cluster c;
    c.level = i % 3 == 0 ? Level::kDocument : Level::kPassage;
    c.boilerplate = i % 7 == 1;
    const uint32_t doc = static_cast<uint32_t>(Mix64(i) % 500);
    const uint32_t start = static_cast<uint32_t>(i) * 10;  // distinct
    const size_t members = 1 + Mix64(i + 1) % 4;
    for (size_t m = 0; m < members; ++m) {
      c.members.push_back(Member{doc + static_cast<uint32_t>(m), start,
                                 start + 9, static_cast<uint32_t>(m + 3),
                                 0.5 + 0.1 * static_cast<double>(m)});
    }
    if (c.level == Level::kDocument) {
      c.members[0].doc = static_cast<uint32_t>(i);  // distinct documents
    }
    c.canonical = members - 1;
    c.reason = i % 5 == 0 ? "" : absl::StrCat("reason ", i, " é");
    clusters.push_back(std::move(c));
  }
  return clusters;
}

bool ReportOrder(const Cluster& x, const Cluster& y) {
  const auto key = [](const Cluster& c) {
    return std::tuple(c.level == Level::kPassage, c.members[0].doc,
                      c.members[0].start);
  };
  return key(x) < key(y);
}

TEST(ClusterSpillTest, ReadsBackEveryClusterInReportOrderWithIds) {
  TempDir dir;
  std::vector<Cluster> clusters = ShuffledClusters(5000);
  // 1 KB of index memory writes many runs; 64 MB none.
  for (const size_t memory : {size_t{1} << 10, size_t{64} << 20}) {
    SCOPED_TRACE(memory);
    absl::StatusOr<std::unique_ptr<ClusterSpill>> spill =
        ClusterSpill::Create(dir.path(), memory);
    ASSERT_TRUE(spill.ok()) << spill.status();
    for (const Cluster& c : clusters) ASSERT_THAT((*spill)->Add(c), IsOk());
    ASSERT_THAT((*spill)->Finish(), IsOk());
    EXPECT_EQ((*spill)->size(), clusters.size());

    std::vector<Cluster> expected = clusters;
    std::sort(expected.begin(), expected.end(), ReportOrder);
    size_t i = 0;
    ASSERT_THAT((*spill)->ForEach([&](const Cluster& got) {
      const Cluster& want = expected[i++];
      EXPECT_EQ(got.id, i);
      EXPECT_EQ(got.level, want.level);
      EXPECT_EQ(got.boilerplate, want.boilerplate);
      EXPECT_EQ(got.canonical, want.canonical);
      EXPECT_EQ(got.reason, want.reason);
      EXPECT_EQ(got.members.size(), want.members.size());
      for (size_t m = 0; m < want.members.size(); ++m) {
        EXPECT_EQ(got.members[m].doc, want.members[m].doc);
        EXPECT_EQ(got.members[m].start, want.members[m].start);
        EXPECT_EQ(got.members[m].end, want.members[m].end);
        EXPECT_EQ(got.members[m].normalized_length,
                  want.members[m].normalized_length);
        EXPECT_EQ(got.members[m].similarity, want.members[m].similarity);
      }
      return absl::OkStatus();
    }),
                IsOk());
    EXPECT_EQ(i, clusters.size());
    EXPECT_GT((*spill)->bytes(), clusters.size() * 16);
  }
}

TEST(ClusterSpillTest, ForEachStopsAtTheFirstErrorOfVisit) {
  TempDir dir;
  absl::StatusOr<std::unique_ptr<ClusterSpill>> spill =
      ClusterSpill::Create(dir.path(), 1 << 20);
  ASSERT_TRUE(spill.ok()) << spill.status();
  for (const Cluster& c : ShuffledClusters(100)) {
    ASSERT_THAT((*spill)->Add(c), IsOk());
  }
  ASSERT_THAT((*spill)->Finish(), IsOk());
  int visits = 0;
  EXPECT_THAT((*spill)->ForEach([&](const Cluster&) {
    ++visits;
    return absl::CancelledError("enough");
  }),
              StatusIs(absl::StatusCode::kCancelled, HasSubstr("enough")));
  EXPECT_EQ(visits, 1);
}

// Passage clusters over 300 documents (members in (doc, start) order, some
// documents holding two members of one cluster, one boilerplate cluster),
// after document clusters of consecutive documents; ids in that order.
std::vector<Cluster> OverlappingClusters() {
  std::vector<Cluster> clusters;
  for (uint32_t d = 0; d < 300; d += 30) {
    Cluster c;
    c.level = Level::kDocument;
    c.members = {Member{d, 0, 100, 90, 1.0}, Member{d + 1, 0, 100, 90, 0.9}};
    clusters.push_back(c);
  }
  uint64_t n = 0;
  for (int i = 0; i < 3000; ++i) {
    Cluster c;
    c.level = Level::kPassage;
    c.boilerplate = i == 17;
    std::vector<std::pair<uint32_t, uint32_t>> places;  // (doc, start)
    const int members = 2 + static_cast<int>(Mix64(n++) % 4);
    for (int m = 0; m < members; ++m) {
      const uint32_t doc = static_cast<uint32_t>(Mix64(n++) % 300);
      // Starts repeat across clusters, so distinct counts matter.
      places.emplace_back(doc, static_cast<uint32_t>(Mix64(n++) % 20) * 10);
    }
    std::sort(places.begin(), places.end());
    places.erase(std::unique(places.begin(), places.end()), places.end());
    for (const auto& [doc, start] : places) {
      c.members.push_back(Member{doc, start, start + 8, 8, 1.0});
    }
    clusters.push_back(c);
  }
  for (size_t i = 0; i < clusters.size(); ++i) {
    clusters[i].id = static_cast<uint32_t>(i + 1);
  }
  return clusters;
}

TEST(OverlapSpillTest, FindsWhatFindOverlapsFindsInTheSameOrder) {
  TempDir dir;
  const std::vector<Cluster> clusters = OverlappingClusters();
  std::vector<uint32_t> eligible(300);
  for (uint32_t d = 0; d < 300; ++d) eligible[d] = 5 + d % 17;
  const auto date = [](uint32_t d) {
    return d % 7 == 0 ? std::string() : absl::StrCat("19", 10 + d % 13);
  };
  const std::vector<Overlap> expected = FindOverlaps(clusters, eligible, date);
  ASSERT_GT(expected.size(), 1000u);
  // In memory on several threads (pairs sharded among them): the same.
  for (const int threads : {2, 3}) {
    const std::vector<Overlap> sharded =
        FindOverlaps(clusters, eligible, date, threads);
    ASSERT_EQ(sharded.size(), expected.size()) << threads;
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(sharded[i].doc_a, expected[i].doc_a);
      EXPECT_EQ(sharded[i].doc_b, expected[i].doc_b);
      EXPECT_EQ(sharded[i].shared_passages, expected[i].shared_passages);
      EXPECT_EQ(sharded[i].fraction_a, expected[i].fraction_a);
      EXPECT_EQ(sharded[i].fraction_b, expected[i].fraction_b);
      EXPECT_EQ(sharded[i].earlier, expected[i].earlier);
    }
  }
  // Pairs sharing several clusters; pairs inside a document cluster left
  // out although passage clusters join them.
  ASSERT_GT(expected.front().shared_passages, 1u);
  const auto in_document_cluster = [](uint32_t a, uint32_t b) {
    return a % 30 == 0 && b == a + 1;
  };
  size_t joined_inside = 0;
  for (const Cluster& c : clusters) {
    for (size_t m = 1; m < c.members.size(); ++m) {
      joined_inside +=
          c.level == Level::kPassage &&
          in_document_cluster(c.members[m - 1].doc, c.members[m].doc);
    }
  }
  ASSERT_GT(joined_inside, 0u);
  for (const Overlap& o : expected) {
    ASSERT_FALSE(in_document_cluster(o.doc_a, o.doc_b));
  }

  for (const size_t memory : {size_t{1} << 10, size_t{64} << 20}) {
    SCOPED_TRACE(memory);
    absl::StatusOr<std::unique_ptr<OverlapSpill>> spill =
        OverlapSpill::Create(dir.path(), memory, eligible.size());
    ASSERT_TRUE(spill.ok()) << spill.status();
    for (const Cluster& c : clusters) ASSERT_THAT((*spill)->Add(c), IsOk());
    ASSERT_THAT((*spill)->Finish(eligible, date), IsOk());
    ASSERT_EQ((*spill)->size(), expected.size());
    size_t i = 0;
    ASSERT_THAT((*spill)->ForEach([&](const Overlap& got) {
      const Overlap& want = expected[i++];
      EXPECT_EQ(got.doc_a, want.doc_a);
      EXPECT_EQ(got.doc_b, want.doc_b);
      EXPECT_EQ(got.shared_passages, want.shared_passages);
      EXPECT_EQ(got.fraction_a, want.fraction_a);
      EXPECT_EQ(got.fraction_b, want.fraction_b);
      EXPECT_EQ(got.earlier, want.earlier);
      return absl::OkStatus();
    }),
                IsOk());
    EXPECT_EQ(i, expected.size());
  }
}

}  // namespace
}  // namespace neardup
