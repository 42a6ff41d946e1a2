#include "tools/generate/generator.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/hash.h"
#include "base/status_macros.h"
#include "segment/segment.h"

namespace neardup {
namespace {

// splitmix64 over a counter: the same numbers on every platform.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(Mix64(seed)) {}
  uint64_t Next() { return Mix64(state_++); }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  size_t Below(size_t n) {
    return static_cast<size_t>((static_cast<unsigned __int128>(Next()) * n) >>
                               64);
  }
  bool Chance(double p) { return Uniform() < p; }

 private:
  uint64_t state_;
};

using Paragraph = std::vector<std::string>;  // sentences
using Article = std::vector<Paragraph>;

size_t WordCount(absl::string_view sentence) {
  return std::count(sentence.begin(), sentence.end(), ' ') + 1;
}

// Paragraphs split at blank lines (at lines when there is no blank line);
// sentences by segment/segment.h, whitespace folded.
Article ParseArticle(absl::string_view text) {
  const bool blank_lines = absl::StrContains(text, "\n\n");
  Article article;
  for (absl::string_view block :
       absl::StrSplit(text, blank_lines ? "\n\n" : "\n")) {
    Paragraph paragraph;
    for (const Segment& s : SplitSentences(block)) {
      std::vector<absl::string_view> words =
          absl::StrSplit(block.substr(s.start, s.end - s.start),
                         absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty());
      if (!words.empty()) paragraph.push_back(absl::StrJoin(words, " "));
    }
    if (!paragraph.empty()) article.push_back(std::move(paragraph));
  }
  // One long block (OCR pages): paragraphs of three sentences.
  if (article.size() == 1 && article[0].size() > 6) {
    Article regrouped;
    for (size_t i = 0; i < article[0].size(); i += 3) {
      const size_t end = std::min(article[0].size(), i + 3);
      regrouped.emplace_back(article[0].begin() + i, article[0].begin() + end);
    }
    article = std::move(regrouped);
  }
  return article;
}

// A word-bigram model of the sources, for originals past the sources.
class BigramModel {
 public:
  void Add(const Article& article) {
    for (const Paragraph& p : article) {
      for (const std::string& sentence : p) {
        uint32_t previous = kStart;
        for (absl::string_view word : absl::StrSplit(sentence, ' ')) {
          const uint32_t id = Intern(word);
          Successors(previous).push_back(id);
          previous = id;
        }
      }
    }
  }

  bool empty() const { return successors_.empty(); }

  std::string Sentence(Random& random, size_t max_words) const {
    std::vector<absl::string_view> words;
    uint32_t previous = kStart;
    while (words.size() < max_words) {
      const auto it = successors_.find(previous);
      if (it == successors_.end()) break;
      previous = it->second[random.Below(it->second.size())];
      words.push_back(words_[previous]);
      const char last = words.back().back();
      if (words.size() >= 6 && (last == '.' || last == '!' || last == '?')) {
        break;
      }
    }
    std::string out = absl::StrJoin(words, " ");
    if (!out.empty() && out.back() != '.') out.push_back('.');
    return out;
  }

 private:
  static constexpr uint32_t kStart = ~uint32_t{0};

  uint32_t Intern(absl::string_view word) {
    auto [it, inserted] = ids_.try_emplace(
        std::string(word), static_cast<uint32_t>(words_.size()));
    if (inserted) words_.push_back(std::string(word));
    return it->second;
  }
  std::vector<uint32_t>& Successors(uint32_t id) { return successors_[id]; }

