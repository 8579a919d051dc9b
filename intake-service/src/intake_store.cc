#include "intake_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/audit_log.h"
#include "common/outbox.h"
#include "common/pg_pool.h"
#include "common/sql_query.h"
#include "intake_queries.h"

namespace sertel::intake {
namespace {

// Timestamps cross the boundary as exact microseconds since the epoch (to_micros/from_micros).
int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }
absl::Time TimeOf(const pqxx::field& us) { return absl::FromUnixMicros(us.as<int64_t>()); }

ApplicationRecord ReadApplication(const pqxx::row& r) {
  ApplicationRecord a;
  a.id = r["id"].as<std::string>();
  a.request_id = r["request_id"].as<std::string>();
  a.request_hash = r["request_hash"].as<std::string>();
  a.applicant = {.nik = r["nik"].as<std::string>(),
                 .nip = r["nip"].as<std::string>(),
                 .full_name = r["full_name"].as<std::string>(),
                 .email = r["email"].as<std::string>(),
                 .phone = r["phone"].as<std::string>(),
                 .unit = r["unit"].as<std::string>(),
                 .position = r["position"].as<std::string>(),
                 .certificate_ou = ""};  // not stored
  a.note = r["note"].as<std::string>();
  a.status = ParseStoredStatus(r["status"].as<std::string>());
  a.resubmissions = r["resubmissions"].as<int>();
  a.last_resubmit_key = r["last_resubmit_key"].as<std::string>();
  if (!r["last_resubmitted_at_us"].is_null()) {
    a.last_resubmitted_at = TimeOf(r["last_resubmitted_at_us"]);
  }
  a.withdraw_reason = r["withdraw_reason"].as<std::string>();
  a.created_at = TimeOf(r["created_at_us"]);
  a.updated_at = TimeOf(r["updated_at_us"]);
  ProgressMirror& m = a.progress;
  m.case_status =
      ParseCaseStatus(r["case_status"].as<std::string>()).value_or(CaseStatus::kUnspecified);
  m.case_step = r["case_step"].as<int>();
  m.case_version = r["case_version"].as<int64_t>();
  if (!r["case_reported_at_us"].is_null()) m.case_reported_at = TimeOf(r["case_reported_at_us"]);
  m.enrollment_status = ParseEnrollmentStatus(r["enrollment_status"].as<std::string>());
  m.enrollment_step = r["enrollment_step"].as<int>();
  m.enrollment_version = r["enrollment_version"].as<int64_t>();
  if (!r["enrollment_reported_at_us"].is_null()) {
    m.enrollment_reported_at = TimeOf(r["enrollment_reported_at_us"]);
  }
  a.sop_status = ParseSopStatusColumn(r["sop_status"].as<std::string>());
  a.sop_step = r["current_step"].as<int>();
  a.mirror_complete = r["mirror_complete"].as<bool>();
  return a;
}

DocumentRecord ReadDocument(const pqxx::row& r) {
  return {.kind = r["kind"].as<int>(),
          .version = r["version"].as<int>(),
          .filename = r["filename"].as<std::string>(),
          .content_type = r["content_type"].as<std::string>(),
          .sha256 = r["sha256"].as<std::string>(),
          .size_bytes = r["size_bytes"].as<int64_t>(),
          .uploaded_at = TimeOf(r["uploaded_at_us"])};
}

std::vector<DocumentRecord> CurrentDocuments(pqxx::work& tx, const std::string& id) {
  std::vector<DocumentRecord> out;
  for (const pqxx::row& r : RunQuery(tx, queries::kSelectCurrentDocuments, id)) {
    out.push_back(ReadDocument(r));
  }
  return out;
}

std::vector<TimelineRecord> Timeline(pqxx::work& tx, const std::string& id) {
  std::vector<TimelineRecord> out;
  for (const pqxx::row& r : RunQuery(tx, queries::kSelectTimeline, id)) {
    out.push_back({.step = r["step"].as<int>(),
                   .action = r["action"].as<std::string>(),
                   .actor_sub = r["actor_sub"].as<std::string>(),
                   .actor_role = r["actor_role"].as<std::string>(),
                   .note = r["note"].as<std::string>(),
                   .at = TimeOf(r["at_us"])});
  }
  return out;
}

// The application with its current documents (no timeline); nullopt when there is none.
std::optional<ApplicationRecord> Load(pqxx::work& tx, const std::string& id, bool for_update) {
  pqxx::result r =
      RunQuery(tx, for_update ? queries::kLockApplication : queries::kSelectApplication, id);
  if (r.empty()) return std::nullopt;
  ApplicationRecord a = ReadApplication(r[0]);
  a.documents = CurrentDocuments(tx, a.id);
  return a;
}

std::optional<SeenRequest> ResubmissionOf(pqxx::transaction_base& tx,
                                          const std::string& request_id) {
  pqxx::result r = RunQuery(tx, queries::kSelectResubmission, request_id);
  if (r.empty()) return std::nullopt;
  return SeenRequest{r[0]["application_id"].as<std::string>(),
                     r[0]["request_hash"].as<std::string>()};
}

// What `key` made before, if anything.
std::optional<SeenRequest> FindRequest(pqxx::work& tx, const RequestKey& key) {
  if (key.id.empty()) return std::nullopt;
  switch (key.kind) {
    case RequestKey::Kind::kNone:
      return std::nullopt;
    case RequestKey::Kind::kResubmission:
      return ResubmissionOf(tx, key.id);
    case RequestKey::Kind::kSubmission:
      break;
  }
  pqxx::result r = RunQuery(tx, queries::kSelectApplicationByRequest, key.id);
  if (r.empty()) return std::nullopt;
  return SeenRequest{r[0]["id"].as<std::string>(), r[0]["request_hash"].as<std::string>()};
}

std::optional<OpenApplication> FindOpenApplication(pqxx::work& tx, const std::string& nik) {
  pqxx::result r = RunQuery(tx, queries::kSelectOpenApplication, nik);
  if (r.empty()) return std::nullopt;
  return OpenApplication{r[0]["id"].as<std::string>(),
                         ParseSopStatusColumn(r[0]["sop_status"].as<std::string>())};
}

// The mirror and the derived status of `a` (every change but the insert, which starts them).
void WriteProgress(pqxx::work& tx, const ApplicationRecord& a) {
  const ProgressMirror& m = a.progress;
  RunQuery(tx, queries::kUpdateApplicationProgress, a.id,
           std::string(CaseStatusName(m.case_status)), m.case_step, m.case_version,
           Micros(m.case_reported_at.value_or(absl::UnixEpoch())), m.case_reported_at.has_value(),
           std::string(EnrollmentStatusName(m.enrollment_status)), m.enrollment_step,
           m.enrollment_version, Micros(m.enrollment_reported_at.value_or(absl::UnixEpoch())),
           m.enrollment_reported_at.has_value(), std::string(SopStatusColumn(a.sop_status)),
           a.sop_step, Micros(a.updated_at));
}

// False when the row was not inserted: its request_id exists already (a concurrent submission
// of the same request) or its NIK has an open application (applications_one_open_per_nik).
bool InsertApplication(pqxx::work& tx, const ApplicationRecord& a) {
  const ApplicantRecord& p = a.applicant;
  pqxx::result r =
      RunQuery(tx, queries::kInsertApplication, a.id, a.request_id, a.request_hash, p.nik, p.nip,
               p.full_name, p.email, p.phone, p.unit, p.position, a.note, Micros(a.created_at));
  return !r.empty();
}

// Everything but the insert of a new application's row.
void Write(pqxx::work& tx, const AuditLog& audit, const ApplicationChange& change) {
  const std::string& id = change.application_id;
  const ApplicationRecord& a = change.after;
  switch (change.kind) {
    case ApplicationChange::Kind::kNone:
      return;
    case ApplicationChange::Kind::kInsert:
      break;
    case ApplicationChange::Kind::kResubmit:
      RunQuery(tx, queries::kMarkApplicationResubmitted, id, a.resubmissions, a.last_resubmit_key,
               Micros(a.updated_at));
      if (change.resubmission_key.has_value()) {
        RunQuery(tx, queries::kInsertResubmission, change.resubmission_key->request_id, id,
                 change.resubmission_key->request_hash, a.resubmissions, Micros(a.updated_at));
      }
      WriteProgress(tx, a);
      break;
    case ApplicationChange::Kind::kWithdraw:
      RunQuery(tx, queries::kMarkApplicationWithdrawn, id, a.withdraw_reason, Micros(a.updated_at));
      WriteProgress(tx, a);
      break;
    case ApplicationChange::Kind::kProgress:
      WriteProgress(tx, a);
      break;
  }
  for (const DocumentRecord& d : change.new_documents) {
    RunQuery(tx, queries::kInsertDocument, id, d.kind, d.version, d.filename, d.content_type,
             pqxx::binarystring(d.content), d.sha256, d.size_bytes, Micros(d.uploaded_at));
  }
  if (change.entry.has_value()) {
    const TimelineRecord& t = *change.entry;
    RunQuery(tx, queries::kInsertTimelineEntry, id, t.step, t.action, t.actor_sub, t.actor_role,
             t.note, Micros(t.at));
  }
  for (const OutboxItem& o : change.outbox) Outbox::Enqueue(tx, o);
  // Last: the audit chain's head is locked until the commit.
  if (change.audit.has_value()) audit.Append(tx, *change.audit);
}

}  // namespace

