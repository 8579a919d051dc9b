#include "sop_status.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"

namespace sertel::intake {
namespace {

using google::protobuf::util::TimeUtil;

int64_t AtNanos(const v1::TimelineEntry& e) { return TimeUtil::TimestampToNanoseconds(e.at()); }

v1::Step EnrollmentStep(const v1::Enrollment& e) {
  if (e.current_step() != v1::STEP_UNSPECIFIED) return e.current_step();
  // SOP step 6 while awaiting the passphrase, step 7 once issued.
  return e.status() == v1::ENROLLMENT_STATUS_AWAITING_PASSPHRASE ? v1::STEP_PASSPHRASE
                                                                 : v1::STEP_HANDOVER;
}

}  // namespace

v1::ApplicationStatus SopStatus::FromCaseStatus(v1::CaseStatus s) {
  switch (s) {
    case v1::CASE_STATUS_IN_REVIEW: return v1::APPLICATION_STATUS_IN_REVIEW;
    case v1::CASE_STATUS_RETURNED: return v1::APPLICATION_STATUS_RETURNED;
    case v1::CASE_STATUS_REJECTED: return v1::APPLICATION_STATUS_REJECTED;
    case v1::CASE_STATUS_SENT_TO_CA: return v1::APPLICATION_STATUS_SENT_TO_CA;
    case v1::CASE_STATUS_WITHDRAWN: return v1::APPLICATION_STATUS_WITHDRAWN;
    default: return v1::APPLICATION_STATUS_UNSPECIFIED;
  }
}

v1::ApplicationStatus SopStatus::FromEnrollmentStatus(v1::EnrollmentStatus s) {
  switch (s) {
    case v1::ENROLLMENT_STATUS_AWAITING_PASSPHRASE: return v1::APPLICATION_STATUS_AWAITING_PASSPHRASE;
    case v1::ENROLLMENT_STATUS_ISSUED: return v1::APPLICATION_STATUS_ISSUED;
    case v1::ENROLLMENT_STATUS_HANDED_OVER: return v1::APPLICATION_STATUS_HANDED_OVER;
    case v1::ENROLLMENT_STATUS_REVOKED: return v1::APPLICATION_STATUS_REVOKED;
    default: return v1::APPLICATION_STATUS_UNSPECIFIED;
  }
}

SopView SopStatus::Merge(const IntakeView& intake, const v1::Case* kase,
                         const v1::Enrollment* enrollment) {
  SopView out;
  out.status = intake.status;
  out.current_step = v1::STEP_SUBMISSION;  // SOP step 1 is intake's
  out.timeline = intake.timeline;

  v1::ApplicationStatus case_status =
      kase != nullptr ? FromCaseStatus(kase->status()) : v1::APPLICATION_STATUS_UNSPECIFIED;
  v1::ApplicationStatus enrollment_status =
      enrollment != nullptr ? FromEnrollmentStatus(enrollment->status())
                            : v1::APPLICATION_STATUS_UNSPECIFIED;

  if (enrollment_status != v1::APPLICATION_STATUS_UNSPECIFIED) {
    out.status = enrollment_status;
    out.current_step = EnrollmentStep(*enrollment);
  } else if (intake.status == v1::APPLICATION_STATUS_WITHDRAWN) {
    // Final at intake, even while the case has not yet heard of it.
  } else if (case_status != v1::APPLICATION_STATUS_UNSPECIFIED) {
    out.status = case_status;
    if (kase->current_step() != v1::STEP_UNSPECIFIED) out.current_step = kase->current_step();
    if (case_status == v1::APPLICATION_STATUS_RETURNED) {
      bool resubmitted_since =
          intake.last_resubmitted_at.has_value() && kase->has_step_entered_at() &&
          *intake.last_resubmitted_at >=
              absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(kase->step_entered_at()));
      if (resubmitted_since) {
        // The documents are back; the case resumes once the outbox delivers ResumeCase.
        out.status = v1::APPLICATION_STATUS_IN_REVIEW;
      } else {
        out.return_reason = kase->return_reason();
        for (int k : kase->missing_documents()) {
          out.missing_documents.push_back(static_cast<v1::DocumentKind>(k));
        }
      }
    }
  }

  if (kase != nullptr) {
    out.timeline.insert(out.timeline.end(), kase->timeline().begin(), kase->timeline().end());
  }
  if (enrollment != nullptr) {
    out.timeline.insert(out.timeline.end(), enrollment->timeline().begin(),
                        enrollment->timeline().end());
  }
  std::stable_sort(out.timeline.begin(), out.timeline.end(),
                   [](const v1::TimelineEntry& a, const v1::TimelineEntry& b) {
                     return AtNanos(a) < AtNanos(b);
                   });
  return out;
}

absl::Status SopStatus::CheckCanResubmit(v1::ApplicationStatus intake_status,
                                         const v1::Case* kase) {
  if (intake_status == v1::APPLICATION_STATUS_WITHDRAWN) {
    return absl::FailedPreconditionError("the application was withdrawn");
  }
  if (kase == nullptr) {
    return absl::FailedPreconditionError(
        "documents can be resubmitted only when the application is RETURNED; it has not "
        "reached review yet");
  }
  if (kase->status() != v1::CASE_STATUS_RETURNED) {
    return absl::FailedPreconditionError(absl::StrCat(
        "documents can be resubmitted only when the application is RETURNED; it is ",
        v1::ApplicationStatus_Name(FromCaseStatus(kase->status()))));
  }
  return absl::OkStatus();
}

absl::Status SopStatus::CheckCanWithdraw(v1::ApplicationStatus intake_status,
                                         const v1::Case* kase, const v1::Enrollment* enrollment) {
  if (intake_status == v1::APPLICATION_STATUS_WITHDRAWN) {
    return absl::FailedPreconditionError("the application is already withdrawn");
  }
  if (enrollment != nullptr && enrollment->status() != v1::ENROLLMENT_STATUS_UNSPECIFIED) {
    return absl::FailedPreconditionError(
        "the application was already sent to the CA and can no longer be withdrawn");
  }
  if (kase == nullptr) return absl::OkStatus();
  switch (kase->status()) {
    case v1::CASE_STATUS_SENT_TO_CA:
      return absl::FailedPreconditionError(
          "the application was already sent to the CA and can no longer be withdrawn");
    case v1::CASE_STATUS_REJECTED:
      return absl::FailedPreconditionError("the application was rejected; it is final");
    case v1::CASE_STATUS_WITHDRAWN:
      return absl::FailedPreconditionError("the application is already withdrawn");
    default:
      return absl::OkStatus();
  }
}

}  // namespace sertel::intake
