// common/proto_time.h: times go out at microsecond precision (what PostgreSQL keeps), before the
// epoch too, and hostile seconds saturate instead of overflowing.
#include "common/proto_time.h"

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"

namespace sertel {
namespace {

TEST(ProtoTimeTest, TimestampRoundTripsAtMicrosecondPrecision) {
  absl::Time t = absl::FromUnixNanos(1732600000123456789);
  google::protobuf::Timestamp ts = ToProtoTimestamp(t);
  EXPECT_EQ(ts.seconds(), 1732600000);
  EXPECT_EQ(ts.nanos(), 123456000);
  EXPECT_EQ(FromProtoTimestamp(ts), absl::FromUnixMicros(1732600000123456));
}

TEST(ProtoTimeTest, BeforeTheEpochNanosStayPositive) {
  google::protobuf::Timestamp ts = ToProtoTimestamp(absl::FromUnixMicros(-1500000));
  EXPECT_EQ(ts.seconds(), -2);
  EXPECT_EQ(ts.nanos(), 500000000);
  EXPECT_EQ(FromProtoTimestamp(ts), absl::FromUnixMicros(-1500000));
}

TEST(ProtoTimeTest, HugeSecondsStayHugeAndNeverWrap) {
  // TimeUtil's nanosecond arithmetic would overflow here; absl::Time holds the whole int64 range.
  google::protobuf::Timestamp ts;
  ts.set_seconds(INT64_MAX);
  ts.set_nanos(999999999);
  EXPECT_GT(FromProtoTimestamp(ts),
            absl::FromCivil(absl::CivilSecond(9999, 12, 31, 23, 59, 59), absl::UTCTimeZone()));
  ts.set_seconds(INT64_MIN);
  ts.set_nanos(0);
  EXPECT_LT(FromProtoTimestamp(ts), absl::UnixEpoch() - absl::Hours(24 * 365 * 10000));
}

TEST(ProtoTimeTest, DurationRoundTrips) {
  google::protobuf::Duration d = ToProtoDuration(absl::Minutes(15) + absl::Microseconds(7));
  EXPECT_EQ(d.seconds(), 900);
  EXPECT_EQ(d.nanos(), 7000);
  EXPECT_EQ(FromProtoDuration(d), absl::Minutes(15) + absl::Microseconds(7));
  EXPECT_EQ(FromProtoDuration(ToProtoDuration(-absl::Milliseconds(1500))),
            -absl::Milliseconds(1500));
}

}  // namespace
}  // namespace sertel
