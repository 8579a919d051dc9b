// Conversions between disposition-service's plain records and the sertel.v1 messages (protobuf
// only, no gRPC). With the service impl and certificate_client.cc, the only files of the service
// that know sertel.v1; the outbox payloads (disposition_payloads.h) are built here too.
//
//   v1::Case out;
//   ToProto(record, &out);
#pragma once

#include "disposition_records.h"
#include "sertel/v1/common.pb.h"
#include "sertel/v1/disposition.pb.h"

namespace sertel::disposition {

ApplicantInfo FromProto(const v1::Applicant& a);
v1::Applicant ToProto(const ApplicantInfo& a);
Checklist FromProto(const v1::Checklist& c);
OpenInput FromProto(const v1::OpenCaseRequest& r);
SlaPeriod FromProto(const v1::GetSlaReportRequest& r);
StepSla FromProto(const v1::StepSla& s);

void ToProto(const TimelineEntry& e, v1::TimelineEntry* out);
// The case as callers see it; due_at only while it waits at a step (IN_REVIEW).
void ToProto(const CaseRecord& c, v1::Case* out);
void ToProto(const InboxPage& page, v1::ListInboxResponse* out);
// Each step with the SOP's standard time beside its figures.
void ToProto(const SlaResult& r, v1::SlaReport* out);

}  // namespace sertel::disposition