  absl::flat_hash_map<std::string, uint32_t> ids_;
  std::vector<std::string> words_;
  absl::flat_hash_map<uint32_t, std::vector<uint32_t>> successors_;
};

// Where one sentence of an article lands in its rendered text.
struct Mark {
  size_t paragraph, sentence;
};

std::string Render(const Article& article, absl::Span<const Mark> marks,
                   std::vector<std::pair<uint32_t, uint32_t>>* spans) {
  std::string text;
  if (spans) spans->assign(marks.size(), {0, 0});
  for (size_t p = 0; p < article.size(); ++p) {
    if (p > 0) text.append("\n\n");
    for (size_t s = 0; s < article[p].size(); ++s) {
      if (s > 0) text.push_back(' ');
      const uint32_t start = static_cast<uint32_t>(text.size());
      text.append(article[p][s]);
      for (size_t m = 0; m < marks.size(); ++m) {
        if (marks[m].paragraph == p && marks[m].sentence == s && spans) {
          (*spans)[m] = {start, static_cast<uint32_t>(text.size())};
        }
      }
    }
  }
  return text;
}

// Replaces each word with probability `rate` (at least `minimum` words) by a
// word of the vocabulary. Returns the number replaced.
size_t SubstituteWords(std::string& sentence, double rate, size_t minimum,
                       absl::Span<const std::string> vocabulary,
                       Random& random) {
  std::vector<std::string> words = absl::StrSplit(sentence, ' ');
  size_t replaced = 0;
  for (std::string& word : words) {
    if (random.Chance(rate)) {
      word = vocabulary[random.Below(vocabulary.size())];
      ++replaced;
    }
  }
  while (replaced < minimum && replaced < words.size()) {
    words[random.Below(words.size())] =
        vocabulary[random.Below(vocabulary.size())];
    ++replaced;
  }
  sentence = absl::StrJoin(words, " ");
  return replaced;
}

// OCR-like confusions: each letter that has a look-alike ("e" read as "c",
// "m" as "rn") is replaced by it with probability `rate`.
void AddOcrNoise(std::string& text, double rate, Random& random) {
  static constexpr std::pair<char, const char*> kConfusions[] = {
      {'e', "c"}, {'l', "1"}, {'o', "0"}, {'i', "l"}, {'m', "rn"},
      {'h', "b"}, {'n', "u"}, {'s', "5"}, {'a', "o"}, {'t', "f"}};
  std::string out;
  out.reserve(text.size() + text.size() / 50);
  for (const char c : text) {
    const auto* confusion =
        std::find_if(std::begin(kConfusions), std::end(kConfusions),
                     [c](const auto& entry) { return entry.first == c; });
    if (confusion != std::end(kConfusions) && random.Chance(rate)) {
      out.append(confusion->second);
    } else {
      out.push_back(c);
    }
  }
  text = std::move(out);
}

class Generator {
 public:
  Generator(const GeneratorOptions& options, GeneratorSink& sink)
      : options_(options), sink_(sink), random_(options.seed) {}

  absl::Status Run(absl::Span<const std::string> sources) {
    std::vector<Article> articles;
    for (const std::string& source : sources) {
      Article article = ParseArticle(source);
      if (article.empty()) continue;
      model_.Add(article);
      for (const Paragraph& p : article) {
        for (const std::string& s : p) {
          for (absl::string_view w : absl::StrSplit(s, ' ')) {
            if (w.size() > 2) vocabulary_.emplace_back(w);
          }
        }
      }
      // Sources that share a sentence with an earlier one (duplicates and
      // updates of one story) would be unlabelled duplicates: skip them.
      if (!AllNew(article, seen_sentences_)) {
        continue;
      }
      articles.push_back(std::move(article));
    }
    if (articles.empty() || vocabulary_.empty()) {
      return absl::InvalidArgumentError(
          "the sources hold no usable text (need sentences of 6+ words)");
    }
    std::sort(vocabulary_.begin(), vocabulary_.end());
    vocabulary_.erase(std::unique(vocabulary_.begin(), vocabulary_.end()),
                      vocabulary_.end());
    for (size_t i = 0;; ++i) {
      const bool from_source = i < articles.size();
      if (!from_source && bytes_ >= options_.target_bytes) break;
      if (from_source && options_.target_bytes > 0 &&
          bytes_ >= options_.target_bytes) {
        break;
      }
      NEARDUP_RETURN_IF_ERROR(
          Original(from_source ? articles[i] : Synthesize()));
      NEARDUP_RETURN_IF_ERROR(Release(/*all=*/false));
    }
    return Release(/*all=*/true);
  }

 private:
  struct PendingReprint {
    size_t release_at;
    GeneratedDocument document;
  };
  struct FamilyState {
    std::vector<std::string> members;
    size_t unreleased = 0;
  };

  std::string NextId() { return absl::StrFormat("g%09d", next_id_++); }

  absl::Status Emit(const GeneratedDocument& document) {
    bytes_ += document.text.size();
    return sink_.Document(document);
  }

  Article Synthesize() {
    Article article;
    article.push_back({model_.Sentence(random_, 10)});
    if (!article[0][0].empty() && article[0][0].back() == '.') {
      article[0][0].pop_back();  // a headline has no period
    }
    const size_t paragraphs = 4 + random_.Below(9);
    for (size_t p = 0; p < paragraphs; ++p) {
      Paragraph paragraph;
      const size_t sentences = 1 + random_.Below(4);
      for (size_t s = 0; s < sentences; ++s) {
        paragraph.push_back(NewSentence());
      }
      article.push_back(std::move(paragraph));
    }
    return article;
  }

  absl::Status Original(const Article& article) {
    ++originals_;
    if (random_.Chance(options_.family_fraction)) return Family(article);
    if (pending_paste_) return Recipient(article);
    if (random_.Chance(options_.paste_fraction)) return Donor(article);
    if (random_.Chance(options_.repeat_fraction)) return Repeat(article);
    GeneratedDocument doc{NextId(), Render(article, {}, nullptr), "singleton"};
    return Emit(doc);
  }

