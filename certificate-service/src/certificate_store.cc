#include "certificate_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/audit_log.h"
#include "common/outbox.h"
#include "common/pg_pool.h"

namespace sertel::certificate {
namespace {

int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }
absl::Time FromMicros(int64_t us) { return absl::FromUnixMicros(us); }

// Timestamps cross the boundary as microseconds since the epoch.
#define TS(col) "(extract(epoch from " col ") * 1000000)::bigint"
#define TO_TS(n) "to_timestamp($" #n "::bigint / 1000000.0)"

constexpr const char* kEnrollmentColumns =
    "application_id, request_id, nik, nip, full_name, email, phone, unit, position, status,"
    " version, activation_hash, " TS("activation_expires_at") ", activation_attempts,"
    " activation_codes_sent, coalesce(certificate_serial, ''), handover_channel, "
    TS("handed_over_at") ", " TS("issued_at") ","
    " EXISTS (SELECT 1 FROM keystores k WHERE k.application_id = enrollments.application_id), "
    TS("created_at") ", " TS("updated_at");

constexpr const char* kCertificateColumns =
    "serial, application_id, nik, full_name, email, unit, subject, " TS("not_before") ", "
    TS("not_after") ", sha256_fingerprint, certificate_pem, key_algorithm, " TS("issued_at") ", "
    TS("revoked_at") ", coalesce(revocation_reason, 0)";

EnrollmentRecord ReadEnrollment(const pqxx::row& r) {
  EnrollmentRecord e;
  e.application_id = r[0].as<std::string>();
  e.request_id = r[1].as<std::string>();
  e.holder = {r[2].as<std::string>(), r[3].as<std::string>(), r[4].as<std::string>(),
              r[5].as<std::string>(), r[6].as<std::string>(), r[7].as<std::string>(),
              r[8].as<std::string>()};
  e.state = ParseEnrollmentState(r[9].as<std::string>()).value_or(EnrollmentState::kRevoked);
  e.version = r[10].as<int64_t>();
  if (!r[11].is_null()) e.activation_hash = pqxx::binarystring(r[11]).str();
  if (!r[12].is_null()) e.activation_expires_at = FromMicros(r[12].as<int64_t>());
  e.activation_attempts = r[13].as<int>();
  e.activation_codes_sent = r[14].as<int>();
  e.certificate_serial = r[15].as<std::string>();
  e.handover_channel = r[16].as<int>();
  if (!r[17].is_null()) e.handed_over_at = FromMicros(r[17].as<int64_t>());
  if (!r[18].is_null()) e.issued_at = FromMicros(r[18].as<int64_t>());
  e.keystore_available = r[19].as<bool>();
  e.created_at = FromMicros(r[20].as<int64_t>());
  e.updated_at = FromMicros(r[21].as<int64_t>());
  return e;
}

CertificateRecord ReadCertificate(const pqxx::row& r) {
  CertificateRecord c;
  c.serial = r[0].as<std::string>();
  c.application_id = r[1].as<std::string>();
  c.nik = r[2].as<std::string>();
  c.full_name = r[3].as<std::string>();
  c.email = r[4].as<std::string>();
  c.unit = r[5].as<std::string>();
  c.subject = r[6].as<std::string>();
  c.not_before = FromMicros(r[7].as<int64_t>());
  c.not_after = FromMicros(r[8].as<int64_t>());
  c.sha256_fingerprint = r[9].as<std::string>();
  c.certificate_pem = r[10].as<std::string>();
  c.key_algorithm = r[11].as<std::string>();
  c.issued_at = FromMicros(r[12].as<int64_t>());
  if (!r[13].is_null()) c.revoked_at = FromMicros(r[13].as<int64_t>());
  c.revocation_reason = r[14].as<int>();
  return c;
}

void InsertTimeline(pqxx::work& tx, const std::string& app, const TimelineRecord& t) {
  tx.exec_prepared("cert_timeline_insert", app, t.step, t.action, t.actor_sub, t.actor_role,
                   t.note, Micros(t.at), absl::ToInt64Milliseconds(t.duration));
}

void Audit(const AuditLog* audit, pqxx::work& tx, const AuditNote& a, const char* entity_type) {
  audit->Append(tx, {.actor_sub = a.actor_sub, .actor_role = a.actor_role, .action = a.action,
                     .entity_type = entity_type, .entity_id = a.entity_id, .details = a.details});
}

EnrollmentRecord SelectEnrollment(pqxx::work& tx, const std::string& app) {
  pqxx::result r = tx.exec_prepared("cert_enrollment_get", app);
  return ReadEnrollment(r[0]);
}

}  // namespace

