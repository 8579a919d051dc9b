// sertel.v1 <-> intake's records: the requests IntakeServiceImpl receives, the answers it sends,
// and the case and enrollment the clients read. With the clients and the service impl, the only
// files of intake-service that know sertel::v1 (the outbox payloads, intake_payloads.h, are
// built in intake_proto.cc too).
//
//   absl::StatusOr<ApplicationView> v = manager.Submit(caller, FromProto(*request));
//   if (v.ok()) ToProto(*v, response);
#pragma once

#include "intake_records.h"
#include "sertel/v1/certificate.pb.h"
#include "sertel/v1/disposition.pb.h"
#include "sertel/v1/intake.pb.h"

namespace sertel::intake {

SubmissionInput FromProto(const v1::SubmitApplicationRequest& request);
ResubmissionInput FromProto(const v1::ResubmitDocumentsRequest& request);
WithdrawalInput FromProto(const v1::WithdrawApplicationRequest& request);
ListQuery FromProto(const v1::ListApplicationsRequest& request);
DocumentQuery FromProto(const v1::GetDocumentRequest& request);
ProgressInput FromProto(const v1::RecordProgressRequest& request);
UnitQuery FromProto(const v1::ListUnitsRequest& request);
CaseView FromProto(const v1::Case& kase);
EnrollmentView FromProto(const v1::Enrollment& enrollment);

// Each clears `out` first. Documents go out without their bytes, except from GetDocument.
void ToProto(const ApplicationView& view, v1::Application* out);
void ToProto(const ApplicationPage& page, v1::ListApplicationsResponse* out);
void ToProto(DocumentRecord document, v1::Document* out);
void ToProto(const UnitPage& page, v1::ListUnitsResponse* out);

}  // namespace sertel::intake
