#include "certificate_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "certificate_queries.h"
#include "common/audit_log.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/outbox_attention.h"
#include "common/pg_pool.h"
#include "common/sql_query.h"
#include "proof_of_use.h"

namespace sertel::certificate {
namespace {

// Timestamps and durations cross the boundary as exact microseconds (common migration C003).
int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }

absl::Time TimeAt(const pqxx::row& r, const char* column) {
  return absl::FromUnixMicros(r[column].as<int64_t>());
}

std::optional<absl::Time> OptionalTimeAt(const pqxx::row& r, const char* column) {
  if (r[column].is_null()) return std::nullopt;
  return TimeAt(r, column);
}

// libpqxx 6.4 takes no std::optional parameter: a null char pointer is SQL NULL.
class OptionalMicros {
 public:
  explicit OptionalMicros(const std::optional<absl::Time>& t) {
    if (t.has_value()) text_ = std::to_string(Micros(*t));
  }
  const char* get() const { return text_.has_value() ? text_->c_str() : nullptr; }

 private:
  std::optional<std::string> text_;
};

// The holder's columns, each named `prefix` + the field ("holder_nik" or "nik").
HolderRecord ReadHolder(const pqxx::row& r, const std::string& prefix) {
  auto text = [&](const char* name) { return r[prefix + name].as<std::string>(); };
  return {text("nik"),   text("nip"),  text("full_name"), text("email"),
          text("phone"), text("unit"), text("position"),  text("certificate_ou")};
}

EnrollmentRecord ReadEnrollment(const pqxx::row& r) {
  EnrollmentRecord e;
  e.application_id = r["application_id"].as<std::string>();
  e.request_id = r["request_id"].as<std::string>();
  e.holder = ReadHolder(r, "");
  e.state = ParseEnrollmentState(r["status"].as<std::string>()).value_or(EnrollmentState::kRevoked);
  e.version = r["version"].as<int64_t>();
  if (!r["activation_hash"].is_null()) {
    e.activation_hash = pqxx::binarystring(r["activation_hash"]).str();
  }
  e.activation_expires_at =
      OptionalTimeAt(r, "activation_expires_at_us").value_or(absl::InfinitePast());
  e.activation_attempts = r["activation_attempts"].as<int>();
  e.activation_codes_sent = r["activation_codes_sent"].as<int>();
  e.certificate_serial = r["certificate_serial"].as<std::string>();
  e.handover_channel = r["handover_channel"].as<int>();
  e.handed_over_at = OptionalTimeAt(r, "handed_over_at_us");
  e.issued_at = OptionalTimeAt(r, "issued_at_us");
  e.issuing_until = OptionalTimeAt(r, "issuing_until_us");
  e.keystore_available = r["keystore_available"].as<bool>();
  e.created_at = TimeAt(r, "created_at_us");
  e.updated_at = TimeAt(r, "updated_at_us");
  return e;
}

CertificateRecord ReadCertificate(const pqxx::row& r) {
  CertificateRecord c;
  c.serial = r["serial"].as<std::string>();
  c.application_id = r["application_id"].as<std::string>();
  c.nik = r["nik"].as<std::string>();
  c.full_name = r["full_name"].as<std::string>();
  c.email = r["email"].as<std::string>();
  c.unit = r["unit"].as<std::string>();
  c.subject = r["subject"].as<std::string>();
  c.not_before = TimeAt(r, "not_before_us");
  c.not_after = TimeAt(r, "not_after_us");
  c.sha256_fingerprint = r["sha256_fingerprint"].as<std::string>();
  c.certificate_pem = r["certificate_pem"].as<std::string>();
  c.key_algorithm = r["key_algorithm"].as<std::string>();
  c.issued_at = TimeAt(r, "issued_at_us");
  c.revoked_at = OptionalTimeAt(r, "revoked_at_us");
  c.revocation_reason = r["revocation_reason"].as<int>();
  if (!r["proof_of_use"].is_null()) {
    absl::StatusOr<ProofReport> proof = ProofOfUse::FromJson(r["proof_of_use"].as<std::string>());
    // An unreadable report counts as none: HandOver refuses, never hands over unproven.
    if (proof.ok()) {
      c.proof_of_use = *std::move(proof);
    } else {
      Log::Error("proof_of_use_unreadable", {{"serial", c.serial}});
    }
  }
  return c;
}

std::vector<TimelineRecord> ReadTimeline(pqxx::transaction_base& tx, const std::string& app) {
  std::vector<TimelineRecord> out;
  for (const pqxx::row& r : RunQuery(tx, queries::kListTimeline, app)) {
    out.push_back({r["step"].as<int>(), r["action"].as<std::string>(),
                   r["actor_sub"].as<std::string>(), r["actor_role"].as<std::string>(),
                   r["note"].as<std::string>(), TimeAt(r, "at_us"),
                   absl::Microseconds(r["duration_us"].as<int64_t>())});
  }
  return out;
}

// Returns false when a concurrent start inserted the row first.
bool InsertEnrollment(pqxx::work& tx, const EnrollmentRecord& e) {
  const HolderRecord& h = e.holder;
  pqxx::result r = RunQuery(
      tx, queries::kInsertEnrollment, e.application_id, e.request_id, h.nik, h.nip, h.full_name,
      h.email, h.phone, h.unit, h.position, EnrollmentStateName(e.state), e.version,
      pqxx::binarystring(e.activation_hash), Micros(e.activation_expires_at), e.activation_attempts,
      e.activation_codes_sent, Micros(e.created_at), Micros(e.updated_at), h.certificate_ou);
  return r.affected_rows() == 1;
}

// Returns false when the row no longer has `expected_version`.
bool UpdateEnrollment(pqxx::work& tx, const EnrollmentRecord& e, int64_t expected_version) {
  std::optional<absl::Time> expires;
  if (e.activation_expires_at != absl::InfinitePast()) expires = e.activation_expires_at;
  pqxx::result r = RunQuery(
      tx, queries::kUpdateEnrollment, e.application_id, EnrollmentStateName(e.state), e.version,
      pqxx::binarystring(e.activation_hash), e.activation_attempts, e.certificate_serial,
      e.handover_channel, OptionalMicros(e.handed_over_at).get(), OptionalMicros(e.issued_at).get(),
      Micros(e.updated_at), expected_version, OptionalMicros(expires).get(),
      e.activation_codes_sent, OptionalMicros(e.issuing_until).get());
  return r.affected_rows() == 1;
}

// Returns false when the key is another request's, or DONE already (written meanwhile).
bool WriteRequestKey(pqxx::work& tx, const RequestWrite& w) {
  pqxx::result r = RunQuery(tx, queries::kUpsertRequestKey, w.key.rpc, w.key.request_id,
                            pqxx::binarystring(w.key.request_hash), w.application_id,
                            std::string(w.done ? "DONE" : "CLAIMED"), w.claim, Micros(w.at));
  return r.affected_rows() == 1;
}

std::optional<SeenRequest> LoadRequest(pqxx::transaction_base& tx, const RequestKey& key) {
  pqxx::result r = RunQuery(tx, queries::kSelectRequestKey, key.rpc, key.request_id);
  if (r.empty()) return std::nullopt;
  return SeenRequest{.request_hash = pqxx::binarystring(r[0]["request_hash"]).str(),
                     .application_id = r[0]["application_id"].as<std::string>(),
                     .done = r[0]["state"].as<std::string>() == "DONE",
                     .claim = r[0]["claim"].as<std::string>(),
                     .claimed_at = TimeAt(r[0], "claimed_at_us")};
}

void InsertIssuance(pqxx::work& tx, const std::string& app, const Issuance& issued) {
  const CertificateRecord& c = issued.certificate;
  // libpqxx 6.4 takes no std::optional: a null char pointer is SQL NULL.
  const std::string proof = c.proof_of_use.has_value() ? ProofOfUse::ToJson(*c.proof_of_use) : "";
  RunQuery(tx, queries::kInsertCertificate, c.serial, app, c.nik, c.full_name, c.email, c.unit,
           c.subject, Micros(c.not_before), Micros(c.not_after), c.sha256_fingerprint,
           c.certificate_pem, c.key_algorithm, Micros(c.issued_at),
           c.proof_of_use.has_value() ? proof.c_str() : nullptr);
  // No keystore when the proof of use failed (EnrollmentLifecycle::Issue).
  if (issued.pkcs12.empty()) return;
  RunQuery(tx, queries::kInsertKeystore, app, pqxx::binarystring(issued.pkcs12),
           Micros(c.issued_at));
}

void InsertTimeline(pqxx::work& tx, const std::string& app, const TimelineRecord& t) {
  RunQuery(tx, queries::kInsertTimelineEntry, app, t.step, t.action, t.actor_sub, t.actor_role,
           t.note, Micros(t.at), absl::ToInt64Microseconds(t.duration));
}

// The crl row is locked first so that numbers never go backwards.
absl::Status RebuildCrlIn(pqxx::work& tx, const CrlSigner& crl) {
  pqxx::result lock = RunQuery(tx, queries::kLockCrl);
  int64_t number = lock.empty() ? 1 : lock[0]["crl_number"].as<int64_t>() + 1;
  std::vector<RevokedEntry> entries;
  for (const pqxx::row& r : RunQuery(tx, queries::kListRevokedCertificates)) {
    entries.push_back({r["serial"].as<std::string>(), TimeAt(r, "revoked_at_us"),
                       RfcReasonCode(r["revocation_reason"].as<int>())});
  }
  absl::Time this_update = crl.clock->Now();  // under the lock: dates follow the numbers
  absl::Time next_update = this_update + crl.validity;
  absl::StatusOr<std::string> der = crl.sign(entries, number, this_update, next_update);
  if (!der.ok()) return der.status();
  RunQuery(tx, queries::kUpsertCrl, number, pqxx::binarystring(*der), Micros(this_update),
           Micros(next_update));
  return absl::OkStatus();
}

absl::Status WriteRevocation(pqxx::work& tx, const Revocation& r, const CrlSigner* crl) {
  if (crl == nullptr) return absl::InternalError("a revocation needs its CRL signer");
  if (RunQuery(tx, queries::kRevokeCertificate, r.serial, r.reason, Micros(r.at)).empty()) {
    return absl::FailedPreconditionError("the certificate is already revoked");
  }
  return RebuildCrlIn(tx, *crl);
}

// The enrollment row of the change, then what goes with it; the audit entry last (it serializes
// on the chain head, common/audit_log.h).
absl::Status WriteChange(pqxx::work& tx, const AuditLog& audit, const EnrollmentChange& change,
                         const CrlSigner* crl) {
  const EnrollmentRecord& e = change.after;
  switch (change.kind) {
    case EnrollmentChange::Kind::kNone:
      return absl::OkStatus();
    case EnrollmentChange::Kind::kInsert:
      if (!InsertEnrollment(tx, e)) {
        return absl::AbortedError("the enrollment was started concurrently");
      }
      break;
    case EnrollmentChange::Kind::kUpdate:
      if (!UpdateEnrollment(tx, e, change.expected_version)) {
        return absl::AbortedError("the enrollment changed meanwhile; try again");
      }
      break;
  }
  if (change.issuance.has_value()) InsertIssuance(tx, e.application_id, *change.issuance);
  if (change.revocation.has_value()) {
    if (absl::Status s = WriteRevocation(tx, *change.revocation, crl); !s.ok()) return s;
    RunQuery(tx, queries::kEndDownloadLinks, e.application_id, Micros(change.revocation->at));
  }
  if (change.download_link.has_value()) {
    const DownloadLinkWrite& link = *change.download_link;
    RunQuery(tx, queries::kEndDownloadLinks, e.application_id, Micros(link.created_at));
    RunQuery(tx, queries::kInsertDownloadLink, pqxx::binarystring(link.token_hash),
             e.application_id, link.serial, Micros(link.created_at), Micros(link.expires_at));
  }
  if (change.entry.has_value()) InsertTimeline(tx, e.application_id, *change.entry);
  if (change.request.has_value() && !WriteRequestKey(tx, *change.request)) {
    return absl::AlreadyExistsError(absl::StrCat("request_id \"", change.request->key.request_id,
                                                 "\" was used for another request"));
  }
  for (const OutboxItem& item : change.outbox) Outbox::Enqueue(tx, item);
  for (const AuditEntry& entry : change.audits) audit.Append(tx, entry);
  return absl::OkStatus();
}

std::optional<EnrollmentRecord> LoadEnrollment(pqxx::transaction_base& tx, const SqlQuery& query,
                                               const std::string& key, bool with_timeline) {
  pqxx::result r = RunQuery(tx, query, key);
  if (r.empty()) return std::nullopt;
  EnrollmentRecord e = ReadEnrollment(r[0]);
  if (with_timeline) {
    e.timeline = ReadTimeline(tx, e.application_id);
    // What waits for an operator about it: its newest DEAD outbox row (an answer's read).
    e.attention = OutboxAttention(tx, "certificate", e.application_id);
  }
  return e;
}

absl::Status NoEnrollment(const std::string& app) {
  return absl::NotFoundError(absl::StrCat("no enrollment for ", app));
}

}  // namespace

