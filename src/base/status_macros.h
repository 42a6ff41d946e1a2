// base/status_macros.h: early-return helpers for absl::Status and StatusOr.
//
// Why: Abseil 20220623 (Debian bookworm) has no status_macros.h, and spelling
// out "if (!s.ok()) return s;" at every boundary hides the code's intent.
//
// Example:
//   NEARDUP_RETURN_IF_ERROR(options.Validate());
//   NEARDUP_ASSIGN_OR_RETURN(Corpus corpus, ReadCorpus(paths, read_options));

#ifndef NEARDUP_BASE_STATUS_MACROS_H_
#define NEARDUP_BASE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Evaluates `expr` (an absl::Status) and returns it from the calling function
// when it is not OK.
#define NEARDUP_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::absl::Status neardup_status_ = (expr);           \
    if (!neardup_status_.ok()) return neardup_status_; \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status,
// otherwise moves the value into `lhs`, which may be a declaration.
#define NEARDUP_ASSIGN_OR_RETURN(lhs, rexpr) \
  NEARDUP_ASSIGN_OR_RETURN_IMPL_(            \
      NEARDUP_STATUS_CONCAT_(neardup_statusor_, __LINE__), lhs, rexpr)

#define NEARDUP_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                   \
  if (!statusor.ok()) return std::move(statusor).status();   \
  lhs = *std::move(statusor)

#define NEARDUP_STATUS_CONCAT_INNER_(a, b) a##b
#define NEARDUP_STATUS_CONCAT_(a, b) NEARDUP_STATUS_CONCAT_INNER_(a, b)

#endif  // NEARDUP_BASE_STATUS_MACROS_H_