  absl::Status Family(const Article& article) {
    const int64_t family = families_++;
    GeneratedDocument original{NextId(), Render(article, {}, nullptr),
                               "original", family};
    FamilyState& state = family_state_[family];
    state.members.push_back(original.id);
    const size_t reprints =
        1 + random_.Below(static_cast<size_t>(options_.max_reprints));
    for (size_t r = 0; r < reprints; ++r) {
      GeneratedDocument reprint = Reprint(article, family);
      state.members.push_back(reprint.id);
      ++state.unreleased;
      // Copies appear later in the stream, as they do in real dumps.
      pending_.push_back({originals_ + random_.Below(64), std::move(reprint)});
    }
    return Emit(original);
  }

  GeneratedDocument Reprint(Article article, int64_t family) {
    GeneratedDocument doc{NextId(), "", "reprint", family};
    if (article.size() >= 3 && random_.Chance(options_.trim_fraction)) {
      // Headline and lead at least: a copy still carries the story.
      const double keep = 0.3 + 0.4 * random_.Uniform();
      article.resize(std::max<size_t>(
          2, static_cast<size_t>(std::lround(keep * article.size()))));
      doc.trimmed = true;
    }
    if (article.size() >= 3 && random_.Chance(0.2)) {
      const size_t a = 1 + random_.Below(article.size() - 1);
      const size_t b = 1 + random_.Below(article.size() - 1);
      std::swap(article[a], article[b]);
    }
    if (random_.Chance(0.3)) {  // drop a sentence
      const size_t p = random_.Below(article.size());
      if (article[p].size() >= 2) {
        article[p].erase(article[p].begin() + random_.Below(article[p].size()));
      }
    }
    if (random_.Chance(0.3)) {  // insert a new sentence (found nowhere else)
      const size_t p = random_.Below(article.size());
      article[p].insert(
          article[p].begin() + random_.Below(article[p].size() + 1),
          NewSentence());
    }
    size_t words = 0, replaced = 0;
    const bool headline = article.size() > 1 && article[0].size() == 1 &&
                          WordCount(article[0][0]) <= 14;
    if (headline && random_.Chance(0.5)) {
      SubstituteWords(article[0][0], 0.4, 1, vocabulary_, random_);
    }
    for (Paragraph& p : article) {
      for (std::string& s : p) {
        words += WordCount(s);
        replaced +=
            SubstituteWords(s, options_.edit_rate, 0, vocabulary_, random_);
      }
    }
    doc.edit_rate =
        words == 0 ? 0
                   : static_cast<double>(replaced) / static_cast<double>(words);
    doc.text = Render(article, {}, nullptr);
    if (random_.Chance(options_.ocr_fraction)) {
      AddOcrNoise(doc.text, options_.ocr_rate, random_);
    }
    return doc;
  }

  // The key of a sentence of 4+ words (neardup compares no shorter one):
  // its letters and digits, lowercased; 0 for a shorter sentence.
  static uint64_t SentenceKey(absl::string_view sentence) {
    if (WordCount(sentence) < 4) return 0;
    std::string key;
    for (const char c : sentence) {
      if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
        key.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
      }
    }
    return Hash64(key) | 1;
  }

  // Adds the keys of the article's sentences to `seen`; false if one was
  // there already.
  static bool AllNew(const Article& article,
                     absl::flat_hash_set<uint64_t>& seen) {
    std::vector<uint64_t> keys;
    for (const Paragraph& p : article) {
      for (const std::string& s : p) {
        if (const uint64_t key = SentenceKey(s)) keys.push_back(key);
      }
    }
    for (uint64_t key : keys) {
      if (seen.contains(key)) return false;
    }
    seen.insert(keys.begin(), keys.end());
    return true;
  }

  // A synthesized sentence that is in no source (the bigram model can
  // reproduce one).
  std::string NewSentence() {
    std::string sentence;
    for (int attempt = 0; attempt < 20; ++attempt) {
      sentence = model_.Sentence(random_, 30);
      if (!seen_sentences_.contains(SentenceKey(sentence))) break;
    }
    return sentence;
  }

  // A sentence of 6+ words, as a mark; false if there is none.
  bool PickSentence(const Article& article, Mark& mark) {
    std::vector<Mark> candidates;
    for (size_t p = 0; p < article.size(); ++p) {
      for (size_t s = 0; s < article[p].size(); ++s) {
        if (WordCount(article[p][s]) >= 6) candidates.push_back({p, s});
      }
    }
    if (candidates.empty()) return false;
    mark = candidates[random_.Below(candidates.size())];
    return true;
  }

