#include "tools/generate/generator.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/hash.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "shingle/shingle.h"

namespace neardup {
namespace {

using ::testing::SizeIs;

// Sources: `count` articles of a headline and five paragraphs, each sentence
// of 10 words drawn from a 400-word vocabulary.
std::vector<std::string> Sources(int count) {
  std::vector<std::string> words;
  for (int i = 0; i < 400; ++i) words.push_back(absl::StrCat("w", i, "x"));
  std::vector<std::string> sources;
  uint64_t n = 0;
  for (int a = 0; a < count; ++a) {
    std::vector<std::string> paragraphs = {absl::StrCat("Headline ", a)};
    for (int p = 0; p < 5; ++p) {
      std::vector<std::string> sentences;
      for (int s = 0; s < 3; ++s) {
        std::vector<std::string> sentence;
        for (int w = 0; w < 10; ++w) {
          sentence.push_back(words[Mix64(n++) % words.size()]);
        }
        sentences.push_back(
            absl::StrCat("The ", absl::StrJoin(sentence, " "), "."));
      }
      paragraphs.push_back(absl::StrJoin(sentences, " "));
    }
    sources.push_back(absl::StrJoin(paragraphs, "\n\n"));
  }
  return sources;
}

struct Collected {
  std::vector<GeneratedDocument> documents;
  std::vector<std::vector<std::string>> families;
  std::vector<std::pair<GoldSpan, GoldSpan>> shared;
};

class CollectingSink : public GeneratorSink {
 public:
  explicit CollectingSink(Collected& out) : out_(out) {}
  absl::Status Document(const GeneratedDocument& d) override {
    out_.documents.push_back(d);
    return absl::OkStatus();
  }
  absl::Status Family(const std::vector<std::string>& members) override {
    out_.families.push_back(members);
    return absl::OkStatus();
  }
  absl::Status SharedPassage(const GoldSpan& a, const GoldSpan& b) override {
    out_.shared.emplace_back(a, b);
    return absl::OkStatus();
  }

 private:
  Collected& out_;
};

Collected Generate(const std::vector<std::string>& sources,
                   const GeneratorOptions& options) {
  Collected out;
  CollectingSink sink(out);
  EXPECT_TRUE(GenerateCorpus(sources, options, sink).ok());
  return out;
}

const GeneratedDocument& Find(const Collected& c, const std::string& id) {
  for (const GeneratedDocument& d : c.documents) {
    if (d.id == id) return d;
  }
  ADD_FAILURE() << "no document " << id;
  return c.documents.front();
}

TEST(GeneratorTest, SameSeedSameCorpusOtherSeedOtherCorpus) {
  const std::vector<std::string> sources = Sources(60);
  GeneratorOptions options;
  const Collected a = Generate(sources, options);
  const Collected b = Generate(sources, options);
  ASSERT_EQ(a.documents.size(), b.documents.size());
  for (size_t i = 0; i < a.documents.size(); ++i) {
    EXPECT_EQ(a.documents[i].text, b.documents[i].text);
  }
  options.seed = 2;
  const Collected c = Generate(sources, options);
  const auto all_text = [](const Collected& x) {
    std::string text;
    for (const GeneratedDocument& d : x.documents) text += d.text;
    return text;
  };
  EXPECT_NE(all_text(a), all_text(c));
}

TEST(GeneratorTest, EverySourceOnceAndEveryIdUnique) {
  const std::vector<std::string> sources = Sources(80);
  const Collected c = Generate(sources, GeneratorOptions());
  size_t originals = 0, reprints = 0;
  std::set<std::string> ids;
  for (const GeneratedDocument& d : c.documents) {
    EXPECT_TRUE(ids.insert(d.id).second) << d.id;
    (d.role == "reprint" ? reprints : originals)++;
  }
  EXPECT_EQ(originals, sources.size());
  size_t family_members = 0;
  for (const auto& family : c.families) {
    EXPECT_EQ(Find(c, family[0]).role, "original");
    family_members += family.size() - 1;
  }
  EXPECT_EQ(family_members, reprints);
  EXPECT_GT(c.families.size(), 5u);
}

TEST(GeneratorTest, ReprintsAreEditedAtTheRequestedRate) {
  GeneratorOptions options;
  options.edit_rate = 0.2;
  options.family_fraction = 1;
  options.trim_fraction = 0;
  options.ocr_fraction = 0;
  const Collected c = Generate(Sources(50), options);
  double total = 0;
  size_t reprints = 0;
  for (const auto& family : c.families) {
    const std::vector<uint64_t> original =
        Shingle(Find(c, family[0]).text, ShingleSpec{ShingleKind::kWord, 1});
    for (size_t i = 1; i < family.size(); ++i) {
      const GeneratedDocument& copy = Find(c, family[i]);
      total += copy.edit_rate;
      ++reprints;
      // Still mostly the same words, but not the same text.
      const double j = Jaccard(
          original, Shingle(copy.text, ShingleSpec{ShingleKind::kWord, 1}));
      EXPECT_GT(j, 0.4) << copy.text;
      EXPECT_LT(j, 1.0);
    }
  }
  ASSERT_GT(reprints, 40u);
  EXPECT_NEAR(total / static_cast<double>(reprints), 0.2, 0.02);
}

TEST(GeneratorTest, SharedPassageSpansHoldTheSameSentence) {
  GeneratorOptions options;
  options.family_fraction = 0;
  options.paste_fraction = 0.3;
  options.repeat_fraction = 0.3;
  const Collected c = Generate(Sources(100), options);
  size_t within = 0, across = 0;
  for (const auto& [a, b] : c.shared) {
    const std::string text_a =
        Find(c, a.doc).text.substr(a.start, a.end - a.start);
    const std::string text_b =
        Find(c, b.doc).text.substr(b.start, b.end - b.start);
    const ShingleSpec spec{ShingleKind::kChar, 4};
    EXPECT_GT(Jaccard(Shingle(text_a, spec), Shingle(text_b, spec)), 0.6)
        << text_a << " | " << text_b;
    (a.doc == b.doc ? within : across)++;
  }
  EXPECT_GT(within, 5u);
  EXPECT_GT(across, 5u);
}

TEST(GeneratorTest, GrowsPastTheSourcesWithSynthesizedText) {
  GeneratorOptions options;
  options.target_bytes = 200'000;
  const std::vector<std::string> sources = Sources(20);
  const Collected c = Generate(sources, options);
  size_t bytes = 0;
  for (const GeneratedDocument& d : c.documents) bytes += d.text.size();
  EXPECT_GE(bytes, options.target_bytes);
  EXPECT_LT(bytes, options.target_bytes + 20'000);
  EXPECT_THAT(c.documents, SizeIs(::testing::Gt(sources.size() * 5)));
}

TEST(GeneratorTest, RejectsBadOptionsAndEmptySources) {
  GeneratorOptions options;
  options.edit_rate = 1.5;
  Collected c;
  CollectingSink sink(c);
  EXPECT_EQ(GenerateCorpus(Sources(3), options, sink).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GenerateCorpus({"", "  "}, GeneratorOptions(), sink).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace neardup
