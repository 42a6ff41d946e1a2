// shingle/shingle.h: word and character n-grams of normalized text, as sets
// of 64-bit hashes.
//
// Why: near-duplicate detection compares texts by the overlap of their
// shingle sets (Jaccard similarity). Word n-grams suit whole articles (few,
// distinctive shingles); character n-grams suit sentences, where a reworded
// or re-inflected word must still leave most shingles intact.
//
// Input is the output of Normalize(): tokens joined by single spaces, so a
// word n-gram is the contiguous substring from its first to its last word
// and both kinds hash bytes with Hash64 (XXH3). Character n-grams count code
// points, not bytes, and include the spaces between words.
//
// A text shorter than n (fewer than n words, or n code points) still gets one
// shingle: the whole text. An empty text gets none.
//
// Signing needs only the hashes, in any order and with repeats
// (ShingleHashes()); exact Jaccard needs them sorted and unique
// (MakeShingleSet()). A scan signs every text but verifies only those
// that LSH pairs (a third of the passages of a season of OCR'd front
// pages, none of its 6,970 pages), so it sorts only those: sorting was 64%
// of shingling a sentence.
//
// Example:
//   NEARDUP_ASSIGN_OR_RETURN(ShingleSpec spec, ShingleSpec::Parse("char:5"));
//   std::vector<uint64_t> set = Shingle(normalized.text, spec);
//   // or, to sign first and sort only if verified:
//   std::vector<uint64_t> hashes = ShingleHashes(normalized.text, spec);
//   hasher.SignInto(hashes, signature);
//   MakeShingleSet(hashes);  // now a set, as Shingle() returns
//
// Thread safety: pure functions.

#ifndef NEARDUP_SHINGLE_SHINGLE_H_
#define NEARDUP_SHINGLE_SHINGLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace neardup {

enum class ShingleKind { kWord, kChar };

// What to shingle by: "word:5" or "char:5".
struct ShingleSpec {
  ShingleKind kind = ShingleKind::kWord;
  int size = 5;

  // Parses "word:N" or "char:N" with 1 <= N <= 64. kInvalidArgument otherwise.
  static absl::StatusOr<ShingleSpec> Parse(absl::string_view text);
  // The inverse of Parse().
  std::string ToString() const;
};

// Shingle()
//
// The sorted, duplicate-free hashes of the n-grams of `normalized`:
// ShingleHashes() made a set. O(|normalized|) hashing plus a sort.
std::vector<uint64_t> Shingle(absl::string_view normalized,
                              const ShingleSpec& spec);

// ShingleHashes()
//
// The hashes of the n-grams of `normalized` in text order, one per n-gram
// (an n-gram that recurs is hashed again). O(|normalized|), no sort.
std::vector<uint64_t> ShingleHashes(absl::string_view normalized,
                                    const ShingleSpec& spec);

// AppendShingleHashes()
//
// ShingleHashes() appended to `out`; returns how many. Many texts' hashes
// can share one buffer (a document's passages: no allocation per passage).
size_t AppendShingleHashes(absl::string_view normalized,
                           const ShingleSpec& spec, std::vector<uint64_t>& out);

// MakeShingleSet()
//
// Sorts `hashes` in place and removes repeats: the span overload returns
// the set, a prefix of `hashes` (what follows it is unspecified); the
// vector overload shrinks the vector to it. O(n) expected (base/hash_sort.h).
absl::Span<uint64_t> MakeShingleSet(absl::Span<uint64_t> hashes);
void MakeShingleSet(std::vector<uint64_t>& hashes);

// Jaccard()
//
// Exact Jaccard similarity |a ∩ b| / |a ∪ b| of two sorted duplicate-free
// sets; 0 when both are empty. O(|a| + |b|).
double Jaccard(absl::Span<const uint64_t> a, absl::Span<const uint64_t> b);

// JaccardIfAtLeast()
//
// Jaccard(a, b) when it is >= `threshold`, else some value < `threshold`
// (0 when it stops early). Exact: it only stops once the sizes, or the
// elements left to merge, cannot reach the intersection the threshold needs,
// |a ∩ b| >= threshold * (|a| + |b|) / (1 + threshold). Most LSH candidates
// fail that test after a fraction of the merge. O(|a| + |b|) at worst; the
// merge takes four elements of each set at a time where the CPU has AVX2.
double JaccardIfAtLeast(absl::Span<const uint64_t> a,
                        absl::Span<const uint64_t> b, double threshold);

// IntersectionSize()
//
// |a ∩ b| for sorted duplicate-free sets. O(|a| + |b|).
size_t IntersectionSize(absl::Span<const uint64_t> a,
                        absl::Span<const uint64_t> b);

}  // namespace neardup

#endif  // NEARDUP_SHINGLE_SHINGLE_H_
