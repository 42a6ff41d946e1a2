// Throughput of each per-document stage on news text: the five seed articles
// concatenated and repeated to the input size (1 KiB .. 1 MiB).

#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "engine/fingerprint.h"
#include "io/reader.h"
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

void BM_Normalize(benchmark::State& state) {
  const std::string text = NewsText(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(Normalize(text));
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_Normalize)->Range(1 << 10, 1 << 20);

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

// Bytes are those of the normalized text the shingles came from.
void BM_MinHash(benchmark::State& state) {
  const std::string text =
      Normalize(NewsText(static_cast<size_t>(state.range(0)))).text;
  const std::vector<uint64_t> shingles =
      Shingle(text, ShingleSpec{ShingleKind::kWord, 5});
  const MinHasher hasher = *MinHasher::Create(128, 1);
  for (auto _ : state) benchmark::DoNotOptimize(hasher.Sign(shingles));
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_MinHash)->Range(1 << 10, 1 << 20);

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

}  // namespace
}  // namespace neardup
