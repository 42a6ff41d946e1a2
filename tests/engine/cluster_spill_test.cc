#include "engine/cluster_spill.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/hash.h"
#include "base/status_matchers.h"
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

}  // namespace
}  // namespace neardup
