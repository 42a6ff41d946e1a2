#include "io/spill.h"

#include <algorithm>
#include <random>
#include <vector>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/test_files.h"

namespace neardup {
namespace {

using ::testing::HasSubstr;

struct Entry {
  uint64_t key;
  uint32_t item;
  uint32_t band;
  bool operator<(const Entry& o) const {
    if (band != o.band) return band < o.band;
    if (key != o.key) return key < o.key;
    return item < o.item;
  }
  bool operator==(const Entry& o) const {
    return key == o.key && item == o.item && band == o.band;
  }
};

std::vector<Entry> RandomEntries(size_t n) {
  std::mt19937_64 random(7);
  std::vector<Entry> entries(n);
  for (Entry& e : entries) {
    // Few distinct keys, so that equal keys cross run boundaries.
    e = Entry{random() % 1000, static_cast<uint32_t>(random() % 50),
              static_cast<uint32_t>(random() % 3)};
  }
  return entries;
}

template <typename Record>
std::vector<Record> SortThroughRuns(const std::vector<Record>& entries,
                                    size_t memory_bytes, size_t* runs) {
  TempDir dir;
  auto sorter = *SortedRuns<Record>::Create(dir.path(), memory_bytes);
  for (const Record& e : entries) EXPECT_THAT(sorter->Add(e), IsOk());
  std::vector<Record> merged;
  EXPECT_THAT(sorter->Merge([&](const Record& e) { merged.push_back(e); }),
              IsOk());
  *runs = sorter->runs();
  return merged;
}

TEST(SortedRunsTest, MergingManyRunsGivesTheSortedRecords) {
  const std::vector<Entry> entries = RandomEntries(100000);
  std::vector<Entry> expected = entries;
  std::sort(expected.begin(), expected.end());
  size_t runs = 0;
  // 1024 records per run: about 98 runs.
  EXPECT_EQ(SortThroughRuns(entries, 1024 * sizeof(Entry), &runs), expected);
  EXPECT_GE(runs, 90u);
  // Everything fits: sorted in memory, nothing written.
  EXPECT_EQ(SortThroughRuns(entries, 100 << 20, &runs), expected);
  EXPECT_EQ(runs, 0u);
}

// An Entry that sorts by hash: the band in the top bits, then the key's.
struct HashedEntry : Entry {
  uint64_t sort_key() const { return (uint64_t{band} << 62) | (key >> 2); }
};

TEST(SortedRunsTest, RecordsWithASortKeyComeOutInOperatorLessOrder) {
  std::mt19937_64 random(11);
  std::vector<HashedEntry> entries(100000);
  for (HashedEntry& e : entries) {
    // Spread keys, with runs of equal keys (a tenth repeats an earlier one).
    const uint64_t key =
        (&e != entries.data() && random() % 10 == 0) ? (&e - 1)->key : random();
    e.key = key;
    e.item = static_cast<uint32_t>(random() % 50);
    e.band = static_cast<uint32_t>(random() % 3);
  }
  std::vector<HashedEntry> expected = entries;
  std::sort(expected.begin(), expected.end());
  size_t runs = 0;
  EXPECT_EQ(SortThroughRuns(entries, 8192 * sizeof(HashedEntry), &runs),
            expected);
  EXPECT_GE(runs, 20u);  // 4096 records a run: the sort's scratch is counted
  EXPECT_EQ(SortThroughRuns(entries, 100 << 20, &runs), expected);
  EXPECT_EQ(runs, 0u);
}

TEST(SpillFileTest, ReadsBackWhatWasAppendedAndNamesABadDirectory) {
  TempDir dir;
  auto file = *SpillFile::Create(dir.path());
  std::vector<uint32_t> values(600000);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = uint32_t(i * 2654435761u);
  ASSERT_THAT(file->Append(values.data(), 4 * 1000), IsOk());
  ASSERT_THAT(file->Append(values.data() + 1000, 4 * (values.size() - 1000)),
              IsOk());
  ASSERT_THAT(file->Flush(), IsOk());
  EXPECT_EQ(file->size(), 4 * values.size());
  uint32_t got[3];
  ASSERT_THAT(file->ReadAt(4 * 499999, got, sizeof(got)), IsOk());
  EXPECT_EQ(got[0], values[499999]);
  EXPECT_EQ(got[2], values[500001]);
  EXPECT_THAT(file->ReadAt(4 * values.size() - 4, got, sizeof(got)),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr(dir.path())));
  EXPECT_THAT(SpillFile::Create(dir.path() + "/missing").status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("missing")));
}

TEST(SpillFileTest, AppendsAfterAFlushFollowTheFlushedBytes) {
  // Small appends past a full buffer (1 MB), a flush, which frees the
  // buffer, then more appends into a new one.
  TempDir dir;
  auto file = *SpillFile::Create(dir.path());
  std::vector<uint64_t> values(400000);
  for (size_t i = 0; i < values.size(); ++i) values[i] = i * 0x9E3779B97F4A7C15;
  for (size_t i = 0; i < 200000; ++i) {
    ASSERT_THAT(file->Append(&values[i], sizeof(uint64_t)), IsOk());
  }
  ASSERT_THAT(file->Flush(), IsOk());
  for (size_t i = 200000; i < values.size(); ++i) {
    ASSERT_THAT(file->Append(&values[i], sizeof(uint64_t)), IsOk());
  }
  ASSERT_THAT(file->Flush(), IsOk());
  std::vector<uint64_t> read(values.size());
  ASSERT_THAT(file->ReadAt(0, read.data(), 8 * read.size()), IsOk());
  EXPECT_EQ(read, values);
}

TEST(DocumentStoreTest, GivesBackEachDocumentByPosition) {
  TempDir dir;
  auto store = *DocumentStore::Create(dir.path());
  for (int i = 0; i < 300; ++i) {
    Document d;
    d.id = "doc" + std::to_string(i);
    d.text = std::string(static_cast<size_t>(i) * 37, 'a' + i % 26);
    d.date = i % 2 ? "1916-01-0" + std::to_string(i % 9) : "";
    d.source = "f.jsonl:" + std::to_string(i + 1);
    ASSERT_THAT(store->Add(d), IsOk());
  }
  ASSERT_THAT(store->Finish(), IsOk());
  ASSERT_EQ(store->size(), 300u);
  const Document d = *store->Get(251);
  EXPECT_EQ(d.id, "doc251");
  EXPECT_EQ(d.text, std::string(251 * 37, 'a' + 251 % 26));
  EXPECT_EQ(d.date, "1916-01-08");
  EXPECT_EQ(d.source, "f.jsonl:252");
  EXPECT_EQ(store->Get(0)->text, "");
  const DocumentStore::Info info = *store->GetInfo(251);
  EXPECT_EQ(info.text_bytes, 251u * 37);
  EXPECT_EQ(info.date, "1916-01-08");
  absl::Status status;
  EXPECT_EQ(store->DateOr(251, status), "1916-01-08");
  EXPECT_TRUE(status.ok()) << status;
}

}  // namespace
}  // namespace neardup
