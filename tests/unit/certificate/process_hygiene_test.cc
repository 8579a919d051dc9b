// The certificate service forbids core dumps before it loads the CA key (main.cc): after
// ForbidCoreDumps the core limit is 0 and the process is not dumpable.
#include "process_hygiene.h"

#include <sys/resource.h>

#include "gtest/gtest.h"

namespace sertel::certificate {
namespace {

TEST(ProcessHygieneTest, NoCoreDumpAndNotDumpable) {
  ASSERT_TRUE(ForbidCoreDumps().ok());
  struct rlimit core {};
  ASSERT_EQ(getrlimit(RLIMIT_CORE, &core), 0);
  EXPECT_EQ(core.rlim_cur, 0u);
  EXPECT_EQ(core.rlim_max, 0u);
  EXPECT_FALSE(ProcessIsDumpable());
  // Once the hard limit is 0 it cannot be raised again without privilege (or at all).
  struct rlimit raise = {RLIM_INFINITY, RLIM_INFINITY};
  if (geteuid() != 0) EXPECT_NE(setrlimit(RLIMIT_CORE, &raise), 0);
}

}  // namespace
}  // namespace sertel::certificate
