// Where an application stands across the whole SOP, assembled from what each service knows:
// intake (step 1), disposition's case (steps 2-5) and certificate's enrollment (steps 5-7).
// Also the rules that depend on that standing: a resubmission only when RETURNED, a withdrawal
// only before SENT_TO_CA. Plain C++ on the API messages: no gRPC, no SQL.
//
//   SopView v = SopStatus::Merge(intake_view, case_or_null, enrollment_or_null);
//   absl::Status s = SopStatus::CheckCanWithdraw(intake_status, case_or_null);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "sertel/v1/certificate.pb.h"
#include "sertel/v1/common.pb.h"
#include "sertel/v1/disposition.pb.h"

namespace sertel::intake {

// What intake itself knows: SUBMITTED or WITHDRAWN, and its step-1 timeline entries.
struct IntakeView {
  v1::ApplicationStatus status = v1::APPLICATION_STATUS_SUBMITTED;
  std::vector<v1::TimelineEntry> timeline;
  // The last ResubmitDocuments, if any: a RETURNED case older than this is already resuming.
  std::optional<absl::Time> last_resubmitted_at;
};

struct SopView {
  v1::ApplicationStatus status = v1::APPLICATION_STATUS_UNSPECIFIED;
  v1::Step current_step = v1::STEP_UNSPECIFIED;
  std::vector<v1::TimelineEntry> timeline;  // oldest first
  std::string return_reason;                // when RETURNED
  std::vector<v1::DocumentKind> missing_documents;
};

class SopStatus {
 public:
  // The certificate's enrollment status wins over the case's status, which wins over intake's
  // SUBMITTED (intake's WITHDRAWN is final and is kept unless an enrollment exists). The
  // timeline is intake's, the case's and the enrollment's entries, sorted by time.
  // `kase` / `enrollment` are null when unknown (not created yet, or the service is down).
  static SopView Merge(const IntakeView& intake, const v1::Case* kase,
                       const v1::Enrollment* enrollment);

  static v1::ApplicationStatus FromCaseStatus(v1::CaseStatus s);
  static v1::ApplicationStatus FromEnrollmentStatus(v1::EnrollmentStatus s);

  // FAILED_PRECONDITION unless intake's status is SUBMITTED and the case is RETURNED.
  static absl::Status CheckCanResubmit(v1::ApplicationStatus intake_status, const v1::Case* kase);
  // FAILED_PRECONDITION when already withdrawn, or the case is SENT_TO_CA (or later) or
  // REJECTED. A case that does not exist yet may be withdrawn.
  static absl::Status CheckCanWithdraw(v1::ApplicationStatus intake_status, const v1::Case* kase,
                                       const v1::Enrollment* enrollment);
};

}  // namespace sertel::intake
