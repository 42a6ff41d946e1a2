// base/status_matchers.h: GoogleTest matchers for absl::Status (tests only).
//
// Why: Abseil 20220623 has no status_matchers.h.
//
// Example:
//   EXPECT_THAT(options.Validate(), IsOk());
//   EXPECT_THAT(ReadCorpus(...).status(),
//               StatusIs(absl::StatusCode::kInvalidArgument,
//               HasSubstr(":3:")));

#ifndef NEARDUP_BASE_STATUS_MATCHERS_H_
#define NEARDUP_BASE_STATUS_MATCHERS_H_

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"

namespace neardup {

MATCHER(IsOk, "is OK") {
  if (arg.ok()) return true;
  *result_listener << "status is " << arg.ToString();
  return false;
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has code " + std::string(absl::StatusCodeToString(code))) {
  if (arg.code() != code) {
    *result_listener << "status is " << arg.ToString();
    return false;
  }
  return ::testing::ExplainMatchResult(
      message_matcher, std::string(arg.message()), result_listener);
}

}  // namespace neardup

#endif  // NEARDUP_BASE_STATUS_MATCHERS_H_