absl::StatusOr<EnrollmentRecord> CertificateStore::Apply(const std::string& app,
                                                         const Decide& decide,
                                                         const CrlSigner* crl) {
  return ApplyChange(
      app, nullptr,
      [&](const EnrollmentRecord* current, const SeenRequest*) { return decide(current); }, crl);
}

absl::StatusOr<EnrollmentRecord> CertificateStore::Apply(const std::string& app,
                                                         const RequestKey& key,
                                                         const DecideOnce& decide,
                                                         const CrlSigner* crl) {
  return ApplyChange(app, &key, decide, crl);
}

absl::StatusOr<EnrollmentRecord> CertificateStore::ApplyChange(const std::string& app,
                                                               const RequestKey* key,
                                                               const DecideOnce& decide,
                                                               const CrlSigner* crl) {
  struct Applied {
    EnrollmentRecord after;
    absl::Status answer;
    bool touches_holder = false;  // a new enrollment, certificate or revocation
  };
  absl::StatusOr<Applied> applied =
      pool_->InTransaction<Applied>([&](pqxx::work& tx) -> absl::StatusOr<Applied> {
        // With its timeline: the lifecycle counts the codes resent in the last 24 hours there.
        std::optional<EnrollmentRecord> current =
            LoadEnrollment(tx, queries::kLockEnrollment, app, /*with_timeline=*/true);
        // Read after the lock: a second call of this enrollment under the same key sees the
        // first one's key once the first one committed.
        std::optional<SeenRequest> seen;
        if (key != nullptr) seen = LoadRequest(tx, *key);
        absl::StatusOr<EnrollmentChange> change =
            decide(current ? &*current : nullptr, seen ? &*seen : nullptr);
        if (!change.ok()) return change.status();
        if (absl::Status s = WriteChange(tx, *audit_, *change, crl); !s.ok()) return s;
        std::optional<EnrollmentRecord> after =
            LoadEnrollment(tx, queries::kSelectEnrollment, app, /*with_timeline=*/true);
        if (!after.has_value()) return NoEnrollment(app);
        bool touches_holder = change->kind == EnrollmentChange::Kind::kInsert ||
                              change->issuance.has_value() || change->revocation.has_value();
        return Applied{std::move(*after), change->answer, touches_holder};
      });
  if (!applied.ok()) return applied.status();
  // A change the snapshot must see (the triggers of migration V006 notify the other replicas).
  if (on_holder_change_ && applied->touches_holder) on_holder_change_(applied->after.holder.nik);
  if (!applied->answer.ok()) return applied->answer;
  return std::move(applied->after);
}