void CertificateStore::Prepare(pqxx::connection_base& c) {
  c.prepare("cert_enrollment_insert",
            "INSERT INTO enrollments (application_id, request_id, nik, nip, full_name, email,"
            " phone, unit, position, status, version, activation_hash, activation_expires_at,"
            " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
            " 'AWAITING_PASSPHRASE', 1, $10, " TO_TS(11) ", " TO_TS(12) ", " TO_TS(12) ")");
  c.prepare("cert_enrollment_get",
            absl::StrCat("SELECT ", kEnrollmentColumns,
                         " FROM enrollments WHERE application_id = $1"));
  c.prepare("cert_enrollment_by_nik",
            absl::StrCat("SELECT ", kEnrollmentColumns,
                         " FROM enrollments WHERE nik = $1 ORDER BY created_at DESC LIMIT 1"));
  c.prepare("cert_timeline_insert",
            "INSERT INTO enrollment_timeline (application_id, step, action, actor_sub, actor_role,"
            " note, at, duration_ms) VALUES ($1, $2, $3, $4, $5, $6, " TO_TS(7) ", $8)");
  c.prepare("cert_timeline_list",
            "SELECT step, action, actor_sub, actor_role, note, " TS("at") ", duration_ms"
            " FROM enrollment_timeline WHERE application_id = $1 ORDER BY id");
  c.prepare("cert_claim_attempt",
            "UPDATE enrollments SET activation_attempts = activation_attempts + 1"
            " WHERE application_id = $1 AND activation_attempts < $2"
            " AND status = 'AWAITING_PASSPHRASE' RETURNING activation_attempts");
  c.prepare("cert_issue_update",
            "UPDATE enrollments SET status = 'ISSUED', version = version + 1,"
            " activation_hash = NULL, certificate_serial = $3, issued_at = " TO_TS(4) ","
            " updated_at = " TO_TS(4)
            " WHERE application_id = $1 AND version = $2 AND status = 'AWAITING_PASSPHRASE'");
  c.prepare("cert_certificate_insert",
            "INSERT INTO certificates (serial, application_id, nik, full_name, email, unit,"
            " subject, not_before, not_after, sha256_fingerprint, certificate_pem, key_algorithm,"
            " issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, " TO_TS(8) ", " TO_TS(9) ", $10,"
            " $11, $12, " TO_TS(13) ")");
  c.prepare("cert_keystore_insert",
            "INSERT INTO keystores (application_id, pkcs12, created_at) VALUES ($1, $2, "
            TO_TS(3) ")");
  c.prepare("cert_handover_update",
            "UPDATE enrollments SET status = 'HANDED_OVER', version = version + 1,"
            " handover_channel = $3, handed_over_at = " TO_TS(4) ", updated_at = " TO_TS(4)
            " WHERE application_id = $1 AND version = $2 AND status = 'ISSUED'");
  c.prepare("cert_certificate_by_serial",
            absl::StrCat("SELECT ", kCertificateColumns, " FROM certificates WHERE serial = $1"));
  c.prepare("cert_certificate_by_app",
            absl::StrCat("SELECT ", kCertificateColumns,
                         " FROM certificates WHERE application_id = $1"));
  c.prepare("cert_keystore_get", "SELECT pkcs12 FROM keystores WHERE application_id = $1");
  c.prepare("cert_crl_lock", "SELECT crl_number FROM crl WHERE id = 1 FOR UPDATE");
  c.prepare("cert_revoke",
            "UPDATE certificates SET revoked_at = " TO_TS(3) ", revocation_reason = $2"
            " WHERE serial = $1 AND revoked_at IS NULL RETURNING application_id");
  c.prepare("cert_revoke_enrollment",
            "UPDATE enrollments SET status = 'REVOKED', version = version + 1,"
            " updated_at = " TO_TS(2) " WHERE application_id = $1");
  c.prepare("cert_revoked_list",
            "SELECT serial, " TS("revoked_at") ", coalesce(revocation_reason, 0)"
            " FROM certificates WHERE revoked_at IS NOT NULL ORDER BY revoked_at, serial");
  c.prepare("cert_crl_upsert",
            "INSERT INTO crl (id, crl_number, der, this_update, next_update) VALUES (1, $1, $2, "
            TO_TS(3) ", " TO_TS(4) ") ON CONFLICT (id) DO UPDATE SET crl_number = $1,"
            " der = $2, this_update = " TO_TS(3) ", next_update = " TO_TS(4));
  c.prepare("cert_crl_get", "SELECT der FROM crl WHERE id = 1");
  // The SOP's recorded figure: people (distinct NIKs) holding a certificate that has started,
  // not ended and not been revoked at $1.
  c.prepare("cert_statistics",
            "WITH c AS (SELECT * FROM certificates WHERE issued_at <= " TO_TS(1)
            " AND ($2 = '' OR unit = $2)),"
            " e AS (SELECT * FROM enrollments WHERE created_at <= " TO_TS(1)
            " AND ($2 = '' OR unit = $2) AND (issued_at IS NULL OR issued_at > " TO_TS(1) ")),"
            " units AS (SELECT unit FROM c UNION SELECT unit FROM e)"
            " SELECT u.unit,"
            " (SELECT count(DISTINCT nik) FROM c WHERE c.unit = u.unit AND c.not_before <= "
            TO_TS(1) " AND c.not_after > " TO_TS(1)
            " AND (c.revoked_at IS NULL OR c.revoked_at > " TO_TS(1) ")),"
            " (SELECT count(*) FROM c WHERE c.unit = u.unit),"
            " (SELECT count(*) FROM c WHERE c.unit = u.unit AND c.revoked_at <= " TO_TS(1) "),"
            " (SELECT count(*) FROM c WHERE c.unit = u.unit AND c.not_after <= " TO_TS(1) "),"
            " (SELECT count(*) FROM e WHERE e.unit = u.unit)"
            " FROM units u ORDER BY u.unit");
  c.prepare("cert_step_times",
            "SELECT step, count(*),"
            " percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms),"
            " percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms),"
            " max(duration_ms), count(*) FILTER (WHERE duration_ms > $3::bigint)"
            " FROM enrollment_timeline"
            " WHERE ((step = 6 AND action = 'ISSUED') OR (step = 7 AND action = 'HANDED_OVER'))"
            " AND at >= " TO_TS(1) " AND at < " TO_TS(2) " GROUP BY step ORDER BY step");
  c.prepare("cert_purge_candidates",
            "SELECT k.application_id FROM keystores k JOIN enrollments e USING (application_id)"
            " WHERE e.handed_over_at IS NOT NULL AND e.handed_over_at < " TO_TS(1)
            " ORDER BY k.application_id FOR UPDATE OF k SKIP LOCKED");
  c.prepare("cert_keystore_delete", "DELETE FROM keystores WHERE application_id = $1");
  c.prepare("cert_expiry_candidates",
            absl::StrCat("SELECT ", kCertificateColumns,
                         " FROM certificates WHERE revoked_at IS NULL"
                         " AND expiry_reminder_queued_at IS NULL AND not_after > " TO_TS(1)
                         " AND not_after <= " TO_TS(2)
                         " ORDER BY not_after FOR UPDATE SKIP LOCKED"));
  c.prepare("cert_expiry_mark",
            "UPDATE certificates SET expiry_reminder_queued_at = " TO_TS(2) " WHERE serial = $1");
}