absl::StatusOr<ApplicationRecord> IntakeStore::Apply(const std::string& id, const RequestKey& key,
                                                     const Decide& decide) {
  return pool_->InTransaction<ApplicationRecord>([&](pqxx::work& tx)
                                                     -> absl::StatusOr<ApplicationRecord> {
    // Lock first: what the key made is then read after any concurrent change of this
    // application committed.
    std::optional<ApplicationRecord> current;
    if (!id.empty()) current = Load(tx, id, /*for_update=*/true);
    SeenBefore seen{.request = FindRequest(tx, key), .open_application = std::nullopt};
    absl::StatusOr<ApplicationChange> change = decide(current ? &*current : nullptr, seen);
    if (!change.ok()) return change.status();
    if (change->kind == ApplicationChange::Kind::kInsert && !InsertApplication(tx, change->after)) {
      // The insert met a committed row: the same request_id (a concurrent submission of the same
      // request), or the NIK's open application. Decide again on what it met.
      seen.request = FindRequest(tx, key);
      if (!seen.request.has_value()) {
        seen.open_application = FindOpenApplication(tx, change->after.applicant.nik);
      }
      if (!seen.request.has_value() && !seen.open_application.has_value()) {
        return absl::AbortedError("a concurrent submission interfered; retry");
      }
      change = decide(nullptr, seen);
      if (!change.ok()) return change.status();
      if (change->kind != ApplicationChange::Kind::kNone) {
        return absl::AbortedError("a concurrent submission interfered; retry");
      }
    }
    Write(tx, *audit_, *change);
    std::optional<ApplicationRecord> after = Load(tx, change->application_id, /*for_update=*/false);
    if (!after.has_value()) return absl::NotFoundError("no such application");
    after->timeline = Timeline(tx, after->id);
    return *std::move(after);
  });
}

