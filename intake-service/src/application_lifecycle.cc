#include "application_lifecycle.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/notification_order.h"
#include "field_checks.h"
#include "intake_payloads.h"
#include "progress_mirror.h"
#include "sop_status.h"
#include "submission_rules.h"

namespace sertel::intake {
namespace {

// The documents as stored: the type their bytes show, their SHA-256 and size, version 1.
std::vector<DocumentRecord> DocumentRecords(const std::vector<DocumentInput>& in, absl::Time at) {
  std::vector<DocumentRecord> out;
  out.reserve(in.size());
  for (const DocumentInput& d : in) {
    out.push_back({.kind = d.kind,
                   .version = 1,
                   .filename = d.filename,
                   .content_type = SniffDocumentType(d.content),
                   .content = d.content,
                   .sha256 = Sha256Hex(d.content),
                   .size_bytes = static_cast<int64_t>(d.content.size()),
                   .uploaded_at = at});
  }
  return out;
}

// SOP step 1: the applicant is told that the application arrived.
OutboxItem ReceiptItem(const ApplicationRecord& a) {
  return NotificationOutboxItem(
      {.request_id = absl::StrCat("intake:receipt:", a.id),
       .application_id = a.id,
       .channel = NotifyChannel::kEmail,
       .recipient = a.applicant.email,
       .template_name = NotifyTemplate::kSubmissionReceived,
       .params = {{"full_name", a.applicant.full_name}, {"application_id", a.id}},
       .attachments = {}});
}

// The state an update starts from: the row's columns, without documents or timeline.
ApplicationRecord RowOf(const ApplicationRecord& a) {
  ApplicationRecord row = a;
  row.documents.clear();
  row.timeline.clear();
  return row;
}

}  // namespace

absl::Time ApplicationLifecycle::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock_->Now()));
}

TimelineRecord ApplicationLifecycle::Entry(absl::string_view action, const Actor& actor,
                                           std::string note, absl::Time at) {
  return {.step = kStepSubmission,
          .action = std::string(action),
          .actor_sub = actor.sub,
          .actor_role = actor.role,
          .note = std::move(note),
          .at = at};
}

AuditEntry ApplicationLifecycle::Audit(absl::string_view action, const Actor& actor,
                                       const std::string& id) {
  return {.actor_sub = actor.sub,
          .actor_role = actor.role,
          .action = std::string(action),
          .entity_type = "application",
          .entity_id = id};
}

ApplicationRecord ApplicationLifecycle::Draft(const SubmissionInput& in, std::string id,
                                              std::string request_hash) const {
  absl::Time now = Now();
  ApplicationRecord a;
  a.id = std::move(id);
  a.request_id = in.request_id;
  a.request_hash = std::move(request_hash);
  a.applicant = in.applicant;
  a.note = in.note;
  a.status = ApplicationStatus::kSubmitted;
  a.created_at = a.updated_at = now;
  a.documents = DocumentRecords(in.documents, now);
  return a;
}

absl::StatusOr<ApplicationChange> ApplicationLifecycle::Submit(const SeenBefore& seen,
                                                               const ApplicationRecord& draft,
                                                               const Actor& actor) const {
  ApplicationChange change;
  if (seen.request.has_value()) {
    // Idempotency on request_id: the same payload is the same application (this wins over the
    // one-open-application rule: that application is the open one).
    if (seen.request->request_hash != draft.request_hash) {
      return absl::AlreadyExistsError(
          "this request_id was already used for a different application");
    }
    change.application_id = seen.request->application_id;
    return change;
  }
  if (seen.open_application.has_value()) {
    // One open application per person: a new one only once the last is final.
    return absl::FailedPreconditionError(absl::StrCat(
        "the applicant already has an open application, ", seen.open_application->id, " (",
        SopStatusColumn(seen.open_application->status),
        "); a new one can be submitted once it is REJECTED, WITHDRAWN, HANDED_OVER or REVOKED "
        "(withdraw it first, or ask for a revocation)"));
  }
  change.kind = ApplicationChange::Kind::kInsert;
  change.application_id = draft.id;
  change.after = RowOf(draft);
  change.new_documents = draft.documents;
  change.entry = Entry("SUBMITTED", actor, draft.note, draft.created_at);
  AuditEntry audit = Audit("SUBMITTED", actor, draft.id);
  audit.details["request_id"] = draft.request_id;
  audit.details["nik"] = draft.applicant.nik;
  audit.details["unit"] = draft.applicant.unit;
  nlohmann::json docs = nlohmann::json::array();
  for (const DocumentRecord& d : draft.documents) {
    docs.push_back({{"kind", d.kind},
                    {"version", 1},
                    {"sha256", d.sha256},
                    {"size_bytes", d.size_bytes},
                    {"content_type", d.content_type}});
  }
  audit.details["documents"] = docs;
  change.audit = std::move(audit);
  // Routing starts at step 2 (disposition), and the applicant gets a receipt.
  change.outbox = {OpenCaseItem(draft), ReceiptItem(draft)};
  return change;
}

