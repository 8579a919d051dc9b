#include "application_views.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log.h"
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
  SopView sop = SopStatus::Merge(SopStatus::OwnView(a), nullptr, nullptr);
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
  if (enrollments_ != nullptr && may_have_enrollment) {
    enrollment = BestEffort(enrollments_->GetEnrollment(a.id), "enrollment", a.id);
  }
  SopView sop = SopStatus::Merge(SopStatus::OwnView(a), kase ? &*kase : nullptr,
                                 enrollment ? &*enrollment : nullptr);
  return {.application = std::move(a), .sop = std::move(sop)};
}

absl::StatusOr<std::optional<CaseView>> ApplicationViews::CaseForChange(
    const std::string& id) const {
  if (cases_ == nullptr) return Unreachable(absl::UnavailableError("no client"));
  absl::StatusOr<std::optional<CaseView>> kase = cases_->GetCase(id);
  if (!kase.ok()) return Unreachable(kase.status());
  return kase;
}

}  // namespace sertel::intake
