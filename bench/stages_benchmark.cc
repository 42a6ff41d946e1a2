// Throughput of each per-document stage on news text: the five seed articles
// concatenated and repeated to the input size (1 KiB .. 1 MiB).

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/hash.h"
#include "base/hash_sort.h"
#include "benchmark/benchmark.h"
#include "engine/fingerprint.h"
#include "io/reader.h"
#include "lsh/lsh.h"
#include "minhash/minhash.h"
#include "normalize/normalize.h"
#include "segment/segment.h"
#include "shingle/shingle.h"

namespace neardup {
namespace {

std::string NewsText(size_t bytes) {
  static const std::string* seeds = [] {
    auto* all = new std::string;
    const absl::StatusOr<Corpus> corpus =
        ReadCorpus({NEARDUP_CORPUS_DIR}, ReadOptions());
    if (!corpus.ok()) return all;
    for (const Document& d : corpus->documents) *all += d.text + "\n\n";
    return all;
  }();
  std::string text;
  while (text.size() < bytes) text += *seeds;
  text.resize(bytes);
  // Cut back to a character boundary.
  while (!text.empty() &&
         (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) {
    text.pop_back();
  }
  if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xC0) {
    text.pop_back();
  }
  return text;
}

// `normalize` over news text of state.range(0) bytes.
template <typename Normalizer>
void RunNormalize(benchmark::State& state, Normalizer normalize) {
  const std::string text = NewsText(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(normalize(text));
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(text.size()));
}

void BM_Normalize(benchmark::State& state) {
  RunNormalize(state, [](absl::string_view s) { return Normalize(s); });
}
BENCHMARK(BM_Normalize)->Range(1 << 10, 1 << 20);

// OCR'd newspaper pages (the first ~4 MB of chronam1916 Q1, where
// ../shared/data has it): a line break every ~30 bytes, capitals and
// punctuation every few words, unlike the seed articles.
void BM_NormalizeOcr(benchmark::State& state) {
  static const std::string* pages = [] {
    auto* all = new std::string;
    absl::StatusOr<std::unique_ptr<DocumentStream>> stream =
        DocumentStream::Open({NEARDUP_CHRONAM}, ReadOptions());
    std::vector<Document> batch;
    if (stream.ok() && (*stream)->Next(4 << 20, batch).ok()) {
      for (const Document& d : batch) *all += d.text + "\n";
    }
    return all;
  }();
  if (pages->empty()) {
    state.SkipWithError("no " NEARDUP_CHRONAM);
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(state.range(0) != 0 ? Normalize(*pages).text
                                                 : NormalizeText(*pages));
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(pages->size()));
  state.SetLabel(state.range(0) != 0 ? "Normalize" : "NormalizeText");
}
BENCHMARK(BM_NormalizeOcr)->Arg(1)->Arg(0);

void BM_NormalizeText(benchmark::State& state) {
  RunNormalize(state, [](absl::string_view s) { return NormalizeText(s); });
}
BENCHMARK(BM_NormalizeText)->Range(1 << 10, 1 << 20);

void BM_Segment(benchmark::State& state) {
  const std::string text = NewsText(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(SplitSentences(text));
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_Segment)->Range(1 << 10, 1 << 20);

void BM_Shingle(benchmark::State& state, ShingleSpec spec) {
  const std::string text =
      Normalize(NewsText(static_cast<size_t>(state.range(0)))).text;
  for (auto _ : state) benchmark::DoNotOptimize(Shingle(text, spec));
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(text.size()));
}
BENCHMARK_CAPTURE(BM_Shingle, word5, ShingleSpec{ShingleKind::kWord, 5})
    ->Range(1 << 10, 1 << 20);
BENCHMARK_CAPTURE(BM_Shingle, char5, ShingleSpec{ShingleKind::kChar, 5})
    ->Range(1 << 10, 1 << 20);

// Passage shingles: the normalized sentences of the seed articles, char
// 4-grams (the passage level's default), one set per sentence; items/s is
// sentences per second. Per-call costs (allocation, sorting ~100 hashes)
// weigh here as they do on 10^6 sentences of a news dump. Each sentence
// comes in many word orders, so that the branch predictor cannot learn the
// sorts of a few sentences repeated: it did, and hid a 1.4x faster sort
// (423 K/s before it, 594 K/s after on these; ~620 K/s both, repeated).
// Arg 1: sets (Shingle()); arg 0: the hashes alone (ShingleHashes()), as a
// scan makes them for signing, sorting only those LSH pairs.
void BM_ShingleSentences(benchmark::State& state) {
  const std::string text = NewsText(1 << 16);
  std::vector<std::string> seed_sentences;
  for (const Segment& s : SplitSentences(text)) {
    seed_sentences.push_back(
        Normalize(text.substr(s.start, s.end - s.start)).text);
  }
  std::mt19937 random(1);
  std::vector<std::string> sentences;
  while (sentences.size() < (1 << 14)) {
    for (const std::string& sentence : seed_sentences) {
      std::vector<absl::string_view> words = absl::StrSplit(sentence, ' ');
      std::shuffle(words.begin(), words.end(), random);
      sentences.push_back(absl::StrJoin(words, " "));
    }
  }
  const ShingleSpec spec{ShingleKind::kChar, 4};
  size_t next = 0;
  const bool sets = state.range(0) == 1;
  for (auto _ : state) {
    benchmark::DoNotOptimize(sets ? Shingle(sentences[next], spec)
                                  : ShingleHashes(sentences[next], spec));
    next = next + 1 == sentences.size() ? 0 : next + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ShingleSentences)->Arg(1)->Arg(0);

// Bytes are those of the normalized text the shingles came from.
// Document signatures, 128 values of 64 or 32 bits (second argument).
void BM_MinHash(benchmark::State& state) {
  const std::string text =
      Normalize(NewsText(static_cast<size_t>(state.range(0)))).text;
  const std::vector<uint64_t> shingles =
      Shingle(text, ShingleSpec{ShingleKind::kWord, 5});
  const MinHasher hasher = *MinHasher::Create(128, 1);
  const bool bits32 = state.range(1) == 32;
  for (auto _ : state) {
    if (bits32) {
      benchmark::DoNotOptimize(hasher.Sign32(shingles));
    } else {
      benchmark::DoNotOptimize(hasher.Sign(shingles));
    }
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_MinHash)
    ->ArgsProduct({benchmark::CreateRange(1 << 10, 1 << 20, 8), {64, 32}});

// Text to a 128-value document signature, as a scan makes it for each
// article at the document level: NormalizeText(), word 5-gram hashes,
// 32-bit MinHash. Each seed article is one document (2-6 KB of news), each
// made from its own text (no cache of the one before); bytes/s is of the
// input text. Issue 4's per-core target for this is 600 MB/s.
void BM_DocumentSignature(benchmark::State& state) {
  std::vector<std::string> articles;
  const absl::StatusOr<Corpus> corpus =
      ReadCorpus({NEARDUP_CORPUS_DIR}, ReadOptions());
  if (!corpus.ok()) {
    state.SkipWithError("cannot read the seed corpus");
    return;
  }
  int64_t bytes = 0;
  for (const Document& d : corpus->documents) {
    articles.push_back(d.text);
    bytes += static_cast<int64_t>(d.text.size());
  }
  const ShingleSpec spec{ShingleKind::kWord, 5};
  const MinHasher hasher = *MinHasher::Create(128, 1);
  std::vector<uint64_t> hashes;
  std::vector<uint32_t> signature(128);
  for (auto _ : state) {
    for (const std::string& article : articles) {
      hashes.clear();
      AppendShingleHashes(NormalizeText(article), spec, hashes);
      hasher.SignInto(hashes, absl::MakeSpan(signature));
      benchmark::ClobberMemory();
    }
  }
  state.SetBytesProcessed(state.iterations() * bytes);
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(articles.size()));
}
BENCHMARK(BM_DocumentSignature);

// Passage signatures: the sentences of the seed articles, char 4-grams, one
// signature per sentence; items/s is sentences per second.
void BM_SignSentences(benchmark::State& state) {
  const bool bits32 = state.range(0) == 32;
  const std::string text = NewsText(1 << 16);
  std::vector<std::vector<uint64_t>> sets;
  for (const Segment& s : SplitSentences(text)) {
    sets.push_back(
        Shingle(Normalize(text.substr(s.start, s.end - s.start)).text,
                ShingleSpec{ShingleKind::kChar, 4}));
  }
  const MinHasher hasher = *MinHasher::Create(128, 1);
  std::vector<uint64_t> out64(128);
  std::vector<uint32_t> out32(128);
  for (auto _ : state) {
    for (const auto& set : sets) {
      if (bits32) {
        hasher.SignInto(set, absl::MakeSpan(out32));
      } else {
        hasher.SignInto(set, absl::MakeSpan(out64));
      }
      benchmark::ClobberMemory();
    }
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(sets.size()));
}
BENCHMARK(BM_SignSentences)->Arg(64)->Arg(32);

// Not a speed: the bias and RMSE of the Jaccard estimate against exact
// Jaccard, over 500 generated pairs of sets of `size` hashes sharing 60%,
// for 64- and 32-bit signatures (counters "bias" and "rmse").
void BM_EstimateError(benchmark::State& state) {
  const bool bits32 = state.range(0) == 32;
  const size_t size = static_cast<size_t>(state.range(1));
  const MinHasher hasher = *MinHasher::Create(128, 1);
  double bias = 0, squares = 0;
  constexpr int kPairs = 500;
  for (auto _ : state) {
    bias = squares = 0;
    for (int t = 0; t < kPairs; ++t) {
      std::vector<uint64_t> a, b;
      for (size_t i = 0; i < size; ++i) {
        const uint64_t shared = Mix64(t * 1000003 + i);
        const bool common = i < size * 6 / 10;
        a.push_back(common ? shared : Mix64(shared + 1));
        b.push_back(common ? shared : Mix64(shared + 2));
      }
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      const double exact = Jaccard(a, b);
      const double estimate =
          bits32 ? EstimateJaccard(hasher.Sign32(a), hasher.Sign32(b))
                 : EstimateJaccard(hasher.Sign(a), hasher.Sign(b));
      bias += (estimate - exact) / kPairs;
      squares += (estimate - exact) * (estimate - exact) / kPairs;
    }
  }
  state.counters["bias"] = bias;
  state.counters["rmse"] = std::sqrt(squares);
}
BENCHMARK(BM_EstimateError)
    ->Args({64, 20})
    ->Args({32, 20})
    ->Args({64, 500})
    ->Args({32, 500})
    ->Iterations(1);

// Everything one document goes through before indexing, both levels.
void BM_FingerprintDocument(benchmark::State& state) {
  const std::string text = NewsText(static_cast<size_t>(state.range(0)));
  const EngineOptions options;
  for (auto _ : state) {
    benchmark::DoNotOptimize(FingerprintDocument(text, options));
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_FingerprintDocument)->Range(1 << 10, 1 << 20);

// Exact verification of candidate pairs: JaccardIfAtLeast() on sets of
// `size` hashes sharing 30% of their elements (most candidates fall below
// the passage threshold 0.52), a pair per iteration.
void BM_JaccardIfAtLeast(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  std::mt19937_64 random(3);
  std::vector<std::vector<uint64_t>> sets;
  for (int pair = 0; pair < 64; ++pair) {
    std::vector<uint64_t> a(size), b(size);
    for (size_t i = 0; i < size; ++i) {
      a[i] = random();
      b[i] = i < size * 3 / 10 ? a[i] : random();
    }
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    sets.push_back(std::move(a));
    sets.push_back(std::move(b));
  }
  size_t pair = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        JaccardIfAtLeast(sets[2 * pair], sets[2 * pair + 1], 0.52));
    pair = (pair + 1) % 64;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JaccardIfAtLeast)->Arg(100)->Arg(4000);

// Sorting shingle hashes (a sentence has ~100, an article thousands, an LSH
// band a million keys): std::sort against SortHashed(). Each iteration sorts
// the next of many different inputs (about 2^18 values in all): sorting the
// same input every time lets the branch predictor learn it (100 hashes then
// sorted ~2x faster with SortHashed(), 6-7x with std::sort).
void BM_SortHashes(benchmark::State& state, bool hashed) {
  const size_t n = static_cast<size_t>(state.range(0));
  const size_t input_count = std::clamp<size_t>((size_t{1} << 18) / n, 2, 1024);
  std::vector<std::vector<uint64_t>> inputs(input_count);
  for (size_t input = 0; input < input_count; ++input) {
    for (size_t i = 0; i < n; ++i)
      inputs[input].push_back(Mix64(input * n + i));
  }
  std::vector<uint64_t> work, scratch;
  size_t input = 0;
  for (auto _ : state) {
    work = inputs[input];
    input = (input + 1) % input_count;
    if (hashed) {
      SortHashed(
          work, scratch, [](uint64_t h) { return h; }, std::less<uint64_t>());
    } else {
      std::sort(work.begin(), work.end());
    }
    benchmark::DoNotOptimize(work.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK_CAPTURE(BM_SortHashes, std_sort, false)
    ->Arg(100)
    ->Arg(4000)
    ->Arg(1 << 20);
BENCHMARK_CAPTURE(BM_SortHashes, sort_hashed, true)
    ->Arg(100)
    ->Arg(4000)
    ->Arg(1 << 20);

// LSH on 32-bit signatures of n items: near copies (3/4 of values kept) of
// n/16 originals, 31 bands x 3 rows with the estimate floor of threshold
// 0.52 (the passage level's defaults), one thread. Items per second.
void BM_FindCandidates(benchmark::State& state) {
  constexpr int k = 128;
  const size_t n = static_cast<size_t>(state.range(0));
  std::mt19937 random(1);
  std::vector<uint32_t> originals(n / 16 * k);
  for (uint32_t& v : originals) v = random();
  std::vector<uint32_t> signatures(n * k);
  for (size_t item = 0; item < n; ++item) {
    const size_t original = random() % (n / 16);
    for (size_t j = 0; j < k; ++j) {
      signatures[item * k + j] =
          random() % 4 == 0 ? random() : originals[original * k + j];
    }
  }
  const CandidateOptions options{.max_bucket = 200,
                                 .min_estimate = EstimateFloor(0.52, k)};
  size_t pairs = 0;
  for (auto _ : state) {
    pairs = FindCandidates(signatures, k, {31, 3}, options).pairs.size();
  }
  state.counters["pairs"] = static_cast<double>(pairs);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_FindCandidates)->Arg(1 << 16)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace neardup
