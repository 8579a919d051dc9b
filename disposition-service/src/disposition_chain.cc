#include "disposition_chain.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/notification_order.h"
#include "common/progress_report.h"
#include "common/sop.h"
#include "disposition_payloads.h"
#include "disposition_roles.h"
#include "disposition_validation.h"

namespace sertel::disposition {
namespace {

// Intake's calls (open, resume, withdraw) are recorded as the SERVICE role's.
std::string ServiceRole() { return std::string(RoleName(Role::kService)); }

// The audit entry of a change to case `c`.
AuditEntry CaseAudit(const CaseRecord& c, const std::string& actor_sub,
                     const std::string& actor_role, const char* action, nlohmann::json details) {
  return AuditEntry{.actor_sub = actor_sub,
                    .actor_role = actor_role,
                    .action = action,
                    .entity_type = kCaseEntityType,
                    .entity_id = c.application_id,
                    .details = std::move(details)};
}

// The applicant hears about a return or a rejection by email (applicant.email).
OutboxItem ApplicantNotice(const CaseRecord& c, std::string request_id, NotifyTemplate tmpl,
                           std::map<std::string, std::string> params) {
  params.emplace("full_name", c.applicant.full_name);
  params.emplace("application_id", c.application_id);
  return NotificationOutboxItem({.request_id = std::move(request_id),
                                 .application_id = c.application_id,
                                 .channel = NotifyChannel::kEmail,
                                 .recipient = c.applicant.email,
                                 .template_name = tmpl,
                                 .params = std::move(params),
                                 .attachments = {}});
}

// Every change of a case is reported to intake (IntakeService.RecordProgress through the
// outbox, in the change's transaction), which lists and filters applications by it. `step` is
// where the application stands after the change.
void ReportProgress(CaseChange& ch, int step, absl::Time at) {
  ch.outbox.push_back(ProgressOutboxItem({.application_id = ch.after.application_id,
                                          .source = ProgressSource::kDisposition,
                                          .version = ch.after.version,
                                          .status = ApplicationStatusOf(ch.after.status),
                                          .step = step,
                                          .at = at}));
}

// A request id used before: for the same case and kind it is a repeat (answered with the case
// as it stands); anything else reuses the key for a different request.
absl::StatusOr<bool> IsRepeat(const std::optional<SeenRequest>& seen,
                              const std::string& application_id, absl::string_view kind) {
  if (!seen.has_value()) return false;
  if (seen->application_id != application_id || seen->kind != kind) {
    return absl::AlreadyExistsError(
        absl::StrCat("request_id was already used for another ", "request (", seen->kind, ")"));
  }
  return true;
}

}  // namespace

absl::string_view CaseActionName(CaseAction action) {
  switch (action) {
    case CaseAction::kForward:
      return "Forward";
    case CaseAction::kVerify:
      return "Verify";
    case CaseAction::kReturn:
      return "Return";
    case CaseAction::kReject:
      return "Reject";
  }
  return "?";
}

std::optional<Role> DispositionChain::RoleForStep(int step) {
  switch (step) {
    case 2:
      return kStep2Role;
    case 3:
      return kStep3Role;
    case 4:
      return kStep4Role;
    case 5:
      return kStep5Role;
    default:
      return std::nullopt;
  }
}

std::optional<int> DispositionChain::StepForRole(Role role) {
  for (int step = kFirstStep; step <= kLastStep; ++step) {
    if (RoleForStep(step) == role) return step;
  }
  return std::nullopt;
}

std::optional<int> DispositionChain::InboxStep(const RoleSet& roles) {
  for (int step = kFirstStep; step <= kLastStep; ++step) {
    if (roles.Contains(*RoleForStep(step))) return step;
  }
  return std::nullopt;
}

absl::Duration DispositionChain::StandardTime(int step) { return SopStandardTime(step); }

absl::Status DispositionChain::CheckAction(const CaseRecord* current, int64_t expected_version,
                                           const RoleSet& caller, CaseAction action,
                                           const std::string& caller_nik) {
  if (current == nullptr) return absl::NotFoundError("no such case");
  if (expected_version != current->version) {
    // The loser of a race always learns that its view is stale.
    return absl::AbortedError(absl::StrCat("the case is at version ", current->version, ", not ",
                                           expected_version, "; reload it"));
  }
  std::optional<Role> step_role = RoleForStep(current->current_step);
  if (!step_role.has_value() || !caller.Contains(*step_role)) {
    return absl::PermissionDeniedError(
        absl::StrCat("step ", current->current_step, " is acted on by ",
                     step_role.has_value() ? RoleName(*step_role) : "nobody"));
  }
  // An official who applied for a certificate themselves may not review their own request:
  // the SOP's chain of four people is four other people.
  if (!caller_nik.empty() && caller_nik == current->applicant.nik) {
    return absl::PermissionDeniedError(
        "an official may not act on their own application; another official of this step, or a "
        "deputy (Plh/Plt), acts on it");
  }
  if (current->status != CaseStatus::kInReview) {
    return absl::FailedPreconditionError(
        absl::StrCat("the case is ", CaseStatusName(current->status), "; ", CaseActionName(action),
                     " needs it IN_REVIEW"));
  }
  const int step = current->current_step;
  switch (action) {
    case CaseAction::kForward:
      // SOP steps 2-4 disposition downwards; step 5 sends to the CA instead (Verify).
      if (step < kFirstStep || step >= kLastStep) {
        return absl::FailedPreconditionError(
            absl::StrCat("Forward is for steps 2-4; the case is at step ", step, " (use Verify)"));
      }
      break;
    case CaseAction::kVerify:
      if (step != kLastStep) {
        return absl::FailedPreconditionError(
            absl::StrCat("Verify is for step 5; the case is at step ", step));
      }
      break;
    case CaseAction::kReturn:
    case CaseAction::kReject:
      break;
  }
  return absl::OkStatus();
}

TimelineEntry DispositionChain::OfficialEntry(const CaseRecord& c, absl::string_view action,
                                              const Actor& actor, const std::string& note,
                                              absl::Time now) const {
  TimelineEntry e;
  e.step = c.current_step;
  e.action = std::string(action);
  e.actor_sub = actor.sub;
  e.actor_role = std::string(RoleName(*RoleForStep(c.current_step)));
  e.note = note;
  e.at = now;
  e.duration = std::max(absl::ZeroDuration(), now - c.step_entered_at);
  e.standard_duration = StandardTime(c.current_step);
  e.within_standard = e.duration <= e.standard_duration;
  e.counts_for_sla = true;
  return e;
}

TimelineEntry DispositionChain::ServiceEntry(int step, absl::string_view action, const Actor& actor,
                                             const std::string& note, absl::Time now) {
  TimelineEntry e;
  e.step = step;
  e.action = std::string(action);
  e.actor_sub = actor.sub;
  e.actor_role = ServiceRole();
  e.note = note;
  e.at = now;
  e.counts_for_sla = false;
  return e;
}

CaseChange DispositionChain::UpdateOf(const CaseRecord& current, absl::Time now) const {
  CaseChange ch;
  ch.kind = CaseChange::Kind::kUpdate;
  ch.expected_version = current.version;
  ch.after = current;
  ch.after.timeline.clear();
  ch.after.version = current.version + 1;
  ch.after.updated_at = now;
  return ch;
}

absl::StatusOr<CaseChange> DispositionChain::OfficialChange(const CaseRecord* current,
                                                            int64_t expected_version,
                                                            const Actor& actor, CaseAction action,
                                                            const char* entry_action,
                                                            const std::string& note) const {
  if (absl::Status s = CheckAction(current, expected_version, actor.roles, action, actor.nik);
      !s.ok()) {
    return s;
  }
  const absl::Time now = clock_->Now();
  CaseChange ch = UpdateOf(*current, now);
  ch.entry = OfficialEntry(*current, entry_action, actor, note, now);
  ch.audit = CaseAudit(*current, actor.sub, ch.entry->actor_role, entry_action,
                       {{"version", ch.after.version}});
  return ch;
}

absl::StatusOr<CaseChange> DispositionChain::Forward(const CaseRecord* current,
                                                     int64_t expected_version, const Actor& actor,
                                                     const std::string& note) const {
  absl::StatusOr<CaseChange> ch =
      OfficialChange(current, expected_version, actor, CaseAction::kForward, "FORWARDED", note);
  if (!ch.ok()) return ch;
  // SOP steps 2-4: review done; disposition to the next role with the note as instruction.
  ch->after.current_step = current->current_step + 1;
  ch->after.step_entered_at = ch->entry->at;
  ch->audit->details["from_step"] = current->current_step;
  ch->audit->details["to_step"] = ch->after.current_step;
  ReportProgress(*ch, ch->after.current_step, ch->entry->at);
  return ch;
}

absl::StatusOr<CaseChange> DispositionChain::Verify(const CaseRecord* current,
                                                    int64_t expected_version, const Actor& actor,
                                                    const Checklist& checklist,
                                                    const std::string& note) const {
  absl::StatusOr<CaseChange> ch =
      OfficialChange(current, expected_version, actor, CaseAction::kVerify, "VERIFIED", note);
  if (!ch.ok()) return ch;
  if (absl::Status s = ValidateVerify(current->application_id, expected_version, checklist, note);
      !s.ok()) {
    return s;
  }
  // SOP step 5: completeness checked; the request goes to the BSrE service (the CA).
  ch->after.status = CaseStatus::kSentToCa;
  ch->after.checklist_confirmed = true;
  ch->audit->details["step"] = current->current_step;
  ch->audit->details["checklist"] = "all confirmed";
  // "Sends it to the BSrE service": through the outbox, in this same transaction, retried until
  // the certificate service takes it.
  ch->outbox.push_back(
      StartEnrollmentItem(absl::StrCat("disposition:enroll:", current->application_id), ch->after));
  ReportProgress(*ch, current->current_step, ch->entry->at);
  return ch;
}

absl::StatusOr<CaseChange> DispositionChain::Return(
    const CaseRecord* current, int64_t expected_version, const Actor& actor,
    const std::string& reason, const std::vector<std::string>& missing_documents) const {
  absl::StatusOr<CaseChange> ch =
      OfficialChange(current, expected_version, actor, CaseAction::kReturn, "RETURNED", reason);
  if (!ch.ok()) return ch;
  // The case stays at the step that returned it, so ResumeCase brings it back there.
  ch->after.status = CaseStatus::kReturned;
  ch->after.return_reason = reason;
  ch->after.missing_documents = missing_documents;
  const std::string missing = absl::StrJoin(missing_documents, ",");
  ch->audit->details["step"] = current->current_step;
  ch->audit->details["reason"] = reason;
  ch->audit->details["missing_documents"] = missing;
  ch->outbox.push_back(ApplicantNotice(
      ch->after,
      absl::StrCat("disposition:returned:", current->application_id, ":", ch->after.version),
      NotifyTemplate::kApplicationReturned, {{"reason", reason}, {"missing_documents", missing}}));
  ReportProgress(*ch, current->current_step, ch->entry->at);
  return ch;
}

absl::StatusOr<CaseChange> DispositionChain::Reject(const CaseRecord* current,
                                                    int64_t expected_version, const Actor& actor,
                                                    const std::string& reason) const {
  absl::StatusOr<CaseChange> ch =
      OfficialChange(current, expected_version, actor, CaseAction::kReject, "REJECTED", reason);
  if (!ch.ok()) return ch;
  ch->after.status = CaseStatus::kRejected;  // final
  ch->audit->details["step"] = current->current_step;
  ch->audit->details["reason"] = reason;
  ch->outbox.push_back(
      ApplicantNotice(ch->after, absl::StrCat("disposition:rejected:", current->application_id),
                      NotifyTemplate::kApplicationRejected, {{"reason", reason}}));
  ReportProgress(*ch, current->current_step, ch->entry->at);
  return ch;
}

absl::StatusOr<CaseChange> DispositionChain::Open(const CaseRecord* current,
                                                  const std::optional<SeenRequest>& seen,
                                                  const OpenInput& in, const Actor& actor) const {
  absl::StatusOr<bool> repeat = IsRepeat(seen, in.application_id, "OPEN");
  if (!repeat.ok()) return repeat.status();
  CaseChange ch;
  ch.request_id = in.request_id;
  ch.request_kind = "OPEN";
  // Idempotent on the application too: a second OpenCase for it answers the existing case.
  if (*repeat || current != nullptr) {
    if (current == nullptr) return absl::InternalError("request recorded without its case");
    ch.kind = CaseChange::Kind::kNone;
    return ch;
  }
  const absl::Time now = clock_->Now();
  ch.kind = CaseChange::Kind::kInsert;
  CaseRecord& c = ch.after;
  c.application_id = in.application_id;
  c.status = CaseStatus::kInReview;
  // SOP step 2: the request arrives at the head of agency.
  c.current_step = kFirstStep;
  c.version = 1;
  c.opened_at = now;
  c.step_entered_at = now;
  c.submitted_at = in.submitted_at;
  c.applicant = in.applicant;
  c.updated_at = now;
  ch.entry = ServiceEntry(kFirstStep, "OPENED", actor, "", now);
  ch.audit = CaseAudit(c, actor.sub, ServiceRole(), "OPENED",
                       {{"step", kFirstStep}, {"request_id", in.request_id}});
  ReportProgress(ch, kFirstStep, now);
  return ch;
}

absl::StatusOr<CaseChange> DispositionChain::Resume(const CaseRecord* current,
                                                    const std::optional<SeenRequest>& seen,
                                                    const std::string& application_id,
                                                    const std::string& request_id,
                                                    const Actor& actor) const {
  if (current == nullptr) return absl::NotFoundError("no such case");
  absl::StatusOr<bool> repeat = IsRepeat(seen, application_id, "RESUME");
  if (!repeat.ok()) return repeat.status();
  if (*repeat) return CaseChange{};  // kNone: answer with the case as it stands
  if (current->status != CaseStatus::kReturned) {
    return absl::FailedPreconditionError(
        absl::StrCat("the case is ", CaseStatusName(current->status), ", not RETURNED"));
  }
  const absl::Time now = clock_->Now();
  CaseChange ch = UpdateOf(*current, now);
  ch.request_id = request_id;
  ch.request_kind = "RESUME";
  // After the resubmission the case goes back to the step that returned it, and that step's
  // standard time starts again.
  ch.after.status = CaseStatus::kInReview;
  ch.after.step_entered_at = now;
  ch.after.return_reason.clear();
  ch.after.missing_documents.clear();
  ch.entry = ServiceEntry(current->current_step, "RESUMED", actor, "", now);
  ch.audit = CaseAudit(
      *current, actor.sub, ServiceRole(), "RESUMED",
      {{"step", current->current_step}, {"request_id", request_id}, {"version", ch.after.version}});
  ReportProgress(ch, current->current_step, now);
  return ch;
}

absl::StatusOr<CaseChange> DispositionChain::Withdraw(const CaseRecord* current,
                                                      const std::optional<SeenRequest>& seen,
                                                      const std::string& application_id,
                                                      const std::string& request_id,
                                                      const std::string& reason,
                                                      const Actor& actor) const {
  absl::StatusOr<bool> repeat = IsRepeat(seen, application_id, "WITHDRAW");
  if (!repeat.ok()) return repeat.status();
  if (current == nullptr) {
    if (*repeat) return absl::InternalError("request recorded without its case");
    return WithdrawBeforeOpening(application_id, request_id, reason, actor);
  }
  if (*repeat || current->status == CaseStatus::kWithdrawn) {
    CaseChange none;  // kNone
    if (!*repeat) {
      none.request_id = request_id;
      none.request_kind = "WITHDRAW";
    }
    return none;
  }
  switch (current->status) {
    case CaseStatus::kInReview:
    case CaseStatus::kReturned:
      break;
    case CaseStatus::kSentToCa:
      return absl::FailedPreconditionError(
          "the case was already sent to the CA (SENT_TO_CA) and can no longer be withdrawn; ask "
          "the verifier to revoke the certificate instead");
    default:
      return absl::FailedPreconditionError(
          absl::StrCat("the case is ", CaseStatusName(current->status),
                       ", which is final; only a case not yet sent to the CA can be withdrawn"));
  }
  // Under the case's row lock and version (DispositionStore::Apply): a Verify at the same time
  // either committed first (SENT_TO_CA, refused above) or finds the case WITHDRAWN.
  const absl::Time now = clock_->Now();
  CaseChange ch = UpdateOf(*current, now);
  ch.request_id = request_id;
  ch.request_kind = "WITHDRAW";
  ch.after.status = CaseStatus::kWithdrawn;
  ch.entry = ServiceEntry(current->current_step, "WITHDRAWN", actor, reason, now);
  ch.audit = CaseAudit(
      *current, actor.sub, ServiceRole(), "WITHDRAWN",
      {{"step", current->current_step}, {"request_id", request_id}, {"version", ch.after.version}});
  ReportProgress(ch, current->current_step, now);
  return ch;
}

CaseChange DispositionChain::WithdrawBeforeOpening(const std::string& application_id,
                                                   const std::string& request_id,
                                                   const std::string& reason,
                                                   const Actor& actor) const {
  // Intake's OpenCase is still in its outbox: the case is recorded as WITHDRAWN now, so that
  // OpenCase, when it arrives, opens nothing and answers this case. The applicant is not known
  // here (OpenCase carries it); the application never left step 1.
  const absl::Time now = clock_->Now();
  CaseChange ch;
  ch.kind = CaseChange::Kind::kInsert;
  ch.request_id = request_id;
  ch.request_kind = "WITHDRAW";
  CaseRecord& c = ch.after;
  c.application_id = application_id;
  c.status = CaseStatus::kWithdrawn;
  c.current_step = kFirstStep;  // where it would have arrived
  c.version = 1;
  c.opened_at = now;
  c.step_entered_at = now;
  c.updated_at = now;
  ch.entry = ServiceEntry(1, "WITHDRAWN", actor, reason, now);
  ch.audit = CaseAudit(c, actor.sub, ServiceRole(), "WITHDRAWN",
                       {{"step", 1}, {"request_id", request_id}, {"before_opening", true}});
  ReportProgress(ch, 1, now);
  return ch;
}

}  // namespace sertel::disposition
