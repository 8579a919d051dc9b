#include "sop_status.h"

#include <algorithm>

#include "common/sop.h"

namespace sertel::intake {
namespace {

int EnrollmentStep(const EnrollmentView& e) {
  if (e.current_step != kStepUnspecified) return e.current_step;
  // SOP step 6 while awaiting the passphrase, step 7 once issued.
  return e.status == EnrollmentStatus::kAwaitingPassphrase ? kStepPassphrase : kStepHandover;
}

// SOP step 5 -> 6: a RETURNED case whose documents came back since it was returned is resuming.
bool ResubmittedSince(const IntakeView& intake, const CaseView& kase) {
  return intake.last_resubmitted_at.has_value() && kase.step_entered_at.has_value() &&
         *intake.last_resubmitted_at >= *kase.step_entered_at;
}

}  // namespace

IntakeView SopStatus::OwnView(const ApplicationRecord& a) {
  IntakeView own;
  own.status = a.status == ApplicationStatus::kWithdrawn ? ApplicationStatus::kWithdrawn
                                                         : ApplicationStatus::kSubmitted;
  own.last_resubmitted_at = a.last_resubmitted_at;
  for (TimelineRecord t : a.timeline) {
    // Step 1 is the hand-in itself: it takes no waiting time at intake.
    t.duration = absl::ZeroDuration();
    t.standard_duration = SopStandardTime(kStepSubmission);
    t.within_standard = true;
    own.timeline.push_back(std::move(t));
  }
  return own;
}

ApplicationStatus SopStatus::FromEnrollmentStatus(EnrollmentStatus s) {
  switch (s) {
    case EnrollmentStatus::kAwaitingPassphrase:
      return ApplicationStatus::kAwaitingPassphrase;
    case EnrollmentStatus::kIssued:
      return ApplicationStatus::kIssued;
    case EnrollmentStatus::kHandedOver:
      return ApplicationStatus::kHandedOver;
    case EnrollmentStatus::kRevoked:
      return ApplicationStatus::kRevoked;
    default:
      return ApplicationStatus::kUnspecified;
  }
}

std::optional<AttentionRecord> SopStatus::PickAttention(
    const std::optional<AttentionRecord>& own, const CaseView* kase,
    const EnrollmentView* enrollment, const std::optional<AttentionRecord>& delivery) {
  if (own.has_value()) return own;
  if (kase != nullptr && kase->attention.has_value()) return kase->attention;
  if (enrollment != nullptr && enrollment->attention.has_value()) return enrollment->attention;
  return delivery;
}

SopView SopStatus::Merge(const IntakeView& intake, const CaseView* kase,
                         const EnrollmentView* enrollment) {
  SopView out;
  out.status = intake.status;
  out.current_step = kStepSubmission;  // SOP step 1 is intake's
  out.timeline = intake.timeline;

  ApplicationStatus case_status =
      kase != nullptr ? ApplicationStatusOf(kase->status) : ApplicationStatus::kUnspecified;
  ApplicationStatus enrollment_status = enrollment != nullptr
                                            ? FromEnrollmentStatus(enrollment->status)
                                            : ApplicationStatus::kUnspecified;

  if (enrollment_status != ApplicationStatus::kUnspecified) {
    out.status = enrollment_status;
    out.current_step = EnrollmentStep(*enrollment);
  } else if (intake.status == ApplicationStatus::kWithdrawn) {
    // Final at intake, even while the case has not yet heard of it.
  } else if (case_status != ApplicationStatus::kUnspecified) {
    out.status = case_status;
    if (kase->current_step != kStepUnspecified) out.current_step = kase->current_step;
    if (case_status == ApplicationStatus::kReturned) {
      if (ResubmittedSince(intake, *kase)) {
        // The documents are back; the case resumes once the outbox delivers ResumeCase.
        out.status = ApplicationStatus::kInReview;
      } else {
        out.return_reason = kase->return_reason;
        out.missing_documents = kase->missing_documents;
      }
    }
  }

  if (kase != nullptr) {
    out.timeline.insert(out.timeline.end(), kase->timeline.begin(), kase->timeline.end());
  }
  if (enrollment != nullptr) {
    out.timeline.insert(out.timeline.end(), enrollment->timeline.begin(),
                        enrollment->timeline.end());
  }
  std::stable_sort(out.timeline.begin(), out.timeline.end(),
                   [](const TimelineRecord& a, const TimelineRecord& b) { return a.at < b.at; });
  return out;
}

}  // namespace sertel::intake
