#include "progress_mirror.h"

#include <string>

#include "common/field_violations.h"
#include "common/uuid.h"
#include "sop_status.h"
#include "submission_rules.h"

namespace sertel::intake {
namespace {

// The case status a disposition report names (kUnspecified: not one a case has).
CaseStatus CaseStatusOf(ApplicationStatus s) {
  switch (s) {
    case ApplicationStatus::kInReview:
      return CaseStatus::kInReview;
    case ApplicationStatus::kReturned:
      return CaseStatus::kReturned;
    case ApplicationStatus::kRejected:
      return CaseStatus::kRejected;
    case ApplicationStatus::kSentToCa:
      return CaseStatus::kSentToCa;
    case ApplicationStatus::kWithdrawn:
      return CaseStatus::kWithdrawn;
    default:
      return CaseStatus::kUnspecified;
  }
}

// The enrollment status a certificate report names (kUnspecified: not one an enrollment has).
EnrollmentStatus EnrollmentStatusOf(ApplicationStatus s) {
  switch (s) {
    case ApplicationStatus::kAwaitingPassphrase:
      return EnrollmentStatus::kAwaitingPassphrase;
    case ApplicationStatus::kIssued:
      return EnrollmentStatus::kIssued;
    case ApplicationStatus::kHandedOver:
      return EnrollmentStatus::kHandedOver;
    case ApplicationStatus::kRevoked:
      return EnrollmentStatus::kRevoked;
    default:
      return EnrollmentStatus::kUnspecified;
  }
}

}  // namespace

absl::Status CheckProgressReport(const ProgressInput& in) {
  FieldViolations v;
  if (!IsUuid(in.application_id)) v.Add("application_id", "must be an application id (UUID)");
  if (in.source == kProgressFromDisposition) {
    if (CaseStatusOf(in.status) == CaseStatus::kUnspecified) {
      v.Add("status",
            "a case reports IN_REVIEW, RETURNED, REJECTED, SENT_TO_CA or WITHDRAWN, not " +
                std::string(ApplicationStatusName(in.status)));
    }
  } else if (in.source == kProgressFromCertificate) {
    if (EnrollmentStatusOf(in.status) == EnrollmentStatus::kUnspecified) {
      v.Add("status",
            "an enrollment reports AWAITING_PASSPHRASE, ISSUED, HANDED_OVER or REVOKED, not " +
                std::string(ApplicationStatusName(in.status)));
    }
  } else {
    v.Add("source", "must be DISPOSITION or CERTIFICATE");
  }
  if (in.version < 1) v.Add("version", "must be the version after the change (at least 1)");
  if (in.step < 1 || in.step > 7) v.Add("current_step", "must be an SOP step (1-7)");
  if (!in.at.has_value()) v.Add("at", "is required (when the change happened)");
  v.AddIfError("request_id", CheckRequestId(in.request_id, /*required=*/false));
  if (!v.empty()) return v.ToStatus("the progress report is invalid");
  return absl::OkStatus();
}

bool ApplyProgressReport(const ProgressInput& in, ProgressMirror* m) {
  if (in.source == kProgressFromDisposition) {
    if (in.version <= m->case_version) return false;  // older or the same: already applied
    m->case_status = CaseStatusOf(in.status);
    m->case_step = in.step;
    m->case_version = in.version;
    m->case_reported_at = in.at;
    return true;
  }
  if (in.version <= m->enrollment_version) return false;
  m->enrollment_status = EnrollmentStatusOf(in.status);
  m->enrollment_step = in.step;
  m->enrollment_version = in.version;
  m->enrollment_reported_at = in.at;
  return true;
}

std::optional<CaseView> MirroredCase(const ApplicationRecord& a) {
  const ProgressMirror& m = a.progress;
  if (m.case_status == CaseStatus::kUnspecified) return std::nullopt;
  CaseView c;
  c.status = m.case_status;
  c.current_step = m.case_step;
  c.version = m.case_version;
  // When the reported change happened. For a RETURNED case that is when it was returned, so a
  // resubmission since then still counts as resuming (SopStatus::Merge), as with the live case.
  c.step_entered_at = m.case_reported_at;
  return c;
}

std::optional<EnrollmentView> MirroredEnrollment(const ApplicationRecord& a) {
  const ProgressMirror& m = a.progress;
  if (m.enrollment_status == EnrollmentStatus::kUnspecified) return std::nullopt;
  EnrollmentView e;
  e.status = m.enrollment_status;
  e.current_step = m.enrollment_step;
  return e;
}

void Rederive(ApplicationRecord* a) {
  std::optional<CaseView> kase = MirroredCase(*a);
  std::optional<EnrollmentView> enrollment = MirroredEnrollment(*a);
  IntakeView own;
  own.status = a->status == ApplicationStatus::kWithdrawn ? ApplicationStatus::kWithdrawn
                                                          : ApplicationStatus::kSubmitted;
  own.last_resubmitted_at = a->last_resubmitted_at;
  SopView sop = SopStatus::Merge(own, kase ? &*kase : nullptr, enrollment ? &*enrollment : nullptr);
  a->sop_status = sop.status;
  a->sop_step = sop.current_step;
}

}  // namespace sertel::intake