absl::StatusOr<EnrollmentRecord> CertificateStore::CreateEnrollment(const EnrollmentRecord& e,
                                                                    const TimelineRecord& t,
                                                                    const AuditNote& a,
                                                                    const OutboxItem& o) {
  return pool_->InTransaction<EnrollmentRecord>(
      [&](pqxx::work& tx) -> absl::StatusOr<EnrollmentRecord> {
        const HolderRecord& h = e.holder;
        tx.exec_prepared("cert_enrollment_insert", e.application_id, e.request_id, h.nik, h.nip,
                         h.full_name, h.email, h.phone, h.unit, h.position,
                         pqxx::binarystring(e.activation_hash), Micros(e.activation_expires_at),
                         Micros(e.created_at));
        InsertTimeline(tx, e.application_id, t);
        Outbox::Enqueue(tx, o.topic, o.key, o.payload);
        Audit(audit_, tx, a, "enrollment");
        return SelectEnrollment(tx, e.application_id);
      });
}

absl::StatusOr<EnrollmentRecord> CertificateStore::GetEnrollment(const std::string& app) {
  return pool_->ReadOne<EnrollmentRecord>(
      [&](pqxx::nontransaction& tx) -> absl::StatusOr<EnrollmentRecord> {
        pqxx::result r = tx.exec_prepared("cert_enrollment_get", app);
        if (r.empty()) return absl::NotFoundError(absl::StrCat("no enrollment for ", app));
        return ReadEnrollment(r[0]);
      });
}

