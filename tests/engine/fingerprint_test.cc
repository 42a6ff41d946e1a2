#include "engine/fingerprint.h"

#include <algorithm>
#include <string>
#include <vector>

#include "base/hash.h"
#include "gtest/gtest.h"
#include "normalize/normalize.h"
#include "shingle/shingle.h"

namespace neardup {
namespace {

constexpr char kText[] =
    "The wire copy was reprinted. The wire copy was reprinted again! Short "
    "one. A third sentence, with the copy of the wire.";

// The normalized text of passage `p` of kText.
std::string PassageText(const PassageFingerprint& p) {
  return NormalizeText(std::string(kText).substr(p.start, p.end - p.start));
}

TEST(NormalizeDocumentTest, PassagesAreRangesOfTheNormalizedText) {
  const EngineOptions options;
  const NormalizedDocument normalized = NormalizeDocument(kText, options);
  EXPECT_EQ(normalized.text, NormalizeText(kText));
  EXPECT_EQ(normalized.exact_key, Hash64(normalized.text));
  ASSERT_EQ(normalized.passages.size(), 4u);
  for (const NormalizedPassage& p : normalized.passages) {
    const std::string own = NormalizeText(
        absl::string_view(kText).substr(p.start, p.end - p.start));
    EXPECT_EQ(normalized.TextOf(p), own);
    EXPECT_EQ(p.exact_key, Hash64(own));
    EXPECT_EQ(p.words, std::count(own.begin(), own.end(), ' ') + 1);
  }
  // The document level alone needs no sentences.
  EngineOptions documents_only = options;
  documents_only.level = Level::kDocument;
  const NormalizedDocument whole = NormalizeDocument(kText, documents_only);
  EXPECT_EQ(whole.text, normalized.text);
  EXPECT_TRUE(whole.passages.empty());
}

TEST(FingerprintDocumentTest, EachPassageHasItsOwnRangeOfShingleHashes) {
  EngineOptions options;
  options.min_passage_words = 3;
  const DocumentFingerprint fp = FingerprintDocument(kText, options);
  ASSERT_EQ(fp.passages.size(), 4u);
  size_t next = 0;
  for (const PassageFingerprint& p : fp.passages) {
    EXPECT_EQ(p.shingles_begin, next);
    next += p.shingle_count;
    const absl::Span<const uint64_t> shingles = fp.ShinglesOf(p);
    if (p.words < 3) {
      EXPECT_TRUE(shingles.empty()) << PassageText(p);
      continue;
    }
    const std::vector<uint64_t> expected =
        ShingleHashes(PassageText(p), options.passage.shingle);
    EXPECT_EQ(std::vector<uint64_t>(shingles.begin(), shingles.end()),
              expected);
  }
  EXPECT_EQ(next, fp.passage_shingles.size());
  EXPECT_EQ(fp.shingles,
            ShingleHashes(NormalizeText(kText), options.document.shingle));
}

TEST(FingerprintDocumentTest, MakeShingleSetsGivesEveryListAsASet) {
  const EngineOptions options;
  DocumentFingerprint fp = FingerprintDocument(kText, options);
  MakeShingleSets(fp);
  EXPECT_EQ(fp.shingles,
            Shingle(NormalizeText(kText), options.document.shingle));
  for (const PassageFingerprint& p : fp.passages) {
    const absl::Span<const uint64_t> set = fp.ShinglesOf(p);
    if (p.words < static_cast<uint32_t>(options.min_passage_words)) {
      EXPECT_TRUE(set.empty());
      continue;
    }
    EXPECT_EQ(std::vector<uint64_t>(set.begin(), set.end()),
              Shingle(PassageText(p), options.passage.shingle))
        << PassageText(p);
  }
  // The two "wire copy" sentences share most of their shingles.
  EXPECT_GT(
      Jaccard(fp.ShinglesOf(fp.passages[0]), fp.ShinglesOf(fp.passages[1])),
      0.6);
}

}  // namespace
}  // namespace neardup