absl::StatusOr<SnapshotRows> CertificateStore::LoadSnapshotRows(
    const std::vector<std::string>* niks) {
  return pool_->InTransaction<SnapshotRows>([&](pqxx::work& tx) -> absl::StatusOr<SnapshotRows> {
    SnapshotRows rows;
    std::string array;
    if (niks != nullptr) {
      // NIKs are 16 digits (checked on every write), so the array literal needs no quoting.
      array = absl::StrCat("{", absl::StrJoin(*niks, ","), "}");
    }
    pqxx::result certificates =
        niks == nullptr ? RunQuery(tx, queries::kSelectSnapshotCertificates)
                        : RunQuery(tx, queries::kSelectSnapshotCertificatesOfNiks, array);
    rows.certificates.reserve(certificates.size());
    for (const pqxx::row& r : certificates) {
      rows.certificates.push_back({ReadCertificate(r), ReadHolder(r, "holder_")});
    }
    pqxx::result holders = niks == nullptr
                               ? RunQuery(tx, queries::kSelectLatestHolders)
                               : RunQuery(tx, queries::kSelectLatestHoldersOfNiks, array);
    rows.latest_holders.reserve(holders.size());
    for (const pqxx::row& r : holders) rows.latest_holders.push_back(ReadHolder(r, "holder_"));
    return rows;
  });
}

