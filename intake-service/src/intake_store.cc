#include "intake_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/audit_log.h"
#include "common/outbox.h"
#include "common/pg_pool.h"

namespace sertel::intake {
namespace {

// Timestamps cross the boundary as exact microseconds since the epoch.
#define TS(col) "(extract(epoch from " col ") * 1000000)::bigint"
#define TO_TS(n) "('epoch'::timestamptz + $" #n "::bigint * interval '1 microsecond')"

int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }
absl::Time FromMicros(int64_t us) { return absl::FromUnixMicros(us); }

constexpr const char* kAppColumns =
    "id::text, request_id, request_hash, nik, nip, full_name, email, phone, unit, position, note,"
    " status, resubmissions, coalesce(last_resubmit_key, ''), " TS("last_resubmitted_at") ", "
    TS("created_at") ", " TS("updated_at");

constexpr const char* kDocColumns =
    "application_id::text, kind, version, filename, content_type, sha256, size_bytes, "
    TS("uploaded_at");

ApplicationRecord ReadApp(const pqxx::row& r) {
  ApplicationRecord a;
  a.id = r[0].as<std::string>();
  a.request_id = r[1].as<std::string>();
  a.request_hash = r[2].as<std::string>();
  a.applicant.set_nik(r[3].as<std::string>());
  a.applicant.set_nip(r[4].as<std::string>());
  a.applicant.set_full_name(r[5].as<std::string>());
  a.applicant.set_email(r[6].as<std::string>());
  a.applicant.set_phone(r[7].as<std::string>());
  a.applicant.set_unit(r[8].as<std::string>());
  a.applicant.set_position(r[9].as<std::string>());
  a.note = r[10].as<std::string>();
  a.status = r[11].as<std::string>();
  a.resubmissions = r[12].as<int>();
  a.last_resubmit_key = r[13].as<std::string>();
  if (!r[14].is_null()) a.last_resubmitted_at = FromMicros(r[14].as<int64_t>());
  a.created_at = FromMicros(r[15].as<int64_t>());
  a.updated_at = FromMicros(r[16].as<int64_t>());
  return a;
}

DocumentRecord ReadDoc(const pqxx::row& r) {
  DocumentRecord d;
  d.kind = r[1].as<int>();
  d.version = r[2].as<int>();
  d.filename = r[3].as<std::string>();
  d.content_type = r[4].as<std::string>();
  d.sha256 = r[5].as<std::string>();
  d.size_bytes = r[6].as<int64_t>();
  d.uploaded_at = FromMicros(r[7].as<int64_t>());
  return d;
}

void InsertDoc(pqxx::work& tx, const std::string& id, const DocumentRecord& d) {
  tx.exec_prepared("intake_doc_insert", id, d.kind, d.version, d.filename, d.content_type,
                   pqxx::binarystring(d.content), d.sha256, d.size_bytes, Micros(d.uploaded_at));
}

void InsertTimeline(pqxx::work& tx, const std::string& id, const TimelineRecord& t) {
  tx.exec_prepared("intake_timeline_insert", id, t.step, t.action, t.actor_sub, t.actor_role,
                   t.note, Micros(t.at));
}

void WriteAudit(const AuditLog* audit, pqxx::work& tx, const std::string& id, const AuditNote& a) {
  audit->Append(tx, {.actor_sub = a.actor_sub, .actor_role = a.actor_role, .action = a.action,
                     .entity_type = "application", .entity_id = id, .details = a.details});
}

std::vector<DocumentRecord> CurrentDocs(pqxx::work& tx, const std::string& id) {
  std::vector<DocumentRecord> out;
  for (const auto& row : tx.exec_prepared("intake_docs_current", id)) out.push_back(ReadDoc(row));
  return out;
}

}  // namespace

