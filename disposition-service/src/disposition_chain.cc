#include "disposition_chain.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/field_violations.h"
#include "common/sop.h"
#include "common/validators.h"

namespace sertel::disposition {
namespace {

constexpr size_t kMaxIdChars = 128;

void CheckId(FieldViolations& v, const std::string& field, absl::string_view value) {
  if (value.empty()) {
    v.Add(field, "is required");
  } else if (value.size() > kMaxIdChars) {
    v.Add(field, absl::StrCat("must be at most ", kMaxIdChars, " characters"));
  } else {
    v.AddIfError(field, ValidateText(value, kMaxIdChars, /*allow_newlines=*/false));
  }
}

void CheckVersion(FieldViolations& v, int64_t expected_version) {
  if (expected_version < 1) v.Add("expected_version", "is required (the version you saw, >= 1)");
}

void CheckText(FieldViolations& v, const std::string& field, absl::string_view text,
               bool required) {
  if (required && text.find_first_not_of(" \t\n") == absl::string_view::npos) {
    v.Add(field, "is required");
    return;
  }
  v.AddIfError(field, ValidateText(text, DispositionChain::kMaxTextChars, /*allow_newlines=*/true));
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
      return Role::kHeadOfAgency;  // SOP step 2: Kepala Dinas
    case 3:
      return Role::kHeadOfDivision;  // SOP step 3: Kabid TKPBET
    case 4:
      return Role::kHeadOfSection;  // SOP step 4: Kasi PKSI
    case 5:
      return Role::kVerifier;  // SOP step 5: Verifikator Sertifikat Elektronik
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

std::optional<std::string> DispositionChain::DocumentKindName(int kind) {
  switch (kind) {
    case 1:
      return "REQUEST_LETTER";
    case 2:
      return "BSRE_FORM";
    case 3:
      return "KTP_COPY";
    case 4:
      return "SK_COPY";
    default:
      return std::nullopt;
  }
}

absl::Status DispositionChain::ValidateOpen(const OpenInput& in) {
  FieldViolations v;
  CheckId(v, "application_id", in.application_id);
  CheckId(v, "request_id", in.request_id);
  // The chain shows who applies and notifies them (Return/Reject), so a name and an address
  // are needed; intake has validated the rest at step 1.
  if (in.applicant.full_name.empty()) {
    v.Add("applicant.full_name", "is required");
  } else {
    v.AddIfError("applicant.full_name", ValidateText(in.applicant.full_name, 128, false));
  }
  if (in.applicant.email.empty()) {
    v.Add("applicant.email", "is required");
  } else {
    v.AddIfError("applicant.email", ValidateEmail(in.applicant.email));
  }
  if (!v.empty()) return v.ToStatus("the OpenCase request is invalid");
  return absl::OkStatus();
}

absl::Status DispositionChain::ValidateRequestKey(absl::string_view application_id,
                                                  absl::string_view request_id,
                                                  absl::string_view reason) {
  FieldViolations v;
  CheckId(v, "application_id", application_id);
  CheckId(v, "request_id", request_id);
  CheckText(v, "reason", reason, /*required=*/false);
  if (!v.empty()) return v.ToStatus("the request is invalid");
  return absl::OkStatus();
}

absl::Status DispositionChain::ValidateForward(absl::string_view application_id,
                                               int64_t expected_version, absl::string_view note) {
  FieldViolations v;
  CheckId(v, "application_id", application_id);
  CheckVersion(v, expected_version);
  CheckText(v, "note", note, /*required=*/false);
  if (!v.empty()) return v.ToStatus("the Forward request is invalid");
  return absl::OkStatus();
}

absl::Status DispositionChain::ValidateVerify(absl::string_view application_id,
                                              int64_t expected_version, const Checklist& checklist,
                                              absl::string_view note) {
  FieldViolations v;
  CheckId(v, "application_id", application_id);
  CheckVersion(v, expected_version);
  // SOP step 5: the verifier checks the completeness of the application; every item must be
  // confirmed, and each one that is not is named.
  constexpr absl::string_view kUnconfirmed = "must be confirmed before the request goes to the CA";
  if (!checklist.request_letter_ok) v.Add("checklist.request_letter_ok", std::string(kUnconfirmed));
  if (!checklist.bsre_form_ok) v.Add("checklist.bsre_form_ok", std::string(kUnconfirmed));
  if (!checklist.ktp_copy_ok) v.Add("checklist.ktp_copy_ok", std::string(kUnconfirmed));
  if (!checklist.sk_copy_ok) v.Add("checklist.sk_copy_ok", std::string(kUnconfirmed));
  if (!checklist.identity_matches_documents) {
    v.Add("checklist.identity_matches_documents", std::string(kUnconfirmed));
  }
  CheckText(v, "note", note, /*required=*/false);
  if (!v.empty()) return v.ToStatus("the Verify request is invalid");
  return absl::OkStatus();
}

absl::Status DispositionChain::ValidateReturn(absl::string_view application_id,
                                              int64_t expected_version, absl::string_view reason,
                                              const std::vector<int>& kinds) {
  FieldViolations v;
  CheckId(v, "application_id", application_id);
  CheckVersion(v, expected_version);
  CheckText(v, "reason", reason, /*required=*/true);
  if (kinds.empty()) v.Add("missing_documents", "name at least one document to resubmit");
  std::set<int> seen;
  for (size_t i = 0; i < kinds.size(); ++i) {
    std::string field = absl::StrCat("missing_documents[", i, "]");
    if (!DocumentKindName(kinds[i]).has_value()) {
      v.Add(field, "must be REQUEST_LETTER, BSRE_FORM, KTP_COPY or SK_COPY");
    } else if (!seen.insert(kinds[i]).second) {
      v.Add(field, "is listed twice");
    }
  }
  if (!v.empty()) return v.ToStatus("the Return request is invalid");
  return absl::OkStatus();
}

absl::Status DispositionChain::ValidateReject(absl::string_view application_id,
                                              int64_t expected_version, absl::string_view reason) {
  FieldViolations v;
  CheckId(v, "application_id", application_id);
  CheckVersion(v, expected_version);
  CheckText(v, "reason", reason, /*required=*/true);
  if (!v.empty()) return v.ToStatus("the Reject request is invalid");
  return absl::OkStatus();
}

absl::Status DispositionChain::CheckAction(const CaseRecord* current, int64_t expected_version,
                                           const RoleSet& caller, CaseAction action) {
  if (current == nullptr) return absl::NotFoundError("no such case");
  if (expected_version != current->version) {
    // The loser of a race always learns that its view is stale.
    return absl::AbortedError(absl::StrCat("the case is at version ", current->version,
                                           ", not ", expected_version, "; reload it"));
  }
  std::optional<Role> step_role = RoleForStep(current->current_step);
  if (!step_role.has_value() || !caller.Contains(*step_role)) {
    return absl::PermissionDeniedError(
        absl::StrCat("step ", current->current_step, " is acted on by ",
                     step_role.has_value() ? RoleName(*step_role) : "nobody"));
  }
  if (current->status != CaseStatus::kInReview) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the case is ", CaseStatusName(current->status), "; ", CaseActionName(action),
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

TimelineEntry DispositionChain::ServiceEntry(int step, absl::string_view action,
                                             const Actor& actor, const std::string& note,
                                             absl::Time now) {
  TimelineEntry e;
  e.step = step;
  e.action = std::string(action);
  e.actor_sub = actor.sub;
  e.actor_role = std::string(RoleName(Role::kService));
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

absl::StatusOr<CaseChange> DispositionChain::Forward(const CaseRecord* current,
                                                     int64_t expected_version, const Actor& actor,
                                                     const std::string& note) const {
  if (absl::Status s = CheckAction(current, expected_version, actor.roles, CaseAction::kForward);
      !s.ok()) {
    return s;
  }
  const absl::Time now = clock_->Now();
  CaseChange ch = UpdateOf(*current, now);
  // SOP steps 2-4: review done; disposition to the next role with the note as instruction.
  ch.entry = OfficialEntry(*current, "FORWARDED", actor, note, now);
  ch.after.current_step = current->current_step + 1;
  ch.after.step_entered_at = now;
  ch.audit = AuditNote{.actor_sub = actor.sub,
                       .actor_role = ch.entry->actor_role,
                       .action = "FORWARDED",
                       .details = {{"from_step", current->current_step},
                                   {"to_step", ch.after.current_step},
                                   {"version", ch.after.version}}};
  return ch;
}

absl::StatusOr<CaseChange> DispositionChain::Verify(const CaseRecord* current,
                                                    int64_t expected_version, const Actor& actor,
                                                    const Checklist& checklist,
                                                    const std::string& note) const {
  if (absl::Status s = CheckAction(current, expected_version, actor.roles, CaseAction::kVerify);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateVerify(current->application_id, expected_version, checklist, note);
      !s.ok()) {
    return s;
  }
  const absl::Time now = clock_->Now();
  CaseChange ch = UpdateOf(*current, now);
  // SOP step 5: completeness checked; the request goes to the BSrE service (the CA).
  ch.entry = OfficialEntry(*current, "VERIFIED", actor, note, now);
  ch.after.status = CaseStatus::kSentToCa;
  ch.after.checklist_confirmed = true;
  ch.audit = AuditNote{.actor_sub = actor.sub,
                       .actor_role = ch.entry->actor_role,
                       .action = "VERIFIED",
                       .details = {{"step", current->current_step},
                                   {"checklist", "all confirmed"},
                                   {"version", ch.after.version}}};
  return ch;
}

absl::StatusOr<CaseChange> DispositionChain::Return(
    const CaseRecord* current, int64_t expected_version, const Actor& actor,
    const std::string& reason, const std::vector<std::string>& missing_documents) const {
  if (absl::Status s = CheckAction(current, expected_version, actor.roles, CaseAction::kReturn);
      !s.ok()) {
    return s;
  }
  const absl::Time now = clock_->Now();
  CaseChange ch = UpdateOf(*current, now);
  ch.entry = OfficialEntry(*current, "RETURNED", actor, reason, now);
  // The case stays at the step that returned it, so ResumeCase brings it back there.
  ch.after.status = CaseStatus::kReturned;
  ch.after.return_reason = reason;
  ch.after.missing_documents = missing_documents;
  ch.audit = AuditNote{.actor_sub = actor.sub,
                       .actor_role = ch.entry->actor_role,
                       .action = "RETURNED",
                       .details = {{"step", current->current_step},
                                   {"reason", reason},
                                   {"missing_documents", absl::StrJoin(missing_documents, ",")},
                                   {"version", ch.after.version}}};
  return ch;
}

absl::StatusOr<CaseChange> DispositionChain::Reject(const CaseRecord* current,
                                                    int64_t expected_version, const Actor& actor,
                                                    const std::string& reason) const {
  if (absl::Status s = CheckAction(current, expected_version, actor.roles, CaseAction::kReject);
      !s.ok()) {
    return s;
  }
  const absl::Time now = clock_->Now();
  CaseChange ch = UpdateOf(*current, now);
  ch.entry = OfficialEntry(*current, "REJECTED", actor, reason, now);
  ch.after.status = CaseStatus::kRejected;  // final
  ch.audit = AuditNote{.actor_sub = actor.sub,
                       .actor_role = ch.entry->actor_role,
                       .action = "REJECTED",
                       .details = {{"step", current->current_step},
                                   {"reason", reason},
                                   {"version", ch.after.version}}};
  return ch;
}

namespace {

// A request id used before: for the same case and kind it is a repeat (answered with the case
// as it stands); anything else reuses the key for a different request.
absl::StatusOr<bool> IsRepeat(const std::optional<SeenRequest>& seen,
                              const std::string& application_id, absl::string_view kind) {
  if (!seen.has_value()) return false;
  if (seen->application_id != application_id || seen->kind != kind) {
    return absl::AlreadyExistsError(absl::StrCat("request_id was already used for another ",
                                                 "request (", seen->kind, ")"));
  }
  return true;
}

}  // namespace

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
  ch.audit = AuditNote{.actor_sub = actor.sub,
                       .actor_role = "SERVICE",
                       .action = "OPENED",
                       .details = {{"step", kFirstStep}, {"request_id", in.request_id}}};
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
  ch.audit = AuditNote{.actor_sub = actor.sub,
                       .actor_role = "SERVICE",
                       .action = "RESUMED",
                       .details = {{"step", current->current_step},
                                   {"request_id", request_id},
                                   {"version", ch.after.version}}};
  return ch;
}

absl::StatusOr<CaseChange> DispositionChain::Withdraw(const CaseRecord* current,
                                                      const std::optional<SeenRequest>& seen,
                                                      const std::string& application_id,
                                                      const std::string& request_id,
                                                      const std::string& reason,
                                                      const Actor& actor) const {
  if (current == nullptr) return absl::NotFoundError("no such case");
  absl::StatusOr<bool> repeat = IsRepeat(seen, application_id, "WITHDRAW");
  if (!repeat.ok()) return repeat.status();
  if (*repeat || current->status == CaseStatus::kWithdrawn) {
    CaseChange none;  // kNone
    if (!*repeat) {
      none.request_id = request_id;
      none.request_kind = "WITHDRAW";
    }
    return none;
  }
  if (current->status != CaseStatus::kInReview && current->status != CaseStatus::kReturned) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the case is ", CaseStatusName(current->status), "; only a case not yet sent to the CA ",
        "can be withdrawn"));
  }
  const absl::Time now = clock_->Now();
  CaseChange ch = UpdateOf(*current, now);
  ch.request_id = request_id;
  ch.request_kind = "WITHDRAW";
  ch.after.status = CaseStatus::kWithdrawn;
  ch.entry = ServiceEntry(current->current_step, "WITHDRAWN", actor, reason, now);
  ch.audit = AuditNote{.actor_sub = actor.sub,
                       .actor_role = "SERVICE",
                       .action = "WITHDRAWN",
                       .details = {{"step", current->current_step},
                                   {"request_id", request_id},
                                   {"version", ch.after.version}}};
  return ch;
}

}  // namespace sertel::disposition