absl::StatusOr<std::vector<TimelineRecord>> CertificateStore::GetTimeline(const std::string& app) {
  return pool_->ReadOne<std::vector<TimelineRecord>>(
      [&](pqxx::nontransaction& tx) -> absl::StatusOr<std::vector<TimelineRecord>> {
        std::vector<TimelineRecord> out;
        for (const auto& r : tx.exec_prepared("cert_timeline_list", app)) {
          out.push_back({r[0].as<int>(), r[1].as<std::string>(), r[2].as<std::string>(),
                         r[3].as<std::string>(), r[4].as<std::string>(),
                         FromMicros(r[5].as<int64_t>()), absl::Milliseconds(r[6].as<int64_t>())});
        }
        return out;
      });
}

absl::StatusOr<std::optional<EnrollmentRecord>> CertificateStore::FindLatestByNik(
    const std::string& nik) {
  return pool_->ReadOne<std::optional<EnrollmentRecord>>(
      [&](pqxx::nontransaction& tx) -> absl::StatusOr<std::optional<EnrollmentRecord>> {
        pqxx::result r = tx.exec_prepared("cert_enrollment_by_nik", nik);
        if (r.empty()) return std::optional<EnrollmentRecord>();
        return std::optional<EnrollmentRecord>(ReadEnrollment(r[0]));
      });
}

absl::StatusOr<int> CertificateStore::ClaimActivationAttempt(const std::string& app,
                                                             int max_attempts) {
  return pool_->InTransaction<int>([&](pqxx::work& tx) -> absl::StatusOr<int> {
    pqxx::result r = tx.exec_prepared("cert_claim_attempt", app, max_attempts);
    if (r.empty()) {
      return absl::FailedPreconditionError(
          "the activation code is locked after too many wrong tries");
    }
    return r[0][0].as<int>();
  });
}

absl::Status CertificateStore::AppendAudit(const AuditNote& a) {
  return pool_->InTransaction([&](pqxx::work& tx) -> absl::Status {
    Audit(audit_, tx, a, "enrollment");
    return absl::OkStatus();
  });
}

absl::StatusOr<EnrollmentRecord> CertificateStore::CompleteIssuance(
    const std::string& app, int64_t expected_version, const CertificateRecord& c,
    const std::string& pkcs12, const TimelineRecord& t, const AuditNote& a) {
  return pool_->InTransaction<EnrollmentRecord>(
      [&](pqxx::work& tx) -> absl::StatusOr<EnrollmentRecord> {
        pqxx::result u =
            tx.exec_prepared("cert_issue_update", app, expected_version, c.serial, Micros(c.issued_at));
        if (u.affected_rows() == 0) {
          return absl::AbortedError("the enrollment changed meanwhile; try again");
        }
        tx.exec_prepared("cert_certificate_insert", c.serial, app, c.nik, c.full_name, c.email,
                         c.unit, c.subject, Micros(c.not_before), Micros(c.not_after),
                         c.sha256_fingerprint, c.certificate_pem, c.key_algorithm,
                         Micros(c.issued_at));
        tx.exec_prepared("cert_keystore_insert", app, pqxx::binarystring(pkcs12),
                         Micros(c.issued_at));
        InsertTimeline(tx, app, t);
        Audit(audit_, tx, a, "enrollment");
        return SelectEnrollment(tx, app);
      });
}

