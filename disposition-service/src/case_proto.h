// Conversions between disposition-service's plain records and the sertel.v1 messages (protobuf
// only, no gRPC): the service impl answers with them and the outbox payloads are built from them.
//
//   v1::Case out;
//   ToProto(record, &out);
#pragma once

#include "absl/time/time.h"
#include "case_records.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "sertel/v1/common.pb.h"
#include "sertel/v1/disposition.pb.h"

namespace sertel::disposition {

google::protobuf::Timestamp ToProtoTime(absl::Time t);
absl::Time FromProtoTime(const google::protobuf::Timestamp& t);
google::protobuf::Duration ToProtoDuration(absl::Duration d);

ApplicantInfo FromProto(const v1::Applicant& a);
v1::Applicant ToProto(const ApplicantInfo& a);
Checklist FromProto(const v1::Checklist& c);
void ToProto(const TimelineEntry& e, v1::TimelineEntry* out);
// The case as callers see it; due_at only while it waits at a step (IN_REVIEW).
void ToProto(const CaseRecord& c, v1::Case* out);

}  // namespace sertel::disposition
