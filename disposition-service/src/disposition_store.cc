#include "disposition_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/outbox.h"
#include "common/outbox_attention.h"
#include "common/sql_query.h"
#include "disposition_queries.h"

namespace sertel::disposition {
namespace {

// Timestamps cross the boundary as exact microseconds since the epoch (to_micros/from_micros).
int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }
int64_t Micros(absl::Duration d) { return absl::ToInt64Microseconds(d); }
absl::Time TimeAt(const pqxx::field& us) { return absl::FromUnixMicros(us.as<int64_t>()); }

// A row of lock_case, list_inbox_* or select_case_with_timeline.
CaseRecord ReadCase(const pqxx::row& r) {
  CaseRecord c;
  c.application_id = r["application_id"].as<std::string>();
  c.status = ParseCaseStatus(r["status"].as<std::string>()).value_or(CaseStatus::kInReview);
  c.current_step = r["current_step"].as<int>();
  c.version = r["version"].as<int64_t>();
  c.opened_at = TimeAt(r["opened_at_us"]);
  c.step_entered_at = TimeAt(r["step_entered_at_us"]);
  if (!r["submitted_at_us"].is_null()) c.submitted_at = TimeAt(r["submitted_at_us"]);
  c.applicant.nik = r["applicant_nik"].as<std::string>();
  c.applicant.nip = r["applicant_nip"].as<std::string>();
  c.applicant.full_name = r["applicant_full_name"].as<std::string>();
  c.applicant.email = r["applicant_email"].as<std::string>();
  c.applicant.phone = r["applicant_phone"].as<std::string>();
  c.applicant.unit = r["applicant_unit"].as<std::string>();
  c.applicant.position = r["applicant_position"].as<std::string>();
  c.applicant.certificate_ou = r["applicant_certificate_ou"].as<std::string>();
  c.return_reason = r["return_reason"].as<std::string>();
  std::string missing = r["missing_documents"].as<std::string>();
  if (!missing.empty()) c.missing_documents = absl::StrSplit(missing, ',');
  c.checklist_confirmed = r["checklist_confirmed"].as<bool>();
  c.updated_at = TimeAt(r["updated_at_us"]);
  return c;
}

// The timeline entry of a select_case_with_timeline row.
TimelineEntry ReadTimelineEntry(const pqxx::row& r) {
  TimelineEntry e;
  e.step = r["step"].as<int>();
  e.action = r["action"].as<std::string>();
  e.actor_sub = r["actor_sub"].as<std::string>();
  e.actor_role = r["actor_role"].as<std::string>();
  e.note = r["note"].as<std::string>();
  e.at = TimeAt(r["at_us"]);
  e.duration = absl::Microseconds(r["duration_us"].as<int64_t>());
  e.standard_duration = absl::Microseconds(r["standard_us"].as<int64_t>());
  e.within_standard = r["within_standard"].as<bool>();
  e.counts_for_sla = r["counts_for_sla"].as<bool>();
  return e;
}

// The service name this schema's outbox rows carry as attention (common/outbox_attention.h).
constexpr char kService[] = "disposition";

// The case with its timeline, from select_case_with_timeline, and what waits for an operator
// about it (its newest DEAD outbox row); NOT_FOUND when there is none.
absl::StatusOr<CaseRecord> CaseWithTimeline(pqxx::transaction_base& tx, const std::string& id) {
  pqxx::result r = RunQuery(tx, queries::kSelectCaseWithTimeline, id);
  if (r.empty()) return absl::NotFoundError("no such case");
  CaseRecord c = ReadCase(r[0]);
  for (const pqxx::row& row : r) {
    if (row["timeline_id"].is_null()) break;  // no timeline entry yet
    c.timeline.push_back(ReadTimelineEntry(row));
  }
  c.attention = OutboxAttention(tx, kService, id);
  return c;
}

std::optional<SeenRequest> SeenBefore(pqxx::work& tx, const std::string& request_id) {
  if (request_id.empty()) return std::nullopt;
  pqxx::result r = RunQuery(tx, queries::kSelectRequest, request_id);
  if (r.empty()) return std::nullopt;
  return SeenRequest{r[0]["application_id"].as<std::string>(), r[0]["kind"].as<std::string>()};
}

std::optional<CaseRecord> LockCase(pqxx::work& tx, const std::string& id) {
  pqxx::result r = RunQuery(tx, queries::kLockCase, id);
  if (r.empty()) return std::nullopt;
  return ReadCase(r[0]);
}

// The case row of `change` (kInsert or kUpdate); ABORTED when another transaction got there
// first (retryable).
absl::Status WriteCase(pqxx::work& tx, const CaseChange& change) {
  const CaseRecord& a = change.after;
  const std::string status(CaseStatusName(a.status));
  if (change.kind == CaseChange::Kind::kInsert) {
    pqxx::result r =
        RunQuery(tx, queries::kInsertCase, a.application_id, status, a.current_step, a.version,
                 Micros(a.opened_at), Micros(a.step_entered_at),
                 Micros(a.submitted_at.value_or(absl::UnixEpoch())), a.submitted_at.has_value(),
                 a.applicant.nik, a.applicant.nip, a.applicant.full_name, a.applicant.email,
                 a.applicant.phone, a.applicant.unit, a.applicant.position, Micros(a.updated_at),
                 a.applicant.certificate_ou);
    // Another replica opened it between our read and insert.
    if (r.affected_rows() != 1) return absl::AbortedError("the case was opened concurrently");
  } else if (change.kind == CaseChange::Kind::kUpdate) {
    pqxx::result r = RunQuery(tx, queries::kUpdateCase, a.application_id, status, a.current_step,
                              a.version, Micros(a.step_entered_at), a.return_reason,
                              absl::StrJoin(a.missing_documents, ","), a.checklist_confirmed,
                              Micros(a.updated_at), change.expected_version);
    if (r.affected_rows() != 1) return absl::AbortedError("the case changed meanwhile; reload it");
  }
  return absl::OkStatus();
}

void WriteTimelineEntry(pqxx::work& tx, const std::string& id, const TimelineEntry& e) {
  RunQuery(tx, queries::kInsertTimelineEntry, id, e.step, e.action, e.actor_sub, e.actor_role,
           e.note, Micros(e.at), Micros(e.duration), Micros(e.standard_duration), e.within_standard,
           e.counts_for_sla);
}

}  // namespace