absl::StatusOr<ApplicationRecord> IntakeStore::Get(const std::string& id) {
  return pool_->InTransaction<ApplicationRecord>(
      [&](pqxx::work& tx) -> absl::StatusOr<ApplicationRecord> {
        std::optional<ApplicationRecord> a = Load(tx, id, /*for_update=*/false);
        if (!a.has_value()) return absl::NotFoundError("no such application");
        a->timeline = Timeline(tx, id);
        return *std::move(a);
      });
}

absl::StatusOr<std::vector<ApplicationRecord>> IntakeStore::List(const ListFilter& f) {
  using Out = std::vector<ApplicationRecord>;
  return pool_->InTransaction<Out>([&](pqxx::work& tx) -> absl::StatusOr<Out> {
    Out out;
    std::string cursor_id =
        f.has_cursor ? f.cursor_id : std::string("00000000-0000-0000-0000-000000000000");
    pqxx::result r = RunQuery(tx, queries::kListApplications, f.status, f.unit, f.nik, f.has_cursor,
                              f.cursor_created_micros, cursor_id, f.limit);
    std::vector<std::string> ids;
    for (const pqxx::row& row : r) {
      out.push_back(ReadApplication(row));
      ids.push_back(out.back().id);
    }
    if (ids.empty()) return out;
    // UUIDs need no quoting inside an array literal.
    std::string array = absl::StrCat("{", absl::StrJoin(ids, ","), "}");
    for (const pqxx::row& row : RunQuery(tx, queries::kSelectCurrentDocumentsOfMany, array)) {
      std::string app = row["application_id"].as<std::string>();
      for (ApplicationRecord& a : out) {
        if (a.id == app) a.documents.push_back(ReadDocument(row));
      }
    }
    return out;
  });
}

absl::StatusOr<std::optional<SeenRequest>> IntakeStore::FindResubmission(
    const std::string& request_id) {
  using Out = std::optional<SeenRequest>;
  return pool_->ReadOne<Out>([&](pqxx::nontransaction& tx) -> absl::StatusOr<Out> {
    return ResubmissionOf(tx, request_id);
  });
}

absl::StatusOr<DocumentRecord> IntakeStore::GetDocument(const std::string& id, int kind) {
  return pool_->ReadOne<DocumentRecord>(
      [&](pqxx::nontransaction& tx) -> absl::StatusOr<DocumentRecord> {
        pqxx::result r = RunQuery(tx, queries::kSelectDocumentContent, id, kind);
        if (r.empty()) return absl::NotFoundError("no such document");
        DocumentRecord d = ReadDocument(r[0]);
        d.content = pqxx::binarystring(r[0]["content"]).str();
        return d;
      });
}

}  // namespace sertel::intake
