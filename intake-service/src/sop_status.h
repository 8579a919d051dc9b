// Where an application stands across the whole SOP, assembled from what each service knows:
// intake (step 1), disposition's case (steps 2-5) and certificate's enrollment (steps 5-7).
// A pure rule on records: no gRPC, no SQL, no protobuf. (Which changes that standing allows is
// application_lifecycle.h's.)
//
//   SopView v = SopStatus::Merge(SopStatus::OwnView(application), case_or_null,
//                                enrollment_or_null);
#pragma once

#include <optional>

#include "intake_records.h"

namespace sertel::intake {

class SopStatus {
 public:
  // Intake's own view of `a`: its stored status and its step-1 timeline entries, each with no
  // waiting time (step 1 is the hand-in itself) against the SOP's standard time of step 1.
  static IntakeView OwnView(const ApplicationRecord& a);

  // The certificate's enrollment status wins over the case's status, which wins over intake's
  // SUBMITTED (intake's WITHDRAWN is final and is kept unless an enrollment exists). The
  // timeline is intake's, the case's and the enrollment's entries, sorted by time.
  // `kase` / `enrollment` are null when unknown (not created yet, or the service is down).
  static SopView Merge(const IntakeView& intake, const CaseView* kase,
                       const EnrollmentView* enrollment);

  static ApplicationStatus FromEnrollmentStatus(EnrollmentStatus s);

  // Application.attention: intake's own DEAD outbox row, else the case's attention, else the
  // enrollment's, else a delivery the notification service gave up on; nullopt when nothing
  // waits for an operator. Any argument may be null/nullopt (unknown or none).
  static std::optional<AttentionRecord> PickAttention(
      const std::optional<AttentionRecord>& own, const CaseView* kase,
      const EnrollmentView* enrollment, const std::optional<AttentionRecord>& delivery);
};

}  // namespace sertel::intake