void IntakeStore::Prepare(pqxx::connection_base& c) {
  c.prepare("intake_app_insert",
            "INSERT INTO applications (id, request_id, request_hash, nik, nip, full_name, email,"
            " phone, unit, position, note, status, created_at, updated_at)"
            " VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'SUBMITTED', " TO_TS(12)
            ", " TO_TS(12) ") ON CONFLICT (request_id) DO NOTHING RETURNING id::text");
  c.prepare("intake_app_by_request",
            "SELECT id::text, request_hash FROM applications WHERE request_id = $1");
  c.prepare("intake_app_get",
            absl::StrCat("SELECT ", kAppColumns, " FROM applications WHERE id = $1::uuid"));
  c.prepare("intake_app_lock",
            absl::StrCat("SELECT ", kAppColumns,
                         " FROM applications WHERE id = $1::uuid FOR UPDATE"));
  c.prepare("intake_app_list",
            absl::StrCat("SELECT ", kAppColumns,
                         " FROM applications WHERE ($1 = '' OR status = $1)"
                         " AND ($2 = '' OR unit = $2) AND ($3 = '' OR nik = $3)"
                         " AND (NOT $4::boolean OR (created_at, id) < (" TO_TS(5) ", $6::uuid))"
                         " ORDER BY created_at DESC, id DESC LIMIT $7"));
  c.prepare("intake_doc_insert",
            "INSERT INTO documents (application_id, kind, version, filename, content_type,"
            " content, sha256, size_bytes, uploaded_at) VALUES ($1::uuid, $2, $3, $4, $5, $6, $7,"
            " $8, " TO_TS(9) ")");
  c.prepare("intake_docs_current",
            absl::StrCat("SELECT DISTINCT ON (kind) ", kDocColumns,
                         " FROM documents WHERE application_id = $1::uuid"
                         " ORDER BY kind, version DESC"));
  c.prepare("intake_docs_current_many",
            absl::StrCat("SELECT DISTINCT ON (application_id, kind) ", kDocColumns,
                         " FROM documents WHERE application_id = ANY($1::uuid[])"
                         " ORDER BY application_id, kind, version DESC"));
  c.prepare("intake_doc_content",
            absl::StrCat("SELECT ", kDocColumns, ", content FROM documents"
                         " WHERE application_id = $1::uuid AND kind = $2"
                         " ORDER BY version DESC LIMIT 1"));
  c.prepare("intake_timeline_insert",
            "INSERT INTO application_timeline (application_id, step, action, actor_sub,"
            " actor_role, note, at) VALUES ($1::uuid, $2, $3, $4, $5, $6, " TO_TS(7) ")");
  c.prepare("intake_timeline_list",
            "SELECT step, action, actor_sub, actor_role, note, " TS("at")
            " FROM application_timeline WHERE application_id = $1::uuid ORDER BY id");
  c.prepare("intake_app_resubmitted",
            "UPDATE applications SET resubmissions = $2, last_resubmit_key = nullif($3, ''),"
            " last_resubmitted_at = " TO_TS(4) ", updated_at = " TO_TS(4)
            " WHERE id = $1::uuid");
  c.prepare("intake_app_withdrawn",
            "UPDATE applications SET status = 'WITHDRAWN', withdraw_reason = $2,"
            " updated_at = " TO_TS(3) " WHERE id = $1::uuid AND status = 'SUBMITTED'");
}

absl::StatusOr<IntakeStore::CreateResult> IntakeStore::Create(const ApplicationRecord& a,
                                                              const TimelineRecord& t,
                                                              const AuditNote& audit,
                                                              const std::vector<OutboxItem>& out) {
  return pool_->InTransaction<CreateResult>([&](pqxx::work& tx) -> absl::StatusOr<CreateResult> {
    const v1::Applicant& p = a.applicant;
    pqxx::result inserted =
        tx.exec_prepared("intake_app_insert", a.id, a.request_id, a.request_hash, p.nik(),
                         p.nip(), p.full_name(), p.email(), p.phone(), p.unit(), p.position(),
                         a.note, Micros(a.created_at));
    if (inserted.empty()) {
      // Idempotency on request_id: the same payload is the same application.
      pqxx::result existing = tx.exec_prepared("intake_app_by_request", a.request_id);
      if (existing.empty()) return absl::AbortedError("request_id race; retry");
      if (existing[0][1].as<std::string>() != a.request_hash) {
        return absl::AlreadyExistsError(
            "this request_id was already used for a different application");
      }
      return CreateResult{existing[0][0].as<std::string>(), false};
    }
    for (const DocumentRecord& d : a.documents) InsertDoc(tx, a.id, d);
    InsertTimeline(tx, a.id, t);
    for (const OutboxItem& o : out) Outbox::Enqueue(tx, o.topic, o.key, o.payload);
    WriteAudit(audit_, tx, a.id, audit);
    return CreateResult{a.id, true};
  });
}

absl::StatusOr<ApplicationRecord> IntakeStore::Get(const std::string& id) {
  return pool_->InTransaction<ApplicationRecord>(
      [&](pqxx::work& tx) -> absl::StatusOr<ApplicationRecord> {
        pqxx::result r = tx.exec_prepared("intake_app_get", id);
        if (r.empty()) return absl::NotFoundError("no such application");
        ApplicationRecord a = ReadApp(r[0]);
        a.documents = CurrentDocs(tx, id);
        for (const auto& row : tx.exec_prepared("intake_timeline_list", id)) {
          a.timeline.push_back({.step = row[0].as<int>(),
                                .action = row[1].as<std::string>(),
                                .actor_sub = row[2].as<std::string>(),
                                .actor_role = row[3].as<std::string>(),
                                .note = row[4].as<std::string>(),
                                .at = FromMicros(row[5].as<int64_t>())});
        }
        return a;
      });
}

