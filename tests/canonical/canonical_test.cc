#include "canonical/canonical.h"

#include <vector>

#include "base/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace neardup {
namespace {

using ::testing::HasSubstr;

TEST(CanonicalTest, ParsesPolicies) {
  for (const char* name : {"longest", "earliest", "central"}) {
    EXPECT_EQ(CanonicalPolicyName(*ParseCanonicalPolicy(name)), name);
  }
  EXPECT_THAT(
      ParseCanonicalPolicy("newest").status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("newest")));
}

TEST(CanonicalTest, LongestWinsAndTheReasonNamesTheRunnerUp) {
  const std::vector<CanonicalCandidate> c = {
      {100, "", 0}, {250, "", 0}, {180, "", 0}};
  const CanonicalChoice choice = ChooseCanonical(c, CanonicalPolicy::kLongest);
  EXPECT_EQ(choice.index, 1u);
  EXPECT_EQ(choice.reason,
            "longest of 3 members (250 normalized bytes; next 180)");
}

TEST(CanonicalTest, TiesGoToTheFirstInInputOrder) {
  const std::vector<CanonicalCandidate> c = {
      {5, "", 0}, {9, "", 0}, {9, "", 0}};
  const CanonicalChoice choice = ChooseCanonical(c, CanonicalPolicy::kLongest);
  EXPECT_EQ(choice.index, 1u);
  EXPECT_THAT(choice.reason, HasSubstr("first in input order"));
}

TEST(CanonicalTest, EarliestPrefersDatedThenLongest) {
  const std::vector<CanonicalCandidate> c = {{300, "", 0},
                                             {100, "2024-09-20", 0},
                                             {90, "2024-09-19", 0},
                                             {120, "2024-09-19", 0}};
  const CanonicalChoice choice = ChooseCanonical(c, CanonicalPolicy::kEarliest);
  EXPECT_EQ(choice.index, 3u);  // earliest date, longer of the two
  EXPECT_THAT(choice.reason, HasSubstr("earliest of 4 members (2024-09-19"));
  const std::vector<CanonicalCandidate> undated = {{10, "", 0}, {20, "", 0}};
  const CanonicalChoice fallback =
      ChooseCanonical(undated, CanonicalPolicy::kEarliest);
  EXPECT_EQ(fallback.index, 1u);
  EXPECT_THAT(fallback.reason, HasSubstr("no member of 2 has a date"));
}

TEST(CanonicalTest, CentralPrefersTheMostTypicalMember) {
  const std::vector<CanonicalCandidate> c = {
      {500, "", 0.55}, {100, "", 0.81}, {120, "", 0.77}};
  const CanonicalChoice choice = ChooseCanonical(c, CanonicalPolicy::kCentral);
  EXPECT_EQ(choice.index, 1u);
  EXPECT_THAT(choice.reason, HasSubstr("mean similarity 0.810"));
}

TEST(CanonicalTest, SingleMember) {
  const std::vector<CanonicalCandidate> c = {{7, "", 0}};
  EXPECT_EQ(ChooseCanonical(c, CanonicalPolicy::kCentral).index, 0u);
}

}  // namespace
}  // namespace neardup
