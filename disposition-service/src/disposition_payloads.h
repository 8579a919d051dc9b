// The outbox items disposition-service owes other services, built from its records; the
// protobuf messages are made in disposition_proto.cc, so the chain that decides them stays free
// of sertel.v1. (The applicant's notifications go through common/notification_order.h.)
//
//   ch.outbox.push_back(StartEnrollmentItem(absl::StrCat("disposition:enroll:", id), ch.after));
#pragma once

#include <string>

#include "common/change_records.h"
#include "disposition_records.h"

namespace sertel::disposition {

// Outbox topic of CertificateService.StartEnrollment (payload: StartEnrollmentRequest).
inline constexpr char kStartEnrollmentTopic[] = "certificate.StartEnrollment";

// SOP step 5: the StartEnrollment for the verified case `c` (its id and applicant), carrying
// `request_id` as its idempotency key and as the outbox key.
OutboxItem StartEnrollmentItem(const std::string& request_id, const CaseRecord& c);

}  // namespace sertel::disposition
