#include "engine/report.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace neardup {
namespace {

using ::testing::HasSubstr;

// A passage cluster of five members in three documents, its canonical in
// the last document.
struct Fixture {
  std::vector<Document> documents;
  ScanResult scan;
};
Fixture MakeFixture() {
  Fixture f;
  for (int d = 0; d < 3; ++d) {
    Document doc;
    doc.id = "doc" + std::to_string(d);
    doc.text = "Alpha beta gamma. Delta \"epsilon\" zeta. Eta theta iota.";
    f.documents.push_back(doc);
  }
  Cluster c;
  c.level = Level::kPassage;
  c.id = 1;
  c.members = {{0, 0, 17, 17, 1.0},
               {0, 18, 39, 21, 0.75},
               {1, 0, 17, 17, 1.0},
               {2, 0, 17, 17, 1.0},
               {2, 40, 55, 15, 0.5}};
  c.canonical = 3;
  c.reason = "earliest";
  f.scan.clusters.push_back(c);
  return f;
}

TEST(ClusterJsonLineTest, ReadsEachRunOfMembersOnceAndWritesTheInMemoryLine) {
  const Fixture f = MakeFixture();
  std::vector<uint32_t> reads;
  const absl::StatusOr<std::string> line =
      ClusterJsonLine(f.scan.clusters[0], [&](uint32_t doc) {
        reads.push_back(doc);
        return f.documents[doc];
      });
  ASSERT_THAT(line.status(), IsOk());
  EXPECT_EQ(*line, ReportJsonLines(f.scan, f.documents, 1));
  EXPECT_THAT(*line, HasSubstr("\"text\":\"Delta \\\"epsilon\\\" zeta.\""));
  // The canonical's document, then one read per run of members.
  EXPECT_EQ(reads, (std::vector<uint32_t>{2, 0, 1, 2}));
}

TEST(ClusterJsonLineTest, PassesOnTheFirstErrorOfReading) {
  const Fixture f = MakeFixture();
  for (const uint32_t failing : {0u, 1u, 2u}) {
    SCOPED_TRACE(failing);
    const absl::StatusOr<std::string> line = ClusterJsonLine(
        f.scan.clusters[0], [&](uint32_t doc) -> absl::StatusOr<Document> {
          if (doc == failing) {
            return absl::DataLossError("short read");
          }
          return f.documents[doc];
        });
    EXPECT_THAT(line.status(),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("short read")));
  }
}

}  // namespace
}  // namespace neardup
