#include "application_views.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "progress_mirror.h"
#include "sop_status.h"

namespace sertel::intake {
namespace {

// Downstream readers are best effort for the tracking view: NOT_FOUND is "not there yet", and
// any failure leaves intake's own view.
template <typename T>
std::optional<T> BestEffort(absl::StatusOr<std::optional<T>> r, absl::string_view what,
                            const std::string& id) {
  if (!r.ok()) {
    Log::Warn("tracking_lookup_failed", {{"what", std::string(what)},
                                         {"application_id", id},
                                         {"code", absl::StatusCodeToString(r.status().code())}});
    return std::nullopt;
  }
  return *std::move(r);
}

// A lookup that decides whether a change is allowed must succeed: UNAVAILABLE, changed nothing.
absl::Status Unreachable(const absl::Status& s) {
  return absl::UnavailableError(
      absl::StrCat("the disposition service cannot be asked where the application stands (",
                   absl::StatusCodeToString(s.code()), "); nothing was changed, try again later"));
}

}  // namespace

ApplicationView ApplicationViews::Own(ApplicationRecord a) {
  // Intake's timeline; the status and step across the SOP as the mirror derived them (the same
  // values the list filters on).
  SopView sop = SopStatus::Merge(SopStatus::OwnView(a), nullptr, nullptr);
  sop.status = a.sop_status;
  sop.current_step = a.sop_step;
  return {.application = std::move(a), .sop = std::move(sop)};
}

ApplicationView ApplicationViews::Tracked(ApplicationRecord a) const {
  // The whole SOP's status: ask disposition (steps 2-5) and certificate (5-7), read-only.
  std::optional<CaseView> kase;
  std::optional<EnrollmentView> enrollment;
  bool case_answered = false;
  if (cases_ != nullptr) {
    absl::StatusOr<std::optional<CaseView>> r = cases_->GetCase(a.id);
    case_answered = r.ok();
    kase = BestEffort(std::move(r), "case", a.id);
  }
  // An enrollment exists only after SENT_TO_CA; when disposition did not answer, ask anyway.
  bool may_have_enrollment =
      kase.has_value() ? kase->status == CaseStatus::kSentToCa : !case_answered;
  bool enrollment_answered = false;
  if (enrollments_ != nullptr && may_have_enrollment) {
    absl::StatusOr<std::optional<EnrollmentView>> r = enrollments_->GetEnrollment(a.id);
    enrollment_answered = r.ok();
    enrollment = BestEffort(std::move(r), "enrollment", a.id);
  } else if (case_answered && !may_have_enrollment) {
    enrollment_answered = true;  // the live case says there is none yet
  }
  // What could not be asked comes from the mirror (the last reports), not from nothing.
  if (!case_answered) kase = MirroredCase(a);
  if (!enrollment.has_value() && !enrollment_answered) enrollment = MirroredEnrollment(a);
  SopView sop = SopStatus::Merge(SopStatus::OwnView(a), kase ? &*kase : nullptr,
                                 enrollment ? &*enrollment : nullptr);
  sop.attention = AttentionFor(a.id, kase ? &*kase : nullptr, enrollment ? &*enrollment : nullptr);
  return {.application = std::move(a), .sop = std::move(sop)};
}

std::optional<AttentionRecord> ApplicationViews::AttentionFor(
    const std::string& id, const CaseView* kase, const EnrollmentView* enrollment) const {
  std::optional<AttentionRecord> own;
  if (own_attention_ != nullptr) {
    own = BestEffort(own_attention_->AttentionFor(id), "intake outbox attention", id);
  }
  std::optional<AttentionRecord> picked =
      SopStatus::PickAttention(own, kase, enrollment, std::nullopt);
  if (picked.has_value() || delivery_attention_ == nullptr) return picked;
  std::optional<AttentionRecord> delivery =
      BestEffort(delivery_attention_->AttentionFor(id), "notification attention", id);
  return SopStatus::PickAttention(std::nullopt, nullptr, nullptr, delivery);
}

absl::StatusOr<std::optional<CaseView>> ApplicationViews::CaseForChange(
    const std::string& id) const {
  if (cases_ == nullptr) return Unreachable(absl::UnavailableError("no client"));
  absl::StatusOr<std::optional<CaseView>> kase = cases_->GetCase(id);
  if (!kase.ok()) return Unreachable(kase.status());
  return kase;
}

}  // namespace sertel::intake
