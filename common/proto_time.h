// The one conversion between absl::Time/absl::Duration and google.protobuf.Timestamp/Duration,
// through protobuf's own TimeUtil. Times go out at microsecond precision, the precision
// PostgreSQL stores them with, so a value read back compares equal to the one written. Only
// proto mapping files (<service>_proto.cc) and sertelctl need it.
//
//   *out->mutable_created_at() = ToProtoTimestamp(record.created_at);
//   absl::Time as_of = FromProtoTimestamp(request.as_of());
#pragma once

#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace sertel {

google::protobuf::Timestamp ToProtoTimestamp(absl::Time t);
// Any int64 seconds a caller sends is read without overflow (absl::Time spans them all).
absl::Time FromProtoTimestamp(const google::protobuf::Timestamp& t);
google::protobuf::Duration ToProtoDuration(absl::Duration d);
absl::Duration FromProtoDuration(const google::protobuf::Duration& d);

}  // namespace sertel
