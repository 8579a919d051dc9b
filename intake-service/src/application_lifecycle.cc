#include "application_lifecycle.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/notification_order.h"
#include "field_checks.h"
#include "intake_payloads.h"
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

absl::StatusOr<ApplicationChange> ApplicationLifecycle::Submit(
    const std::optional<SeenRequest>& seen, const ApplicationRecord& draft,
    const Actor& actor) const {
  ApplicationChange change;
  if (seen.has_value()) {
    // Idempotency on request_id: the same payload is the same application.
    if (seen->request_hash != draft.request_hash) {
      return absl::AlreadyExistsError(
          "this request_id was already used for a different application");
    }
    change.application_id = seen->application_id;
    return change;
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
                     ApplicationStatusName(SopStatus::FromCaseStatus(kase->status))));
  }
  return absl::OkStatus();
}

absl::Status ApplicationLifecycle::CheckCanWithdraw(ApplicationStatus own, const CaseView* kase,
                                                    const EnrollmentView* enrollment) {
  if (own == ApplicationStatus::kWithdrawn) {
    return absl::FailedPreconditionError("the application is already withdrawn");
  }
  if (enrollment != nullptr && enrollment->status != EnrollmentStatus::kUnspecified) {
    return absl::FailedPreconditionError(
        "the application was already sent to the CA and can no longer be withdrawn");
  }
  if (kase == nullptr) return absl::OkStatus();
  switch (kase->status) {
    case CaseStatus::kSentToCa:
      return absl::FailedPreconditionError(
          "the application was already sent to the CA and can no longer be withdrawn");
    case CaseStatus::kRejected:
      return absl::FailedPreconditionError("the application was rejected; it is final");
    case CaseStatus::kWithdrawn:
      return absl::FailedPreconditionError("the application is already withdrawn");
    default:
      return absl::OkStatus();
  }
}

bool ApplicationLifecycle::IsRepeatedResubmission(const ApplicationRecord& a,
                                                  absl::string_view request_id) {
  return !request_id.empty() && request_id == a.last_resubmit_key;
}

absl::StatusOr<ApplicationChange> ApplicationLifecycle::Resubmit(const ApplicationRecord* current,
                                                                 const ResubmissionInput& in,
                                                                 const Actor& actor) const {
  if (current == nullptr) return absl::NotFoundError("no such application");
  if (current->status != ApplicationStatus::kSubmitted) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the application is ", StoredStatusName(current->status), "; nothing can be resubmitted"));
  }
  ApplicationChange change;
  change.application_id = current->id;
  if (IsRepeatedResubmission(*current, in.request_id)) return change;  // the same one again

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
                                                                 const Actor& actor) const {
  if (current == nullptr) return absl::NotFoundError("no such application");
  if (current->status != ApplicationStatus::kSubmitted) {
    return absl::FailedPreconditionError("the application is already withdrawn");
  }
  absl::Time now = Now();
  ApplicationChange change;
  change.kind = ApplicationChange::Kind::kWithdraw;
  change.application_id = current->id;
  change.after = RowOf(*current);
  change.after.status = ApplicationStatus::kWithdrawn;
  change.after.withdraw_reason = in.reason;
  change.after.updated_at = now;
  change.entry = Entry("WITHDRAWN", actor, in.reason, now);
  change.audit = Audit("WITHDRAWN", actor, current->id);
  change.audit->details["reason"] = in.reason;
  change.outbox = {WithdrawCaseItem(current->id, in.reason)};
  return change;
}

}  // namespace sertel::intake
