#include "engine/options.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"

namespace neardup {

absl::StatusOr<Level> ParseLevel(absl::string_view name) {
  if (name == "document") return Level::kDocument;
  if (name == "passage") return Level::kPassage;
  if (name == "both") return Level::kBoth;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown level '", name, "': expected document, passage or both"));
}

absl::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDocument:
      return "document";
    case Level::kPassage:
      return "passage";
    case Level::kBoth:
      return "both";
  }
  return "both";
}

absl::Status EngineOptions::Validate() const {
  if (signature_bits != 32 && signature_bits != 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("signature_bits must be 32 or 64, got ", signature_bits));
  }
  if (num_perm < 1 || num_perm > 1024) {
    return absl::InvalidArgumentError(
        absl::StrCat("num_perm must be in [1, 1024], got ", num_perm));
  }
  if (threads < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("threads must be >= 1, got ", threads));
  }
  if (min_passage_words < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "min_passage_words must be >= 1, got ", min_passage_words));
  }
  if (boilerplate_min_docs < 2) {
    return absl::InvalidArgumentError("boilerplate_min_docs must be >= 2");
  }
  if (max_bucket < 2) {
    return absl::InvalidArgumentError("max_bucket must be >= 2");
  }
  for (const auto& [name, level_options] :
       {std::pair<absl::string_view, const LevelOptions*>{"document",
                                                          &document},
        {"passage", &passage}}) {
    if (!(level_options->threshold > 0.0 && level_options->threshold < 1.0)) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, " threshold must be in (0, 1), got ",
                       level_options->threshold));
    }
    if (level_options->lsh.bands != 0 || level_options->lsh.rows != 0) {
      NEARDUP_RETURN_IF_ERROR(ValidateLshParams(level_options->lsh, num_perm));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<LshParams> EngineOptions::EffectiveLsh(
    const LevelOptions& level_options) const {
  if (level_options.lsh.bands != 0 || level_options.lsh.rows != 0) {
    NEARDUP_RETURN_IF_ERROR(ValidateLshParams(level_options.lsh, num_perm));
    return level_options.lsh;
  }
  return ChooseLshParams(level_options.threshold, num_perm);
}

absl::StatusOr<std::string> ExplainLsh(const EngineOptions& options) {
  NEARDUP_RETURN_IF_ERROR(options.Validate());
  std::string out;
  for (const auto& [name, level] :
       {std::pair<absl::string_view, const LevelOptions*>{"document",
                                                          &options.document},
        {"passage", &options.passage}}) {
    if ((name == "document" && !options.documents()) ||
        (name == "passage" && !options.passages())) {
      continue;
    }
    NEARDUP_ASSIGN_OR_RETURN(LshParams p, options.EffectiveLsh(*level));
    absl::StrAppendFormat(
        &out,
        "%s level: shingles %s, threshold %.2f, %d permutations -> %d bands x "
        "%d rows%s\n  P(candidate) at Jaccard:",
        name, level->shingle.ToString(), level->threshold, options.num_perm,
        p.bands, p.rows,
        level->lsh.bands != 0 ? " (given)" : " (chosen for the threshold)");
    for (const double j : {0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95}) {
      absl::StrAppendFormat(&out, " %.2f:%.3f", j, CandidateProbability(j, p));
    }
    out.push_back('\n');
  }
  return out;
}

}  // namespace neardup
