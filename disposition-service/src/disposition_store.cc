#include "disposition_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/outbox.h"

namespace sertel::disposition {
namespace {

// Timestamps cross the boundary as exact microseconds since the epoch.
#define TS(col) "(extract(epoch from " col ") * 1000000)::bigint"
#define TO_TS(n) "('epoch'::timestamptz + $" #n "::bigint * interval '1 microsecond')"

int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }
absl::Time FromMicros(int64_t us) { return absl::FromUnixMicros(us); }

#define CASE_COLUMNS                                                                        \
  "application_id, status, current_step, version, " TS("opened_at") ", " TS(               \
      "step_entered_at") ", " TS("submitted_at") ", applicant_nik, applicant_nip, "         \
                         "applicant_full_name, applicant_email, applicant_phone, "          \
                         "applicant_unit, applicant_position, return_reason, "              \
                         "missing_documents, checklist_confirmed, " TS("updated_at")

#define TIMELINE_COLUMNS                                                                     \
  "step, action, actor_sub, actor_role, note, " TS("at")                                   \
  ", duration_us, standard_us, within_standard, counts_for_sla"
constexpr int kCaseColumnCount = 18;

// GetCase in one statement (one snapshot, one round trip): the case's columns on every row,
// then one timeline entry per row (NULLs when there is none yet), oldest first.
constexpr const char* kCaseWithTimeline =
    "SELECT c.*, t.* FROM (SELECT " CASE_COLUMNS " FROM cases WHERE application_id = $1) c"
    " LEFT JOIN LATERAL (SELECT " TIMELINE_COLUMNS ", id FROM case_timeline"
    " WHERE application_id = $1) t ON true ORDER BY t.id";

constexpr const char* kInboxFirst =
    "SELECT " CASE_COLUMNS
    " FROM cases WHERE status = 'IN_REVIEW' AND current_step = $1"
    " ORDER BY step_entered_at, application_id LIMIT $2";
constexpr const char* kInboxAfter =
    "SELECT " CASE_COLUMNS
    " FROM cases WHERE status = 'IN_REVIEW' AND current_step = $1"
    " AND (step_entered_at, application_id) > (" TO_TS(2) ", $3)"
    " ORDER BY step_entered_at, application_id LIMIT $4";

CaseRecord ReadCase(const pqxx::row& r) {
  CaseRecord c;
  c.application_id = r[0].as<std::string>();
  c.status = ParseCaseStatus(r[1].as<std::string>()).value_or(CaseStatus::kInReview);
  c.current_step = r[2].as<int>();
  c.version = r[3].as<int64_t>();
  c.opened_at = FromMicros(r[4].as<int64_t>());
  c.step_entered_at = FromMicros(r[5].as<int64_t>());
  if (!r[6].is_null()) c.submitted_at = FromMicros(r[6].as<int64_t>());
  c.applicant.nik = r[7].as<std::string>();
  c.applicant.nip = r[8].as<std::string>();
  c.applicant.full_name = r[9].as<std::string>();
  c.applicant.email = r[10].as<std::string>();
  c.applicant.phone = r[11].as<std::string>();
  c.applicant.unit = r[12].as<std::string>();
  c.applicant.position = r[13].as<std::string>();
  c.return_reason = r[14].as<std::string>();
  std::string missing = r[15].as<std::string>();
  if (!missing.empty()) c.missing_documents = absl::StrSplit(missing, ',');
  c.checklist_confirmed = r[16].as<bool>();
  c.updated_at = FromMicros(r[17].as<int64_t>());
  return c;
}

// One timeline entry from `r`, its columns starting at `at` (see kTimelineColumns).
TimelineEntry ReadTimelineEntry(const pqxx::row& r, int at) {
  TimelineEntry e;
  e.step = r[at].as<int>();
  e.action = r[at + 1].as<std::string>();
  e.actor_sub = r[at + 2].as<std::string>();
  e.actor_role = r[at + 3].as<std::string>();
  e.note = r[at + 4].as<std::string>();
  e.at = FromMicros(r[at + 5].as<int64_t>());
  e.duration = absl::Microseconds(r[at + 6].as<int64_t>());
  e.standard_duration = absl::Microseconds(r[at + 7].as<int64_t>());
  e.within_standard = r[at + 8].as<bool>();
  e.counts_for_sla = r[at + 9].as<bool>();
  return e;
}

std::vector<TimelineEntry> ReadTimeline(pqxx::work& tx, const std::string& id) {
  std::vector<TimelineEntry> out;
  for (const pqxx::row& r : tx.exec_prepared("disp_timeline", id)) {
    out.push_back(ReadTimelineEntry(r, 0));
  }
  return out;
}

std::optional<CaseRecord> LoadCase(pqxx::work& tx, const std::string& id, bool for_update) {
  pqxx::result r = tx.exec_prepared(for_update ? "disp_case_lock" : "disp_case_get", id);
  if (r.empty()) return std::nullopt;
  return ReadCase(r[0]);
}

}  // namespace