absl::StatusOr<EnrollmentRecord> CertificateStore::CompleteHandover(
    const std::string& app, int64_t expected_version, int channel, absl::Time at,
    const TimelineRecord& t, const AuditNote& a, const OutboxItem& o) {
  return pool_->InTransaction<EnrollmentRecord>(
      [&](pqxx::work& tx) -> absl::StatusOr<EnrollmentRecord> {
        pqxx::result u =
            tx.exec_prepared("cert_handover_update", app, expected_version, channel, Micros(at));
        if (u.affected_rows() == 0) {
          return absl::AbortedError("the enrollment changed meanwhile; try again");
        }
        InsertTimeline(tx, app, t);
        Outbox::Enqueue(tx, o.topic, o.key, o.payload);
        Audit(audit_, tx, a, "enrollment");
        return SelectEnrollment(tx, app);
      });
}

absl::StatusOr<CertificateRecord> CertificateStore::GetCertificateBySerial(
    const std::string& serial) {
  return pool_->ReadOne<CertificateRecord>(
      [&](pqxx::nontransaction& tx) -> absl::StatusOr<CertificateRecord> {
        pqxx::result r = tx.exec_prepared("cert_certificate_by_serial", serial);
        if (r.empty()) return absl::NotFoundError(absl::StrCat("no certificate ", serial));
        return ReadCertificate(r[0]);
      });
}

absl::StatusOr<CertificateRecord> CertificateStore::GetCertificateByApplication(
    const std::string& app) {
  return pool_->ReadOne<CertificateRecord>(
      [&](pqxx::nontransaction& tx) -> absl::StatusOr<CertificateRecord> {
        pqxx::result r = tx.exec_prepared("cert_certificate_by_app", app);
        if (r.empty()) return absl::NotFoundError(absl::StrCat("no certificate for ", app));
        return ReadCertificate(r[0]);
      });
}

absl::StatusOr<std::optional<std::string>> CertificateStore::GetKeystore(const std::string& app) {
  return pool_->InTransaction<std::optional<std::string>>(
      [&](pqxx::work& tx) -> absl::StatusOr<std::optional<std::string>> {
        pqxx::result r = tx.exec_prepared("cert_keystore_get", app);
        if (r.empty()) return std::optional<std::string>();
        return std::optional<std::string>(pqxx::binarystring(r[0][0]).str());
      });
}

namespace {
// Rebuilds the CRL inside `tx` (the crl row is locked first so numbers never go backwards).
absl::Status RebuildCrlInTx(pqxx::work& tx, absl::Time this_update, absl::Time next_update,
                            const CertificateStore::CrlBuilder& build,
                            const std::function<int(int)>& rfc_reason) {
  pqxx::result lock = tx.exec_prepared("cert_crl_lock");
  int64_t number = lock.empty() ? 1 : lock[0][0].as<int64_t>() + 1;
  std::vector<RevokedEntry> entries;
  for (const auto& r : tx.exec_prepared("cert_revoked_list")) {
    entries.push_back(
        {r[0].as<std::string>(), FromMicros(r[1].as<int64_t>()), rfc_reason(r[2].as<int>())});
  }
  absl::StatusOr<std::string> der = build(entries, number);
  if (!der.ok()) return der.status();
  tx.exec_prepared("cert_crl_upsert", number, pqxx::binarystring(*der), Micros(this_update),
                   Micros(next_update));
  return absl::OkStatus();
}

// sertel.v1.RevocationReason number -> RFC 5280 CRLReason code (the enum is the code plus one).
int RfcReason(int proto_reason) { return proto_reason > 0 ? proto_reason - 1 : 0; }
}  // namespace