absl::StatusOr<std::optional<SeenRequest>> CertificateStore::FindRequest(const RequestKey& key) {
  return pool_->ReadOne<std::optional<SeenRequest>>(
      [&](pqxx::nontransaction& tx) -> absl::StatusOr<std::optional<SeenRequest>> {
        return LoadRequest(tx, key);
      });
}

absl::Status CertificateStore::ReleaseRequest(const RequestKey& key, const std::string& claim) {
  return pool_->InTransaction([&](pqxx::work& tx) -> absl::Status {
    RunQuery(tx, queries::kDeleteRequestClaim, key.rpc, key.request_id, claim);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::string> CertificateStore::RequestHashKey() {
  absl::MutexLock lock(&key_mu_);
  if (request_hash_key_.has_value()) return *request_hash_key_;
  absl::StatusOr<std::string> key =
      pool_->ReadOne<std::string>([&](pqxx::nontransaction& tx) -> absl::StatusOr<std::string> {
        pqxx::result r = RunQuery(tx, queries::kSelectRequestHashKey);
        if (r.empty()) return absl::InternalError("request_hash_key is empty (migration V003)");
        return pqxx::binarystring(r[0]["key"]).str();
      });
  if (!key.ok()) return key.status();
  request_hash_key_ = *key;
  return *std::move(key);
}

absl::StatusOr<EnrollmentRecord> CertificateStore::GetEnrollment(const std::string& app) {
  return pool_->ReadOne<EnrollmentRecord>(
      [&](pqxx::nontransaction& tx) -> absl::StatusOr<EnrollmentRecord> {
        std::optional<EnrollmentRecord> e = LoadEnrollment(tx, queries::kSelectEnrollment, app,
                                                           /*with_timeline=*/false);
        if (!e.has_value()) return NoEnrollment(app);
        return *std::move(e);
      });
}

absl::StatusOr<EnrollmentRecord> CertificateStore::GetEnrollmentWithTimeline(
    const std::string& app) {
  return pool_->InTransaction<EnrollmentRecord>(
      [&](pqxx::work& tx) -> absl::StatusOr<EnrollmentRecord> {
        std::optional<EnrollmentRecord> e = LoadEnrollment(tx, queries::kSelectEnrollment, app,
                                                           /*with_timeline=*/true);
        if (!e.has_value()) return NoEnrollment(app);
        return *std::move(e);
      });
}

absl::StatusOr<std::optional<EnrollmentRecord>> CertificateStore::FindLatestByNik(
    const std::string& nik) {
  return pool_->ReadOne<std::optional<EnrollmentRecord>>(
      [&](pqxx::nontransaction& tx) -> absl::StatusOr<std::optional<EnrollmentRecord>> {
        return LoadEnrollment(tx, queries::kSelectLatestEnrollmentByNik, nik,
                              /*with_timeline=*/false);
      });
}

absl::Status CertificateStore::AppendAudit(const AuditEntry& entry) {
  return pool_->InTransaction([&](pqxx::work& tx) -> absl::Status {
    audit_->Append(tx, entry);
    return absl::OkStatus();
  });
}

absl::StatusOr<CertificateRecord> CertificateStore::GetCertificateBySerial(
    const std::string& serial) {
  return pool_->ReadOne<CertificateRecord>(
      [&](pqxx::nontransaction& tx) -> absl::StatusOr<CertificateRecord> {
        pqxx::result r = RunQuery(tx, queries::kSelectCertificateBySerial, serial);
        if (r.empty()) return absl::NotFoundError(absl::StrCat("no certificate ", serial));
        return ReadCertificate(r[0]);
      });
}

absl::StatusOr<CertificateRecord> CertificateStore::GetCertificateByApplication(
    const std::string& app) {
  return pool_->ReadOne<CertificateRecord>(
      [&](pqxx::nontransaction& tx) -> absl::StatusOr<CertificateRecord> {
        pqxx::result r = RunQuery(tx, queries::kSelectCertificateByApplication, app);
        if (r.empty()) return absl::NotFoundError(absl::StrCat("no certificate for ", app));
        return ReadCertificate(r[0]);
      });
}

absl::StatusOr<std::optional<std::string>> CertificateStore::GetKeystore(const std::string& app) {
  return pool_->ReadOne<std::optional<std::string>>(
      [&](pqxx::nontransaction& tx) -> absl::StatusOr<std::optional<std::string>> {
        pqxx::result r = RunQuery(tx, queries::kSelectKeystore, app);
        if (r.empty()) return std::optional<std::string>();
        return std::optional<std::string>(pqxx::binarystring(r[0]["pkcs12"]).str());
      });
}

absl::StatusOr<LinkDownload> CertificateStore::RedeemDownloadLink(
    const std::string& token_hash, absl::Time now, const LinkVisit& visit,
    const std::function<AuditEntry(const std::string& app, const std::string& serial)>& audit_of) {
  return pool_->InTransaction<LinkDownload>([&](pqxx::work& tx) -> absl::StatusOr<LinkDownload> {
    pqxx::result link = RunQuery(tx, queries::kLockDownloadLink, pqxx::binarystring(token_hash));
    LinkDownload out;
    if (link.empty()) return out;  // kUnknown
    out.application_id = link[0]["application_id"].as<std::string>();
    if (link[0]["used"].as<bool>() || link[0]["ended"].as<bool>()) {
      out.verdict = LinkVerdict::kGone;
      return out;
    }
    if (TimeAt(link[0], "expires_at_us") <= now) return out;  // kUnknown: expired
    pqxx::result p12 = RunQuery(tx, queries::kSelectKeystore, out.application_id);
    if (p12.empty()) {
      out.verdict = LinkVerdict::kGone;  // purged after its retention time
      return out;
    }
    RunQuery(tx, queries::kMarkDownloadLinkUsed, pqxx::binarystring(token_hash), Micros(now),
             visit.address, visit.user_agent);
    audit_->Append(tx, audit_of(out.application_id, link[0]["serial"].as<std::string>()));
    out.verdict = LinkVerdict::kServed;
    out.pkcs12 = pqxx::binarystring(p12[0]["pkcs12"]).str();
    return out;
  });
}

absl::Status CertificateStore::RebuildCrl(const CrlSigner& crl) {
  return pool_->InTransaction(
      [&](pqxx::work& tx) -> absl::Status { return RebuildCrlIn(tx, crl); });
}

absl::StatusOr<std::string> CertificateStore::CurrentCrl() {
  return pool_->ReadOne<std::string>([&](pqxx::nontransaction& tx) -> absl::StatusOr<std::string> {
    pqxx::result r = RunQuery(tx, queries::kSelectCrl);
    if (r.empty()) return absl::NotFoundError("no CRL yet");
    return pqxx::binarystring(r[0]["der"]).str();
  });
}

absl::StatusOr<StatisticsRows> CertificateStore::Statistics(absl::Time as_of,
                                                            const std::string& unit) {
  // Both figures count as of `as_of`, read in one transaction.
  return pool_->InTransaction<StatisticsRows>(
      [&](pqxx::work& tx) -> absl::StatusOr<StatisticsRows> {
        StatisticsRows out;
        for (const pqxx::row& r : RunQuery(tx, queries::kSelectStatistics, Micros(as_of), unit)) {
          out.by_unit.push_back(
              {r["unit"].as<std::string>(), r["holders_with_valid_certificate"].as<int64_t>(),
               r["issued_total"].as<int64_t>(), r["revoked_total"].as<int64_t>(),
               r["expired_total"].as<int64_t>(), r["awaiting_passphrase"].as<int64_t>()});
        }
        pqxx::result holders = RunQuery(tx, queries::kCountValidHolders, Micros(as_of), unit);
        out.holders_with_valid_certificate = holders[0]["holders"].as<int64_t>();
        return out;
      });
}

absl::StatusOr<std::vector<StepFigures>> CertificateStore::StepTimes(absl::Time from, absl::Time to,
                                                                     absl::Duration standard) {
  return pool_->ReadOne<std::vector<StepFigures>>(
      [&](pqxx::nontransaction& tx) -> absl::StatusOr<std::vector<StepFigures>> {
        std::vector<StepFigures> out;
        for (const pqxx::row& r : RunQuery(tx, queries::kSelectStepTimes, Micros(from), Micros(to),
                                           absl::ToInt64Microseconds(standard))) {
          out.push_back({.step = r["step"].as<int>(),
                         .count = r["count"].as<int64_t>(),
                         .p50 = absl::Microseconds(r["p50_us"].as<int64_t>()),
                         .p95 = absl::Microseconds(r["p95_us"].as<int64_t>()),
                         .max = absl::Microseconds(r["max_us"].as<int64_t>()),
                         .exceeded = r["exceeded"].as<int64_t>(),
                         .standard = standard});
        }
        return out;
      });
}

absl::StatusOr<int> CertificateStore::PurgeKeystores(
    absl::Time before, const std::function<AuditEntry(const std::string&)>& audit_of) {
  return pool_->InTransaction<int>([&](pqxx::work& tx) -> absl::StatusOr<int> {
    int n = 0;
    for (const pqxx::row& r : RunQuery(tx, queries::kClaimPurgeableKeystores, Micros(before))) {
      std::string app = r["application_id"].as<std::string>();
      RunQuery(tx, queries::kDeleteKeystore, app);
      audit_->Append(tx, audit_of(app));
      ++n;
    }
    return n;
  });
}

absl::StatusOr<int> CertificateStore::QueueExpiryReminders(
    absl::Time now, absl::Time until,
    const std::function<OutboxItem(const CertificateRecord&, const HolderRecord&)>& make) {
  return pool_->InTransaction<int>([&](pqxx::work& tx) -> absl::StatusOr<int> {
    int n = 0;
    pqxx::result rows =
        RunQuery(tx, queries::kClaimExpiringCertificates, Micros(now), Micros(until));
    for (const pqxx::row& r : rows) {
      CertificateRecord c = ReadCertificate(r);
      std::optional<EnrollmentRecord> e =
          LoadEnrollment(tx, queries::kSelectEnrollment, c.application_id, false);
      if (!e.has_value()) return NoEnrollment(c.application_id);
      Outbox::Enqueue(tx, make(c, e->holder));
      RunQuery(tx, queries::kMarkExpiryReminder, c.serial, Micros(now));
      ++n;
    }
    return n;
  });
}

}  // namespace sertel::certificate
