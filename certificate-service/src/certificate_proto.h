// sertel.v1 <-> certificate-service's records: the requests the handler passes to the managers
// and the records they return, as the contract's messages (docs/api.md, CertificateService).
// With the handler and the outbound notification client, the only files that know sertel::v1.
//
//   *resp = EnrollmentToProto(*enrollment);
//   StartEnrollmentInput in = StartEnrollmentFromProto(*req);
#pragma once

#include <optional>

#include "absl/time/time.h"
#include "certificate_records.h"
#include "document_manager.h"
#include "enrollment_manager.h"
#include "google/protobuf/timestamp.pb.h"
#include "sertel/v1/certificate.pb.h"

namespace sertel::certificate {

StartEnrollmentInput StartEnrollmentFromProto(const v1::StartEnrollmentRequest& request);
// nullopt when the message field is not set (the manager's default applies).
std::optional<absl::Time> OptionalTimeFromProto(bool has, const google::protobuf::Timestamp& t);

v1::Enrollment EnrollmentToProto(const EnrollmentRecord& e);
v1::Certificate CertificateToProto(const CertificateView& c);
v1::CheckResult CheckResultToProto(const CheckOutcome& outcome);
v1::DocumentVerification DocumentVerificationToProto(const DocumentReport& report);
v1::DownloadKeystoreResponse KeystoreToProto(const KeystoreDownload& keystore);
v1::Statistics StatisticsToProto(const StatisticsReport& report);
v1::SlaReport SlaReportToProto(const SlaReportRecord& report);

}  // namespace sertel::certificate
