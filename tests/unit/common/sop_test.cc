// The SOP's standard times (Mutu Baku), as every service reads them.
#include "common/sop.h"

#include <gtest/gtest.h>

namespace sertel {
namespace {

TEST(SopStandardTime, FifteenMinutesForStepsOneToFiveTenForSixAndSeven) {
  for (int step = kFirstSopStep; step <= 5; ++step) {
    EXPECT_EQ(SopStandardTime(step), absl::Minutes(15)) << step;
  }
  EXPECT_EQ(SopStandardTime(6), absl::Minutes(10));
  EXPECT_EQ(SopStandardTime(kLastSopStep), absl::Minutes(10));
  EXPECT_EQ(SopStandardTime(0), absl::ZeroDuration());
  EXPECT_EQ(SopStandardTime(8), absl::ZeroDuration());
}

}  // namespace
}  // namespace sertel