const char* DispositionStore::InboxFirstSql() { return kInboxFirst; }
const char* DispositionStore::InboxAfterSql() { return kInboxAfter; }

void DispositionStore::Prepare(pqxx::connection& conn) {
  conn.prepare("disp_case_get", "SELECT " CASE_COLUMNS " FROM cases WHERE application_id = $1");
  conn.prepare("disp_case_lock",
               "SELECT " CASE_COLUMNS " FROM cases WHERE application_id = $1 FOR UPDATE");
  conn.prepare("disp_request_get",
               "SELECT application_id, kind FROM case_requests WHERE request_id = $1");
  conn.prepare("disp_request_put",
               "INSERT INTO case_requests (request_id, application_id, kind) VALUES ($1, $2, $3)"
               " ON CONFLICT (request_id) DO NOTHING");
  conn.prepare(
      "disp_case_insert",
      "INSERT INTO cases (application_id, status, current_step, version, opened_at,"
      " step_entered_at, submitted_at, applicant_nik, applicant_nip, applicant_full_name,"
      " applicant_email, applicant_phone, applicant_unit, applicant_position, updated_at)"
      " VALUES ($1, $2, $3, $4, " TO_TS(5) ", " TO_TS(6) ", CASE WHEN $8 THEN " TO_TS(7)
      " ELSE NULL END, $9, $10, $11, $12, $13, $14, $15, " TO_TS(16) ")"
      " ON CONFLICT (application_id) DO NOTHING");
  // Optimistic concurrency: the row changes only if it still has the version the rules saw.
  conn.prepare("disp_case_update",
               "UPDATE cases SET status = $2, current_step = $3, version = $4,"
               " step_entered_at = " TO_TS(5) ", return_reason = $6, missing_documents = $7,"
               " checklist_confirmed = $8, updated_at = " TO_TS(9)
               " WHERE application_id = $1 AND version = $10");
  conn.prepare("disp_timeline_insert",
               "INSERT INTO case_timeline (application_id, step, action, actor_sub, actor_role,"
               " note, at, duration_us, standard_us, within_standard, counts_for_sla)"
               " VALUES ($1, $2, $3, $4, $5, $6, " TO_TS(7) ", $8, $9, $10, $11)");
  conn.prepare("disp_timeline",
               "SELECT " TIMELINE_COLUMNS " FROM case_timeline WHERE application_id = $1 ORDER BY id");
  conn.prepare("disp_case_with_timeline", kCaseWithTimeline);
  conn.prepare("disp_inbox_first", kInboxFirst);
  conn.prepare("disp_inbox_after", kInboxAfter);
  conn.prepare(
      "disp_sla",
      "SELECT step, count(*),"
      " percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_us),"
      " percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_us),"
      " max(duration_us), count(*) FILTER (WHERE NOT within_standard)"
      " FROM case_timeline WHERE counts_for_sla AND at >= " TO_TS(1) " AND at < " TO_TS(2)
      " GROUP BY step"
      // Step 1: from the submission at intake to the case opening at the head of agency.
      " UNION ALL SELECT 1, count(*),"
      " percentile_cont(0.5) WITHIN GROUP (ORDER BY d), percentile_cont(0.95) WITHIN GROUP (ORDER BY d),"
      " max(d), count(*) FILTER (WHERE d > $3::bigint)"
      // Two services' clocks: a negative difference (skew) counts as 0.
      " FROM (SELECT GREATEST(0, " TS("opened_at") " - " TS("submitted_at") ") AS d FROM cases"
      " WHERE submitted_at IS NOT NULL AND opened_at >= " TO_TS(1) " AND opened_at < " TO_TS(2) ") s"
      " HAVING count(*) > 0 ORDER BY 1");
}