absl::StatusOr<CertificateRecord> CertificateStore::Revoke(const std::string& serial, int reason,
                                                           absl::Time at, absl::Time next_update,
                                                           const TimelineRecord& t,
                                                           const AuditNote& a,
                                                           const CrlBuilder& build) {
  return pool_->InTransaction<CertificateRecord>(
      [&](pqxx::work& tx) -> absl::StatusOr<CertificateRecord> {
        pqxx::result existing = tx.exec_prepared("cert_certificate_by_serial", serial);
        if (existing.empty()) return absl::NotFoundError(absl::StrCat("no certificate ", serial));
        pqxx::result r = tx.exec_prepared("cert_revoke", serial, reason, Micros(at));
        if (r.empty()) return absl::FailedPreconditionError("the certificate is already revoked");
        std::string app = r[0][0].as<std::string>();
        tx.exec_prepared("cert_revoke_enrollment", app, Micros(at));
        InsertTimeline(tx, app, t);
        absl::Status crl = RebuildCrlInTx(tx, at, next_update, build, RfcReason);
        if (!crl.ok()) return crl;
        Audit(audit_, tx, a, "certificate");
        return ReadCertificate(tx.exec_prepared("cert_certificate_by_serial", serial)[0]);
      });
}

absl::Status CertificateStore::RebuildCrl(absl::Time this_update, absl::Time next_update,
                                          const CrlBuilder& build) {
  return pool_->InTransaction([&](pqxx::work& tx) -> absl::Status {
    return RebuildCrlInTx(tx, this_update, next_update, build, RfcReason);
  });
}

absl::StatusOr<std::string> CertificateStore::CurrentCrl() {
  return pool_->InTransaction<std::string>([&](pqxx::work& tx) -> absl::StatusOr<std::string> {
    pqxx::result r = tx.exec_prepared("cert_crl_get");
    if (r.empty()) return absl::NotFoundError("no CRL yet");
    return pqxx::binarystring(r[0][0]).str();
  });
}

absl::StatusOr<std::vector<UnitFigures>> CertificateStore::Statistics(absl::Time as_of,
                                                                      const std::string& unit) {
  return pool_->InTransaction<std::vector<UnitFigures>>(
      [&](pqxx::work& tx) -> absl::StatusOr<std::vector<UnitFigures>> {
        std::vector<UnitFigures> out;
        for (const auto& r : tx.exec_prepared("cert_statistics", Micros(as_of), unit)) {
          out.push_back({r[0].as<std::string>(), r[1].as<int64_t>(), r[2].as<int64_t>(),
                         r[3].as<int64_t>(), r[4].as<int64_t>(), r[5].as<int64_t>()});
        }
        return out;
      });
}

absl::StatusOr<std::vector<StepFigures>> CertificateStore::StepTimes(absl::Time from, absl::Time to,
                                                                   absl::Duration standard) {
  return pool_->InTransaction<std::vector<StepFigures>>(
      [&](pqxx::work& tx) -> absl::StatusOr<std::vector<StepFigures>> {
        std::vector<StepFigures> out;
        for (const auto& r : tx.exec_prepared("cert_step_times", Micros(from), Micros(to),
                                              absl::ToInt64Milliseconds(standard))) {
          StepFigures f;
          f.step = r[0].as<int>();
          f.count = r[1].as<int64_t>();
          f.p50 = absl::Milliseconds(r[2].as<double>());
          f.p95 = absl::Milliseconds(r[3].as<double>());
          f.max = absl::Milliseconds(r[4].as<int64_t>());
          f.exceeded = r[5].as<int64_t>();
          out.push_back(f);
        }
        return out;
      });
}

absl::StatusOr<int> CertificateStore::PurgeKeystores(absl::Time before, const std::string& actor) {
  return pool_->InTransaction<int>([&](pqxx::work& tx) -> absl::StatusOr<int> {
    int n = 0;
    for (const auto& r : tx.exec_prepared("cert_purge_candidates", Micros(before))) {
      std::string app = r[0].as<std::string>();
      tx.exec_prepared("cert_keystore_delete", app);
      Audit(audit_, tx,
            {.actor_sub = actor, .actor_role = "SERVICE", .action = "KEYSTORE_PURGED",
             .entity_id = app},
            "enrollment");
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
    pqxx::result rows = tx.exec_prepared("cert_expiry_candidates", Micros(now), Micros(until));
    for (const auto& r : rows) {
      CertificateRecord c = ReadCertificate(r);
      EnrollmentRecord e = SelectEnrollment(tx, c.application_id);
      OutboxItem o = make(c, e.holder);
      Outbox::Enqueue(tx, o.topic, o.key, o.payload);
      tx.exec_prepared("cert_expiry_mark", c.serial, Micros(now));
      ++n;
    }
    return n;
  });
}

}  // namespace sertel::certificate