absl::Status ApplicationLifecycle::CheckCanResubmit(ApplicationStatus own, const CaseView* kase) {
  if (own == ApplicationStatus::kWithdrawn) {
    return absl::FailedPreconditionError("the application was withdrawn");
  }
  if (kase == nullptr) {
    return absl::FailedPreconditionError(
        "documents can be resubmitted only when the application is RETURNED; it has not "
        "reached review yet");
  }
  if (kase->status != CaseStatus::kReturned) {
    return absl::FailedPreconditionError(
        absl::StrCat("documents can be resubmitted only when the application is RETURNED; it is ",
                     ApplicationStatusName(ApplicationStatusOf(kase->status))));
  }
  return absl::OkStatus();
}

absl::Status ApplicationLifecycle::CheckCanWithdraw(ApplicationStatus own, const CaseView* kase,
                                                    const EnrollmentView* enrollment) {
  constexpr absl::string_view kSentToCa =
      "the application was already sent to the CA and can no longer be withdrawn; ask the "
      "verifier to revoke the certificate instead";
  if (own == ApplicationStatus::kWithdrawn) {
    return absl::FailedPreconditionError("the application is already withdrawn");
  }
  if (enrollment != nullptr && enrollment->status != EnrollmentStatus::kUnspecified) {
    return absl::FailedPreconditionError(kSentToCa);
  }
  if (kase == nullptr) return absl::OkStatus();
  switch (kase->status) {
    case CaseStatus::kSentToCa:
      return absl::FailedPreconditionError(kSentToCa);
    case CaseStatus::kRejected:
      return absl::FailedPreconditionError("the application was rejected; it is final");
    default:
      // IN_REVIEW, RETURNED, or WITHDRAWN at disposition while intake did not follow yet.
      return absl::OkStatus();
  }
}

std::string ApplicationLifecycle::ResubmissionHash(const ResubmissionInput& in) {
  std::vector<std::string> docs;
  for (const DocumentInput& d : in.documents) {
    docs.push_back(absl::StrCat(d.kind, ":", d.filename.size(), ":", d.filename, ":",
                                d.content_type.size(), ":", d.content_type, ":",
                                Sha256Hex(d.content)));
  }
  std::sort(docs.begin(), docs.end());
  std::string canonical = absl::StrCat("sertel.intake.resubmit.v1;", in.application_id.size(), ":",
                                       in.application_id, ";");
  for (const std::string& d : docs) absl::StrAppend(&canonical, d.size(), ":", d, ";");
  return Sha256Hex(canonical);
}

absl::StatusOr<bool> ApplicationLifecycle::IsRepeatedResubmission(
    const std::optional<SeenRequest>& seen, const std::string& application_id,
    const std::string& request_hash) {
  if (!seen.has_value()) return false;
  if (seen->application_id != application_id || seen->request_hash != request_hash) {
    return absl::AlreadyExistsError(
        "this request_id was already used for a different resubmission");
  }
  return true;
}

