// What intake-service keeps and answers about an application (SOP step 1), what it learns from
// the services after it (disposition's case, certificate's enrollment), and the change one call
// makes, as plain structs: no protobuf, no SQL. intake_proto.cc maps them to and from sertel.v1;
// the enums carry sertel.v1's numbers.
//
//   ApplicationView v = manager.Get(caller, id).value();
//   if (v.sop.status == ApplicationStatus::kReturned) { ... v.sop.return_reason ... }
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
#include "unit_registry.h"

namespace sertel::intake {

// The API's name, "APPLICATION_STATUS_IN_REVIEW" (error messages quote it); "" when unknown.
absl::string_view ApplicationStatusName(ApplicationStatus status);
// Intake's own column value: "SUBMITTED" or "WITHDRAWN".
absl::string_view StoredStatusName(ApplicationStatus status);
ApplicationStatus ParseStoredStatus(absl::string_view name);  // anything else -> kSubmitted
// The API's name without its prefix, "IN_REVIEW" (the sop_status column); "" when unknown.
absl::string_view SopStatusColumn(ApplicationStatus status);
ApplicationStatus ParseSopStatusColumn(absl::string_view name);  // unknown -> kUnspecified
// An application in one of these statuses is open: its person may not submit another one.
bool IsOpenStatus(ApplicationStatus status);

// sertel.v1.EnrollmentStatus: certificate's view (SOP steps 5-7).
enum class EnrollmentStatus : int {
  kUnspecified = 0,
  kAwaitingPassphrase = 1,
  kIssued = 2,
  kHandedOver = 3,
  kRevoked = 4,
};
absl::string_view EnrollmentStatusName(EnrollmentStatus status);  // "ISSUED", ...; "" for none
EnrollmentStatus ParseEnrollmentStatus(absl::string_view name);   // unknown -> kUnspecified

// sertel.v1.Step numbers intake's rules name.
inline constexpr int kStepUnspecified = 0;
inline constexpr int kStepSubmission = 1;  // SOP step 1, intake's own
inline constexpr int kStepPassphrase = 6;
inline constexpr int kStepHandover = 7;

struct ApplicantRecord {
  std::string nik;
  std::string nip;
  std::string full_name;
  std::string email;
  std::string phone;
  std::string unit;  // a code of the unit registry (unit_registry.h)
  std::string position;
  // The unit's name in the certificate's OU, from the registry at step 1 (not stored: it
  // travels in the OpenCase request; empty when read back).
  std::string certificate_ou;
};

// A document as the caller hands it in (SubmitApplication, ResubmitDocuments).
struct DocumentInput {
  int kind = 0;  // sertel.v1.DocumentKind
  std::string filename;
  std::string content_type;  // as declared; the stored type is sniffed from the bytes
  std::string content;
};

struct SubmissionInput {
  std::string request_id;
  ApplicantRecord applicant;
  std::vector<DocumentInput> documents;
  std::string note;
};

struct ResubmissionInput {
  std::string application_id;
  std::string request_id;  // optional idempotency key of this resubmission
  std::vector<DocumentInput> documents;
};

struct WithdrawalInput {
  std::string application_id;
  std::string reason;
};

// sertel.v1.ProgressSource: who reports progress through IntakeService.RecordProgress.
inline constexpr int kProgressFromDisposition = 1;  // the case (SOP steps 2-5)
inline constexpr int kProgressFromCertificate = 2;  // the enrollment (SOP steps 5-7)

// One progress report (IntakeService.RecordProgress).
struct ProgressInput {
  std::string application_id;
  int source = 0;       // kProgressFromDisposition or kProgressFromCertificate
  int64_t version = 0;  // the case's or the enrollment's version after the change
  ApplicationStatus status = ApplicationStatus::kUnspecified;
  int step = kStepUnspecified;
  std::optional<absl::Time> at;
  std::string request_id;  // the reporter's outbox key (informational)
};

// The latest report of each source that intake applied (progress_mirror.h).
struct ProgressMirror {
  CaseStatus case_status = CaseStatus::kUnspecified;  // kUnspecified: no report yet
  int case_step = kStepUnspecified;
  int64_t case_version = 0;
  std::optional<absl::Time> case_reported_at;
  EnrollmentStatus enrollment_status = EnrollmentStatus::kUnspecified;
  int enrollment_step = kStepUnspecified;
  int64_t enrollment_version = 0;
  std::optional<absl::Time> enrollment_reported_at;
};

struct ListQuery {
  int page_size = 0;
  std::string page_token;
  ApplicationStatus status = ApplicationStatus::kUnspecified;  // filter on intake's own status
  std::string unit;
  std::string nik;
};

// IntakeService.ListUnits: the unit registry, by code.
struct UnitQuery {
  int page_size = 0;
  std::string page_token;
};

struct UnitPage {
  std::vector<UnitRecord> units;
  std::string next_page_token;
};

struct DocumentQuery {
  std::string application_id;
  int kind = 0;
};

struct DocumentRecord {
  int kind = 0;  // sertel.v1.DocumentKind
  int version = 1;
  std::string filename;
  std::string content_type;  // sniffed from the bytes
  std::string content{};     // empty unless asked for (GetDocument) or being written
  std::string sha256;
  int64_t size_bytes = 0;
  absl::Time uploaded_at;
};

// One timeline entry: intake's own (step 1, stored without the durations) or one of the case's
// or the enrollment's.
struct TimelineRecord {
  int step = kStepSubmission;
  std::string action;
  std::string actor_sub;
  std::string actor_role;
  std::string note;
  absl::Time at;
  std::optional<absl::Duration> duration{};           // waited at `step` before this
  std::optional<absl::Duration> standard_duration{};  // the SOP's standard time of `step`
  bool within_standard = false;
};

struct ApplicationRecord {
  std::string id;
  std::string request_id;
  std::string request_hash;
  ApplicantRecord applicant;
  std::string note;
  ApplicationStatus status = ApplicationStatus::kSubmitted;  // kSubmitted or kWithdrawn
  int resubmissions = 0;
  std::string last_resubmit_key;
  std::optional<absl::Time> last_resubmitted_at;
  std::string withdraw_reason;
  absl::Time created_at;
  absl::Time updated_at;
  // What disposition and certificate reported, and the status across the SOP derived from it
  // and intake's own status (progress_mirror.h): what ListApplications filters and shows.
  ProgressMirror progress;
  ApplicationStatus sop_status = ApplicationStatus::kSubmitted;
  int sop_step = kStepSubmission;
  // False for an application submitted before intake mirrored progress (not counted by the
  // one-open-application rule).
  bool mirror_complete = true;
  std::vector<DocumentRecord> documents;  // current version of each kind, no content
  std::vector<TimelineRecord> timeline;   // intake's own entries, oldest first
};

// Disposition's case as intake reads it (GetCase).
struct CaseView {
  CaseStatus status = CaseStatus::kUnspecified;
  int current_step = kStepUnspecified;
  int64_t version = 0;
  std::optional<absl::Time> step_entered_at{};
  std::string return_reason;
  std::vector<int> missing_documents;  // sertel.v1.DocumentKind
  std::vector<TimelineRecord> timeline;
  std::optional<AttentionRecord> attention{};  // Case.attention: a DEAD row at disposition
};

// Certificate's enrollment as intake reads it (GetEnrollment).
struct EnrollmentView {
  EnrollmentStatus status = EnrollmentStatus::kUnspecified;
  int current_step = kStepUnspecified;
  std::vector<TimelineRecord> timeline;
  std::optional<AttentionRecord> attention{};  // Enrollment.attention: a DEAD row at certificate
};

// What intake itself knows for the whole-SOP status: its status and its step-1 entries.
struct IntakeView {
  ApplicationStatus status = ApplicationStatus::kSubmitted;
  std::vector<TimelineRecord> timeline;
  // The last ResubmitDocuments, if any: a RETURNED case older than this is already resuming.
  std::optional<absl::Time> last_resubmitted_at;
};

// Where an application stands across the whole SOP (sop_status.h).
struct SopView {
  ApplicationStatus status = ApplicationStatus::kUnspecified;
  int current_step = kStepUnspecified;
  std::vector<TimelineRecord> timeline;  // oldest first
  std::string return_reason;             // when RETURNED
  std::vector<int> missing_documents;    // when RETURNED
  // What waits for an operator (Application.attention): SopStatus::PickAttention.
  std::optional<AttentionRecord> attention{};
};

// What the manager answers: the stored application and where it stands.
struct ApplicationView {
  ApplicationRecord application;
  SopView sop;
};

struct ApplicationPage {
  std::vector<ApplicationView> applications;
  std::string next_page_token;  // empty on the last page
};

// The store's list filter (keyset paging over (created_at, id), newest first).
struct ListFilter {
  std::string status;  // "" = any; else SopStatusColumn (the status across the SOP)
  std::string unit;
  std::string nik;
  bool has_cursor = false;
  int64_t cursor_created_micros = 0;  // strictly older than (created_at, id)
  std::string cursor_id;
  int limit = 50;
};

// The idempotency key a change is made under; IntakeStore::Apply looks up what it made before.
struct RequestKey {
  enum class Kind {
    kNone,
    kSubmission,    // SubmitApplication's request_id (applications.request_id)
    kResubmission,  // ResubmitDocuments' request_id (resubmission_requests)
  };
  Kind kind = Kind::kNone;
  std::string id;
};

// What a request_id made before: the application and the hash of that request's payload.
struct SeenRequest {
  std::string application_id;
  std::string request_hash;
};

// A person's open application (not REJECTED, WITHDRAWN, HANDED_OVER or REVOKED).
struct OpenApplication {
  std::string id;
  ApplicationStatus status = ApplicationStatus::kSubmitted;
};

// What IntakeStore::Apply found before the change is decided, inside its transaction.
struct SeenBefore {
  std::optional<SeenRequest> request{};  // what the change's RequestKey made before, if any
  // Set when a submission's insert met the applicant's open application (the one-open rule).
  std::optional<OpenApplication> open_application{};
};

// What one call does to an application; IntakeStore::Apply writes it in one transaction.
struct ApplicationChange {
  enum class Kind {
    kNone,      // nothing to write: answer with `application_id` (an idempotent repeat)
    kInsert,    // a new application `after`, with `new_documents` at version 1
    kResubmit,  // `new_documents` as new versions; `after` carries the counters
    kWithdraw,  // SUBMITTED -> WITHDRAWN; `after` carries the reason
    kProgress,  // only `after`'s progress mirror and derived status (RecordProgress)
  };
  Kind kind = Kind::kNone;
  std::string application_id;
  ApplicationRecord after;
  std::vector<DocumentRecord> new_documents;  // with their bytes
  // kResubmit under a request_id: the key and its payload's hash, remembered for its repeats.
  struct Key {
    std::string request_id;
    std::string request_hash;
  };
  std::optional<Key> resubmission_key;
  std::optional<TimelineRecord> entry;
  std::vector<OutboxItem> outbox;  // in the order they are enqueued
  std::optional<AuditEntry> audit;
};

}  // namespace sertel::intake
