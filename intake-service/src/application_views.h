// The answers about one application: intake's own view, or the whole SOP's status merged with
// disposition's case (steps 2-5) and certificate's enrollment (steps 5-7), asked read-only with
// a short deadline and best effort (docs/architecture.md: when they cannot be asked, intake's
// own view). Also the strict case lookup a change depends on: there, no answer changes nothing.
//
//   ApplicationViews views(&disposition_client, &certificate_client);
//   ApplicationView v = views.Tracked(std::move(record));
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "downstream.h"
#include "intake_records.h"

namespace sertel::intake {

class ApplicationViews {
 public:
  // Either reader may be null (not asked).
  ApplicationViews(CaseReader* cases, EnrollmentReader* enrollments)
      : cases_(cases), enrollments_(enrollments) {}

  // Intake's own view (SubmitApplication, ListApplications).
  static ApplicationView Own(ApplicationRecord a);
  // Merged with the case and the enrollment, best effort (GetApplication, and the answer of a
  // resubmission or withdrawal).
  ApplicationView Tracked(ApplicationRecord a) const;
  // The case a resubmission or withdrawal depends on (nullopt: not opened yet); UNAVAILABLE
  // ("nothing was changed, try again later") when disposition cannot answer.
  absl::StatusOr<std::optional<CaseView>> CaseForChange(const std::string& id) const;

 private:
  CaseReader* cases_;
  EnrollmentReader* enrollments_;
};

}  // namespace sertel::intake