absl::StatusOr<ApplicationChange> ApplicationLifecycle::Resubmit(
    const ApplicationRecord* current, const std::optional<SeenRequest>& seen,
    const ResubmissionInput& in, const std::string& request_hash, const CaseView& kase,
    const Actor& actor) const {
  if (current == nullptr) return absl::NotFoundError("no such application");
  ApplicationChange change;
  change.application_id = current->id;
  absl::StatusOr<bool> repeat = IsRepeatedResubmission(seen, current->id, request_hash);
  if (!repeat.ok()) return repeat.status();
  if (*repeat) return change;  // the same one again: the first answer, nothing new
  if (current->status != ApplicationStatus::kSubmitted) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the application is ", StoredStatusName(current->status), "; nothing can be resubmitted"));
  }
  if (current->last_resubmitted_at.has_value() && kase.step_entered_at.has_value() &&
      *current->last_resubmitted_at >= *kase.step_entered_at) {
    // Another resubmission came in since the case was returned: it is resuming already.
    return absl::FailedPreconditionError(
        "the documents were already resubmitted since the application was returned; it is "
        "resuming review");
  }

  absl::Time now = Now();
  change.kind = ApplicationChange::Kind::kResubmit;
  change.new_documents = DocumentRecords(in.documents, now);
  nlohmann::json replaced = nlohmann::json::array();
  std::vector<std::string> kinds;
  for (DocumentRecord& d : change.new_documents) {
    std::string old_sha;
    for (const DocumentRecord& c : current->documents) {
      if (c.kind == d.kind) {
        d.version = c.version + 1;
        old_sha = c.sha256;
      }
    }
    // The old version stays in its row; the audit trail names what it replaced.
    replaced.push_back({{"kind", d.kind},
                        {"version", d.version},
                        {"sha256", d.sha256},
                        {"size_bytes", d.size_bytes},
                        {"replaced_sha256", old_sha}});
    kinds.push_back(DocumentKindName(d.kind));
  }
  int n = current->resubmissions + 1;
  change.after = RowOf(*current);
  change.after.resubmissions = n;
  change.after.last_resubmit_key = in.request_id;
  change.after.last_resubmitted_at = now;
  change.after.updated_at = now;
  Rederive(&change.after);  // RETURNED with the documents back: IN_REVIEW
  if (!in.request_id.empty()) {
    change.resubmission_key = ApplicationChange::Key{in.request_id, request_hash};
  }
  change.entry = Entry("RESUBMITTED", actor, absl::StrJoin(kinds, ","), now);
  change.audit = Audit("RESUBMITTED", actor, current->id);
  change.audit->details["resubmission"] = n;
  change.audit->details["documents"] = replaced;
  // Routing resumes at the step that returned it (disposition's ResumeCase).
  change.outbox = {ResumeCaseItem(current->id, n)};
  return change;
}

absl::StatusOr<ApplicationChange> ApplicationLifecycle::Withdraw(const ApplicationRecord* current,
                                                                 const WithdrawalInput& in,
                                                                 const CaseView& withdrawn,
                                                                 const Actor& actor) const {
  if (current == nullptr) return absl::NotFoundError("no such application");
  ApplicationChange change;
  change.application_id = current->id;
  // A concurrent withdrawal wrote it first; disposition agreed to both.
  if (current->status == ApplicationStatus::kWithdrawn) return change;
  absl::Time now = Now();
  change.kind = ApplicationChange::Kind::kWithdraw;
  change.after = RowOf(*current);
  change.after.status = ApplicationStatus::kWithdrawn;
  change.after.withdraw_reason = in.reason;
  change.after.updated_at = now;
  // Disposition's answer is the case's newest state: the mirror takes it as its report.
  ApplicationStatus case_status = ApplicationStatusOf(withdrawn.status);
  if (case_status != ApplicationStatus::kUnspecified && withdrawn.version > 0) {
    ApplyProgressReport({.application_id = current->id,
                         .source = kProgressFromDisposition,
                         .version = withdrawn.version,
                         .status = case_status,
                         .step = withdrawn.current_step,
                         .at = now,
                         .request_id = ""},
                        &change.after.progress);
  }
  Rederive(&change.after);
  change.entry = Entry("WITHDRAWN", actor, in.reason, now);
  change.audit = Audit("WITHDRAWN", actor, current->id);
  change.audit->details["reason"] = in.reason;
  change.audit->details["case_version"] = withdrawn.version;
  return change;
}

absl::StatusOr<ApplicationChange> ApplicationLifecycle::RecordProgress(
    const ApplicationRecord* current, const ProgressInput& in) const {
  if (current == nullptr) return absl::NotFoundError("no such application");
  ApplicationChange change;
  change.application_id = current->id;
  change.after = RowOf(*current);
  if (!ApplyProgressReport(in, &change.after.progress)) return change;  // older or repeated
  change.kind = ApplicationChange::Kind::kProgress;
  Rederive(&change.after);
  if (change.after.sop_status != current->sop_status ||
      change.after.sop_step != current->sop_step) {
    change.after.updated_at = Now();  // when its status across the SOP last changed
  }
  return change;
}

}  // namespace sertel::intake