absl::StatusOr<CaseRecord> DispositionStore::Apply(const std::string& application_id,
                                                   const std::string& request_id,
                                                   const Decide& decide) {
  return pool_->InTransaction<CaseRecord>([&](pqxx::work& tx) -> absl::StatusOr<CaseRecord> {
    std::optional<SeenRequest> seen;
    if (!request_id.empty()) {
      pqxx::result r = tx.exec_prepared("disp_request_get", request_id);
      if (!r.empty()) seen = SeenRequest{r[0][0].as<std::string>(), r[0][1].as<std::string>()};
    }
    std::optional<CaseRecord> current = LoadCase(tx, application_id, /*for_update=*/true);
    absl::StatusOr<CaseChange> change = decide(current ? &*current : nullptr, seen);
    if (!change.ok()) return change.status();

    const CaseRecord& a = change->after;
    switch (change->kind) {
      case CaseChange::Kind::kNone:
        break;
      case CaseChange::Kind::kInsert: {
        pqxx::result r = tx.exec_prepared(
            "disp_case_insert", a.application_id, std::string(CaseStatusName(a.status)),
            a.current_step, a.version, Micros(a.opened_at), Micros(a.step_entered_at),
            Micros(a.submitted_at.value_or(absl::UnixEpoch())), a.submitted_at.has_value(),
            a.applicant.nik, a.applicant.nip, a.applicant.full_name, a.applicant.email,
            a.applicant.phone, a.applicant.unit, a.applicant.position, Micros(a.updated_at));
        // Another replica opened it between our read and insert: retryable.
        if (r.affected_rows() != 1) return absl::AbortedError("the case was opened concurrently");
        break;
      }
      case CaseChange::Kind::kUpdate: {
        pqxx::result r = tx.exec_prepared(
            "disp_case_update", a.application_id, std::string(CaseStatusName(a.status)),
            a.current_step, a.version, Micros(a.step_entered_at), a.return_reason,
            absl::StrJoin(a.missing_documents, ","), a.checklist_confirmed, Micros(a.updated_at),
            change->expected_version);
        if (r.affected_rows() != 1) {
          return absl::AbortedError("the case changed meanwhile; reload it");
        }
        break;
      }
    }
    if (change->kind != CaseChange::Kind::kNone && change->entry.has_value()) {
      const TimelineEntry& e = *change->entry;
      tx.exec_prepared("disp_timeline_insert", application_id, e.step, e.action, e.actor_sub,
                       e.actor_role, e.note, Micros(e.at), absl::ToInt64Microseconds(e.duration),
                       absl::ToInt64Microseconds(e.standard_duration), e.within_standard,
                       e.counts_for_sla);
    }
    if (!change->request_id.empty()) {
      tx.exec_prepared("disp_request_put", change->request_id, application_id,
                       change->request_kind);
    }
    for (const OutboxItem& o : change->outbox) Outbox::Enqueue(tx, o.topic, o.key, o.payload);
    if (change->kind != CaseChange::Kind::kNone && change->audit.has_value()) {
      const AuditNote& n = *change->audit;
      audit_->Append(tx, {.actor_sub = n.actor_sub,
                          .actor_role = n.actor_role,
                          .action = n.action,
                          .entity_type = "case",
                          .entity_id = application_id,
                          .details = n.details});
    }
    std::optional<CaseRecord> after = LoadCase(tx, application_id, /*for_update=*/false);
    if (!after.has_value()) return absl::NotFoundError("no such case");
    after->timeline = ReadTimeline(tx, application_id);
    return *after;
  });
}

absl::StatusOr<CaseRecord> DispositionStore::Get(const std::string& application_id) {
  return pool_->ReadOne<CaseRecord>(
      [&](pqxx::nontransaction& tx) -> absl::StatusOr<CaseRecord> {
        pqxx::result r = tx.exec_prepared("disp_case_with_timeline", application_id);
        if (r.empty()) return absl::NotFoundError("no such case");
        CaseRecord c = ReadCase(r[0]);
        for (const pqxx::row& row : r) {
          if (row[kCaseColumnCount].is_null()) break;  // no timeline entry yet
          c.timeline.push_back(ReadTimelineEntry(row, kCaseColumnCount));
        }
        return c;
      });
}

absl::StatusOr<std::vector<CaseRecord>> DispositionStore::Inbox(
    int step, const std::optional<InboxCursor>& after, int limit) {
  using Rows = std::vector<CaseRecord>;
  return pool_->ReadOne<Rows>([&](pqxx::nontransaction& tx) -> absl::StatusOr<Rows> {
    pqxx::result r =
        after.has_value()
            ? tx.exec_prepared("disp_inbox_after", step, Micros(after->step_entered_at),
                               after->application_id, limit)
            : tx.exec_prepared("disp_inbox_first", step, limit);
    Rows out;
    out.reserve(r.size());
    for (const pqxx::row& row : r) out.push_back(ReadCase(row));
    return out;
  });
}

absl::StatusOr<std::vector<StepSla>> DispositionStore::SlaReport(absl::Time from, absl::Time to,
                                                                 absl::Duration step1_standard) {
  using Rows = std::vector<StepSla>;
  return pool_->InTransaction<Rows>([&](pqxx::work& tx) -> absl::StatusOr<Rows> {
    Rows out;
    for (const pqxx::row& r : tx.exec_prepared("disp_sla", Micros(from), Micros(to),
                                               absl::ToInt64Microseconds(step1_standard))) {
      StepSla s;
      s.step = r[0].as<int>();
      s.count = r[1].as<int64_t>();
      s.p50 = absl::Microseconds(r[2].as<double>());
      s.p95 = absl::Microseconds(r[3].as<double>());
      s.max = absl::Microseconds(r[4].as<int64_t>());
      s.exceeded = r[5].as<int64_t>();
      out.push_back(s);
    }
    return out;
  });
}

}  // namespace sertel::disposition
