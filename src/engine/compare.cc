#include "engine/compare.h"

#include "base/status_macros.h"
#include "engine/fingerprint.h"
#include "shingle/shingle.h"

namespace neardup {

absl::StatusOr<Comparison> Compare(const Document& a, const Document& b,
                                   const EngineOptions& options) {
  NEARDUP_RETURN_IF_ERROR(options.Validate());
  EngineOptions both = options;
  both.level = Level::kBoth;
  DocumentFingerprint fa = FingerprintDocument(a.text, both);
  DocumentFingerprint fb = FingerprintDocument(b.text, both);
  MakeShingleSets(fa);
  MakeShingleSets(fb);
  Comparison result;
  const size_t common = IntersectionSize(fa.shingles, fb.shingles);
  result.jaccard = Jaccard(fa.shingles, fb.shingles);
  if (!fa.shingles.empty()) {
    result.containment_a =
        static_cast<double>(common) / static_cast<double>(fa.shingles.size());
  }
  if (!fb.shingles.empty()) {
    result.containment_b =
        static_cast<double>(common) / static_cast<double>(fb.shingles.size());
  }
  for (const PassageFingerprint& pa : fa.passages) {
    if (pa.shingle_count == 0) continue;
    for (const PassageFingerprint& pb : fb.passages) {
      if (pb.shingle_count == 0) continue;
      const double similarity = Jaccard(fa.ShinglesOf(pa), fb.ShinglesOf(pb));
      if (similarity >= options.passage.threshold) {
        result.shared.push_back(
            SharedPassage{pa.start, pa.end, pb.start, pb.end, similarity});
      }
    }
  }
  return result;
}

}  // namespace neardup
