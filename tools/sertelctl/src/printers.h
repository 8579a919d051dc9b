// The human (table) form of each resource sertelctl shows. `-o json` prints the message itself.
#pragma once

#include <google/protobuf/repeated_ptr_field.h>

#include <ostream>

#include "sertel/v1/certificate.pb.h"
#include "sertel/v1/common.pb.h"
#include "sertel/v1/disposition.pb.h"
#include "sertel/v1/intake.pb.h"
#include "sertel/v1/notification.pb.h"

namespace sertel::ctl {

// "3 HEAD_OF_DIVISION_REVIEW"
std::string StepLabel(int step);

// One row per entry: step, action, who (sub and role), when, how long against the SOP's
// standard time for the step.
void PrintTimeline(std::ostream& out,
                   const google::protobuf::RepeatedPtrField<v1::TimelineEntry>& timeline);

// The newest timeline entry that carries a duration, as one sentence:
// "step 2 HEAD_OF_AGENCY_REVIEW took 2.1s (SOP standard 15m0s: within)". "" when none.
std::string LastStepSentence(const google::protobuf::RepeatedPtrField<v1::TimelineEntry>& timeline);

// "DEAD at certificate since 2026-11-25 09:14:03: certificate.StartEnrollment failed: <error>
// (sertelctl outbox retry certificate 42)": what waits for an operator (Application, Case and
// Enrollment `attention`).
std::string AttentionSentence(const v1::Attention& a);

void PrintApplication(std::ostream& out, const v1::Application& a);
void PrintApplicationList(std::ostream& out, const v1::ListApplicationsResponse& r);
void PrintDocumentInfo(std::ostream& out, const v1::Document& d);
void PrintCase(std::ostream& out, const v1::Case& c);
void PrintInbox(std::ostream& out, const v1::ListInboxResponse& r);
void PrintSlaReport(std::ostream& out, const v1::SlaReport& r);
void PrintEnrollment(std::ostream& out, const v1::Enrollment& e);
void PrintCertificate(std::ostream& out, const v1::Certificate& c);
void PrintDocumentVerification(std::ostream& out, const v1::DocumentVerification& v);
void PrintCheckResult(std::ostream& out, const v1::CheckResult& r);
void PrintStatistics(std::ostream& out, const v1::Statistics& s);
void PrintNotificationList(std::ostream& out, const v1::ListNotificationsResponse& r);

}  // namespace sertel::ctl