  absl::Status Donor(const Article& article) {
    GeneratedDocument doc{NextId(), "", "singleton"};
    Mark mark;
    if (PickSentence(article, mark)) {
      std::vector<std::pair<uint32_t, uint32_t>> spans;
      doc.text = Render(article, {mark}, &spans);
      pending_paste_ = Paste{{doc.id, spans[0].first, spans[0].second},
                             article[mark.paragraph][mark.sentence]};
    } else {
      doc.text = Render(article, {}, nullptr);
    }
    return Emit(doc);
  }

  absl::Status Recipient(Article article) {
    GeneratedDocument doc{NextId(), "", "singleton"};
    const size_t at = 1 + random_.Below(article.size());
    article.insert(article.begin() + static_cast<ptrdiff_t>(at),
                   Paragraph{pending_paste_->sentence});
    std::vector<std::pair<uint32_t, uint32_t>> spans;
    const Mark mark{at, 0};
    doc.text = Render(article, {mark}, &spans);
    NEARDUP_RETURN_IF_ERROR(Emit(doc));
    const GoldSpan donor = pending_paste_->donor;
    pending_paste_.reset();
    return sink_.SharedPassage(donor,
                               {doc.id, spans[0].first, spans[0].second});
  }

  absl::Status Repeat(Article article) {
    GeneratedDocument doc{NextId(), "", "singleton"};
    Mark mark;
    if (!PickSentence(article, mark)) {
      doc.text = Render(article, {}, nullptr);
      return Emit(doc);
    }
    std::string copy = article[mark.paragraph][mark.sentence];
    SubstituteWords(copy, 0, 1 + WordCount(copy) / 15, vocabulary_, random_);
    const size_t at =
        mark.paragraph + 1 + random_.Below(article.size() - mark.paragraph);
    article.insert(article.begin() + static_cast<ptrdiff_t>(at),
                   Paragraph{copy});
    const Mark marks[] = {mark, {at, 0}};
    std::vector<std::pair<uint32_t, uint32_t>> spans;
    doc.text = Render(article, marks, &spans);
    NEARDUP_RETURN_IF_ERROR(Emit(doc));
    return sink_.SharedPassage({doc.id, spans[0].first, spans[0].second},
                               {doc.id, spans[1].first, spans[1].second});
  }

  // Emits the reprints due (all of them at the end), and each family's gold
  // once its last member is out.
  absl::Status Release(bool all) {
    while (!pending_.empty()) {
      auto due = std::find_if(pending_.begin(), pending_.end(),
                              [&](const PendingReprint& r) {
                                return all || r.release_at <= originals_;
                              });
      if (due == pending_.end()) break;
      const GeneratedDocument doc = std::move(due->document);
      pending_.erase(due);
      NEARDUP_RETURN_IF_ERROR(Emit(doc));
      auto it = family_state_.find(doc.family);
      if (--it->second.unreleased == 0) {
        NEARDUP_RETURN_IF_ERROR(sink_.Family(it->second.members));
        family_state_.erase(it);
      }
    }
    return absl::OkStatus();
  }

  struct Paste {
    GoldSpan donor;
    std::string sentence;
  };

  const GeneratorOptions& options_;
  GeneratorSink& sink_;
  Random random_;
  BigramModel model_;
  std::vector<std::string> vocabulary_;
  std::deque<PendingReprint> pending_;
  absl::flat_hash_map<int64_t, FamilyState> family_state_;
  std::optional<Paste> pending_paste_;
  absl::flat_hash_set<uint64_t> seen_sentences_;  // of the sources used
  uint64_t bytes_ = 0;
  size_t next_id_ = 0;
  size_t originals_ = 0;
  int64_t families_ = 0;
};

}  // namespace

absl::Status GeneratorOptions::Validate() const {
  const auto fraction = [](double x) { return x >= 0 && x <= 1; };
  if (!fraction(family_fraction) || !fraction(edit_rate) ||
      !fraction(trim_fraction) || !fraction(ocr_fraction) ||
      !fraction(ocr_rate) || !fraction(paste_fraction) ||
      !fraction(repeat_fraction)) {
    return absl::InvalidArgumentError("fractions and rates must be in [0, 1]");
  }
  if (max_reprints < 1) {
    return absl::InvalidArgumentError("max_reprints must be >= 1");
  }
  return absl::OkStatus();
}

absl::Status GenerateCorpus(absl::Span<const std::string> sources,
                            const GeneratorOptions& options,
                            GeneratorSink& sink) {
  NEARDUP_RETURN_IF_ERROR(options.Validate());
  return Generator(options, sink).Run(sources);
}

}  // namespace neardup