absl::StatusOr<CaseRecord> DispositionStore::Apply(const std::string& application_id,
                                                   const std::string& request_id,
                                                   const Decide& decide) {
  return pool_->InTransaction<CaseRecord>([&](pqxx::work& tx) -> absl::StatusOr<CaseRecord> {
    const std::optional<SeenRequest> seen = SeenBefore(tx, request_id);
    const std::optional<CaseRecord> current = LockCase(tx, application_id);
    absl::StatusOr<CaseChange> change = decide(current ? &*current : nullptr, seen);
    if (!change.ok()) return change.status();
    if (absl::Status s = WriteCase(tx, *change); !s.ok()) return s;
    const bool changed = change->kind != CaseChange::Kind::kNone;
    if (changed && change->entry.has_value()) {
      WriteTimelineEntry(tx, application_id, *change->entry);
    }
    if (!change->request_id.empty()) {
      RunQuery(tx, queries::kInsertRequest, change->request_id, application_id,
               change->request_kind);
    }
    for (const OutboxItem& item : change->outbox) Outbox::Enqueue(tx, item);
    // Last: the audit append serializes on the chain head, so its lock is held briefly.
    if (changed && change->audit.has_value()) audit_->Append(tx, *change->audit);
    return CaseWithTimeline(tx, application_id);
  });
}

absl::StatusOr<CaseRecord> DispositionStore::Get(const std::string& application_id) {
  // Two statements, each its own snapshot: the attention may be a moment newer than the case,
  // which is what it is anyway (the dispatcher changes it outside any case transaction).
  return pool_->ReadOne<CaseRecord>(
      [&](pqxx::nontransaction& tx) { return CaseWithTimeline(tx, application_id); });
}

absl::StatusOr<std::vector<CaseRecord>> DispositionStore::Inbox(
    int step, const std::optional<InboxCursor>& after, int limit) {
  using Rows = std::vector<CaseRecord>;
  return pool_->ReadOne<Rows>([&](pqxx::nontransaction& tx) -> absl::StatusOr<Rows> {
    pqxx::result r = after.has_value()
                         ? RunQuery(tx, queries::kListInboxAfter, step,
                                    Micros(after->step_entered_at), after->application_id, limit)
                         : RunQuery(tx, queries::kListInboxFirst, step, limit);
    Rows out;
    out.reserve(r.size());
    for (const pqxx::row& row : r) out.push_back(ReadCase(row));
    // The page's attention in one more statement, not one per case.
    std::vector<std::string> ids;
    for (const CaseRecord& c : out) ids.push_back(c.application_id);
    absl::flat_hash_map<std::string, AttentionRecord> attention =
        OutboxAttentions(tx, kService, ids);
    for (CaseRecord& c : out) {
      auto it = attention.find(c.application_id);
      if (it != attention.end()) c.attention = it->second;
    }
    return out;
  });
}

absl::StatusOr<std::vector<StepSla>> DispositionStore::SlaReport(absl::Time from, absl::Time to,
                                                                 absl::Duration step1_standard) {
  using Rows = std::vector<StepSla>;
  return pool_->ReadOne<Rows>([&](pqxx::nontransaction& tx) -> absl::StatusOr<Rows> {
    Rows out;
    for (const pqxx::row& r :
         RunQuery(tx, queries::kSelectStepSla, Micros(from), Micros(to), Micros(step1_standard))) {
      out.push_back(StepSla{.step = r["step"].as<int>(),
                            .count = r["count"].as<int64_t>(),
                            .p50 = absl::Microseconds(r["p50_us"].as<double>()),
                            .p95 = absl::Microseconds(r["p95_us"].as<double>()),
                            .max = absl::Microseconds(r["max_us"].as<int64_t>()),
                            .exceeded = r["exceeded"].as<int64_t>()});
    }
    return out;
  });
}

}  // namespace sertel::disposition
