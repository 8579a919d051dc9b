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
#include "common/change_records.h"

namespace sertel::intake {

// sertel.v1.ApplicationStatus: where an application stands across the whole SOP. Intake itself
// stores only kSubmitted or kWithdrawn; the rest comes from disposition and certificate.
enum class ApplicationStatus : int {
  kUnspecified = 0,
  kSubmitted = 1,
  kInReview = 2,
  kReturned = 3,
  kRejected = 4,
  kWithdrawn = 5,
  kSentToCa = 6,
  kAwaitingPassphrase = 7,
  kIssued = 8,
  kHandedOver = 9,
  kRevoked = 10,
};
// The API's name, "APPLICATION_STATUS_IN_REVIEW" (error messages quote it); "" when unknown.
absl::string_view ApplicationStatusName(ApplicationStatus status);
// Intake's own column value: "SUBMITTED" or "WITHDRAWN".
absl::string_view StoredStatusName(ApplicationStatus status);
ApplicationStatus ParseStoredStatus(absl::string_view name);  // anything else -> kSubmitted

// sertel.v1.CaseStatus: disposition's view (SOP steps 2-5).
enum class CaseStatus : int {
  kUnspecified = 0,
  kInReview = 1,
  kReturned = 2,
  kRejected = 3,
  kSentToCa = 4,
  kWithdrawn = 5,
};

// sertel.v1.EnrollmentStatus: certificate's view (SOP steps 5-7).
enum class EnrollmentStatus : int {
  kUnspecified = 0,
  kAwaitingPassphrase = 1,
  kIssued = 2,
  kHandedOver = 3,
  kRevoked = 4,
};

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
  std::string unit;
  std::string position;
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

struct ListQuery {
  int page_size = 0;
  std::string page_token;
  ApplicationStatus status = ApplicationStatus::kUnspecified;  // filter on intake's own status
  std::string unit;
  std::string nik;
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
  std::vector<DocumentRecord> documents;  // current version of each kind, no content
  std::vector<TimelineRecord> timeline;   // intake's own entries, oldest first
};

// Disposition's case as intake reads it (GetCase).
struct CaseView {
  CaseStatus status = CaseStatus::kUnspecified;
  int current_step = kStepUnspecified;
  std::optional<absl::Time> step_entered_at{};
  std::string return_reason;
  std::vector<int> missing_documents;  // sertel.v1.DocumentKind
  std::vector<TimelineRecord> timeline;
};

// Certificate's enrollment as intake reads it (GetEnrollment).
struct EnrollmentView {
  EnrollmentStatus status = EnrollmentStatus::kUnspecified;
  int current_step = kStepUnspecified;
  std::vector<TimelineRecord> timeline;
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
  std::string status;  // "" = any; else StoredStatusName
  std::string unit;
  std::string nik;
  bool has_cursor = false;
  int64_t cursor_created_micros = 0;  // strictly older than (created_at, id)
  std::string cursor_id;
  int limit = 50;
};

// What the store found under a submission's request_id before the change is decided.
struct SeenRequest {
  std::string application_id;
  std::string request_hash;
};

// What one call does to an application; IntakeStore::Apply writes it in one transaction.
struct ApplicationChange {
  enum class Kind {
    kNone,      // nothing to write: answer with `application_id` (an idempotent repeat)
    kInsert,    // a new application `after`, with `new_documents` at version 1
    kResubmit,  // `new_documents` as new versions; `after` carries the counters
    kWithdraw,  // SUBMITTED -> WITHDRAWN; `after` carries the reason
  };
  Kind kind = Kind::kNone;
  std::string application_id;
  ApplicationRecord after;
  std::vector<DocumentRecord> new_documents;  // with their bytes
  std::optional<TimelineRecord> entry;
  std::vector<OutboxItem> outbox;  // in the order they are enqueued
  std::optional<AuditEntry> audit;
};

}  // namespace sertel::intake
