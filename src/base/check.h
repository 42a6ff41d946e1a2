// base/check.h: NEARDUP_CHECK for internal invariants.
//
// A failed check is a bug in neardup, never bad user input: user input errors
// travel as absl::Status. The check prints file:line and the condition to
// stderr and aborts, in every build type.

#ifndef NEARDUP_BASE_CHECK_H_
#define NEARDUP_BASE_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define NEARDUP_CHECK(condition)                                           \
  do {                                                                     \
    if (!(condition)) {                                                    \
      std::fprintf(stderr, "%s:%d: internal check failed: %s\n", __FILE__, \
                   __LINE__, #condition);                                  \
      std::abort();                                                        \
    }                                                                      \
  } while (false)

#endif  // NEARDUP_BASE_CHECK_H_
