// The answers about one application: the stored view (intake's timeline with the status across
// the SOP that the progress mirror derived), or the whole SOP's status merged with
// disposition's case (steps 2-5) and certificate's enrollment (steps 5-7), asked read-only with
// a short deadline and best effort (docs/architecture.md: what cannot be asked comes from the
// mirror). Also the strict case lookup a change depends on: there, no answer changes nothing.
//
//   ApplicationViews views(&disposition_client, &certificate_client);
//   ApplicationView v = views.Tracked(std::move(record));
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/outbox_attention.h"
#include "downstream.h"
#include "intake_records.h"

namespace sertel::intake {

class ApplicationViews {
 public:
  // Either reader may be null (not asked).
  ApplicationViews(CaseReader* cases, EnrollmentReader* enrollments)
      : cases_(cases), enrollments_(enrollments) {}

  // The stored view: status and step from the mirror (SubmitApplication, ListApplications,
  // RecordProgress).
  static ApplicationView Own(ApplicationRecord a);
  // Merged with the case and the enrollment, best effort, the mirror standing in for whichever
  // does not answer (GetApplication, and the answer of a resubmission or withdrawal).
  ApplicationView Tracked(ApplicationRecord a) const;
  // The case a resubmission or withdrawal depends on (nullopt: not opened yet); UNAVAILABLE
  // ("nothing was changed, try again later") when disposition cannot answer.
  absl::StatusOr<std::optional<CaseView>> CaseForChange(const std::string& id) const;

  // Where the tracked view finds Application.attention besides the case and the enrollment:
  // intake's own outbox (`own`) and the notification service's failed deliveries
  // (`deliveries`), each best effort; either may be null (not asked).
  void SetAttentionReaders(const AttentionReader* own, const AttentionReader* deliveries) {
    own_attention_ = own;
    delivery_attention_ = deliveries;
  }

 private:
  // SopStatus::PickAttention over what the readers answer; the notification service is asked
  // only when nothing closer marks the application.
  std::optional<AttentionRecord> AttentionFor(const std::string& id, const CaseView* kase,
                                              const EnrollmentView* enrollment) const;

  CaseReader* cases_;
  EnrollmentReader* enrollments_;
  const AttentionReader* own_attention_ = nullptr;
  const AttentionReader* delivery_attention_ = nullptr;
};

}  // namespace sertel::intake