absl::StatusOr<std::vector<ApplicationRecord>> IntakeStore::List(const ListFilter& f) {
  using Out = std::vector<ApplicationRecord>;
  return pool_->InTransaction<Out>([&](pqxx::work& tx) -> absl::StatusOr<Out> {
    Out out;
    std::string cursor_id =
        f.has_cursor ? f.cursor_id : std::string("00000000-0000-0000-0000-000000000000");
    pqxx::result r = tx.exec_prepared("intake_app_list", f.status, f.unit, f.nik, f.has_cursor,
                                      f.cursor_created_micros, cursor_id, f.limit);
    std::vector<std::string> ids;
    for (const auto& row : r) {
      out.push_back(ReadApp(row));
      ids.push_back(out.back().id);
    }
    if (ids.empty()) return out;
    // UUIDs need no quoting inside an array literal.
    std::string array = absl::StrCat("{", absl::StrJoin(ids, ","), "}");
    for (const auto& row : tx.exec_prepared("intake_docs_current_many", array)) {
      std::string app = row[0].as<std::string>();
      for (ApplicationRecord& a : out) {
        if (a.id == app) a.documents.push_back(ReadDoc(row));
      }
    }
    return out;
  });
}

absl::StatusOr<DocumentRecord> IntakeStore::GetDocument(const std::string& id, int kind) {
  return pool_->InTransaction<DocumentRecord>(
      [&](pqxx::work& tx) -> absl::StatusOr<DocumentRecord> {
        pqxx::result r = tx.exec_prepared("intake_doc_content", id, kind);
        if (r.empty()) return absl::NotFoundError("no such document");
        DocumentRecord d = ReadDoc(r[0]);
        d.content = pqxx::binarystring(r[0][8]).str();
        return d;
      });
}

absl::StatusOr<ApplicationRecord> IntakeStore::Resubmit(
    const std::string& id, const std::vector<DocumentRecord>& docs,
    const std::string& resubmit_key, const TimelineRecord& t, AuditNote audit,
    const std::function<OutboxItem(int n)>& outbox_for) {
  return pool_->InTransaction<ApplicationRecord>(
      [&](pqxx::work& tx) -> absl::StatusOr<ApplicationRecord> {
        pqxx::result r = tx.exec_prepared("intake_app_lock", id);
        if (r.empty()) return absl::NotFoundError("no such application");
        ApplicationRecord a = ReadApp(r[0]);
        if (a.status != "SUBMITTED") {
          return absl::FailedPreconditionError(
              absl::StrCat("the application is ", a.status, "; nothing can be resubmitted"));
        }
        if (!resubmit_key.empty() && resubmit_key == a.last_resubmit_key) {
          a.documents = CurrentDocs(tx, id);
          return a;  // the same resubmission again
        }
        std::vector<DocumentRecord> current = CurrentDocs(tx, id);
        nlohmann::json replaced = nlohmann::json::array();
        for (DocumentRecord d : docs) {
          int version = 1;
          std::string old_sha;
          for (const DocumentRecord& c : current) {
            if (c.kind == d.kind) {
              version = c.version + 1;
              old_sha = c.sha256;
            }
          }
          d.version = version;
          InsertDoc(tx, id, d);
          // The old version stays in its row; the audit trail names what it replaced.
          replaced.push_back({{"kind", d.kind},
                              {"version", version},
                              {"sha256", d.sha256},
                              {"size_bytes", d.size_bytes},
                              {"replaced_sha256", old_sha}});
        }
        int n = a.resubmissions + 1;
        tx.exec_prepared("intake_app_resubmitted", id, n, resubmit_key, Micros(t.at));
        InsertTimeline(tx, id, t);
        OutboxItem o = outbox_for(n);
        Outbox::Enqueue(tx, o.topic, o.key, o.payload);
        audit.details["resubmission"] = n;
        audit.details["documents"] = replaced;
        WriteAudit(audit_, tx, id, audit);
        pqxx::result after = tx.exec_prepared("intake_app_get", id);
        ApplicationRecord out = ReadApp(after[0]);
        out.documents = CurrentDocs(tx, id);
        return out;
      });
}

absl::StatusOr<ApplicationRecord> IntakeStore::Withdraw(const std::string& id,
                                                        const std::string& reason,
                                                        const TimelineRecord& t,
                                                        const AuditNote& audit,
                                                        const OutboxItem& o) {
  return pool_->InTransaction<ApplicationRecord>(
      [&](pqxx::work& tx) -> absl::StatusOr<ApplicationRecord> {
        pqxx::result r = tx.exec_prepared("intake_app_lock", id);
        if (r.empty()) return absl::NotFoundError("no such application");
        if (ReadApp(r[0]).status != "SUBMITTED") {
          return absl::FailedPreconditionError("the application is already withdrawn");
        }
        tx.exec_prepared("intake_app_withdrawn", id, reason, Micros(t.at));
        InsertTimeline(tx, id, t);
        Outbox::Enqueue(tx, o.topic, o.key, o.payload);
        WriteAudit(audit_, tx, id, audit);
        pqxx::result after = tx.exec_prepared("intake_app_get", id);
        ApplicationRecord out = ReadApp(after[0]);
        out.documents = CurrentDocs(tx, id);
        return out;
      });
}

}  // namespace sertel::intake
