// disposition-service's plain data: a case as it travels SOP steps 2-5, its timeline, the change
// one action makes (new state + timeline entry + audit entry + outbox items, written by the store
// in one transaction), an inbox page and the SLA report. No protobuf, no SQL.
//
//   CaseRecord c = ...;                 // from DispositionStore
//   absl::Time due = c.step_entered_at + SopStandardTime(c.current_step);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/application_status.h"
#include "common/change_records.h"
#include "common/outbox_attention.h"

namespace sertel::disposition {

// "REQUEST_LETTER", "BSRE_FORM", "KTP_COPY", "SK_COPY" for sertel.v1.DocumentKind 1-4.
std::optional<std::string> DocumentKindName(int kind);

// The audit chain's entity_type of every change this service records.
inline constexpr char kCaseEntityType[] = "case";

struct ApplicantInfo {
  std::string nik, nip, full_name, email, phone, unit, position;
  std::string certificate_ou;  // the unit's OU, as intake resolved it at step 1
};

// SOP step 5: the verifier's completeness check.
struct Checklist {
  bool request_letter_ok = false;
  bool bsre_form_ok = false;
  bool ktp_copy_ok = false;
  bool sk_copy_ok = false;
  bool identity_matches_documents = false;
};

// What intake sends with OpenCase (SOP step 1 done: the request goes to step 2).
struct OpenInput {
  std::string application_id;
  std::string request_id;
  ApplicantInfo applicant;
  std::optional<absl::Time> submitted_at;
};

struct TimelineEntry {
  int step = 0;
  std::string action;  // OPENED, FORWARDED, VERIFIED, RETURNED, REJECTED, RESUMED, WITHDRAWN
  std::string actor_sub;
  std::string actor_role;
  std::string note;
  absl::Time at = absl::UnixEpoch();
  absl::Duration duration = absl::ZeroDuration();           // waited at `step` before this
  absl::Duration standard_duration = absl::ZeroDuration();  // the SOP's standard time
  bool within_standard = true;
  bool counts_for_sla = false;  // an official's action at the step
};

struct CaseRecord {
  std::string application_id;
  CaseStatus status = CaseStatus::kInReview;
  int current_step = 2;
  int64_t version = 1;
  absl::Time opened_at = absl::UnixEpoch();
  absl::Time step_entered_at = absl::UnixEpoch();
  std::optional<absl::Time> submitted_at;
  ApplicantInfo applicant;
  std::string return_reason;
  std::vector<std::string> missing_documents;  // kind names: "KTP_COPY", "SK_COPY"
  bool checklist_confirmed = false;
  absl::Time updated_at = absl::UnixEpoch();
  std::vector<TimelineEntry> timeline;  // oldest first (filled by GetCase-style reads)
  // The newest DEAD outbox row of this case (e.g. certificate.StartEnrollment refused for good),
  // filled by every read that answers a caller; never stored in the case row.
  std::optional<AttentionRecord> attention;
};

// What one call does to a case; DispositionStore::Apply writes it in one transaction.
struct CaseChange {
  enum class Kind { kNone, kInsert, kUpdate };
  Kind kind = Kind::kNone;       // kNone: answer with the current case (idempotent repeat)
  CaseRecord after;              // the new state (kInsert/kUpdate)
  int64_t expected_version = 0;  // kUpdate: the version the row must still have
  std::optional<TimelineEntry> entry;
  std::vector<OutboxItem> outbox;  // the calls owed to other services (common/outbox.h)
  std::optional<AuditEntry> audit;
  // Remember this request id (kind OPEN/RESUME/WITHDRAW) so a repeat is answered, not redone.
  std::string request_id;
  std::string request_kind;
};

// What the store found for a request id before the change is decided.
struct SeenRequest {
  std::string application_id;
  std::string kind;
};

// Keyset position in an inbox: (step_entered_at, application_id) of the last case returned.
struct InboxCursor {
  absl::Time step_entered_at = absl::UnixEpoch();
  std::string application_id;
};

struct InboxPage {
  std::vector<CaseRecord> cases;
  std::string next_page_token;  // empty on the last page
};

// One SOP step's row of the SLA report: how long cases waited there.
struct StepSla {
  int step = 0;
  int64_t count = 0;
  absl::Duration p50, p95, max;
  int64_t exceeded = 0;  // over the SOP's standard time
};

// The period a GetSlaReport asks for; an unset end takes the manager's default.
struct SlaPeriod {
  std::optional<absl::Time> from, to;
};

struct SlaResult {
  absl::Time from, to;
  std::vector<StepSla> steps;  // every SOP step in order
};

}  // namespace sertel::disposition
