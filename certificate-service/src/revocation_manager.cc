#include "revocation_manager.h"

#include "certificate_inputs.h"
#include "certificate_roles.h"
#include "common/field_violations.h"
#include "common/log.h"
#include "request_keys.h"

namespace sertel::certificate {

absl::StatusOr<CertificateView> RevocationManager::RevokeCertificate(
    const Principal& caller, const std::string& serial, int reason, const std::string& request_id) {
  FieldViolations v;
  if (serial.empty()) {
    v.Add("serial", "is required");
  } else if (!IsSerialHex(serial)) {
    v.Add("serial", "must be hexadecimal");
  }
  if (!RevocationReasonName(reason).has_value()) v.Add("reason", "must be an RFC 5280 reason");
  v.AddIfError("request_id", CheckRequestId(request_id, /*required=*/false));
  if (!v.empty()) return v.ToStatus("the revocation request is invalid");

  absl::Time now = clock_->Now();
  std::string normalized = NormalizeSerial(serial);
  absl::StatusOr<std::optional<RequestKey>> key =
      MakeRequestKey(store_, "RevokeCertificate", request_id, {normalized, std::to_string(reason)});
  if (!key.ok()) return key.status();
  absl::StatusOr<CertificateRecord> c = store_->GetCertificateBySerial(normalized);
  if (!c.ok()) return c.status();
  Actor actor = ActorOf(caller);
  CrlSigner crl = Signer();
  bool replayed = false;
  // A repeat of a done revocation (under the enrollment's lock) answers the certificate as it
  // is and revokes nothing again; without a key a second revocation is FAILED_PRECONDITION.
  absl::StatusOr<EnrollmentRecord> done = ApplyWithKey(
      store_, c->application_id, *key, "", /*mark_done=*/true, now, &replayed,
      [&](const EnrollmentRecord* current) -> absl::StatusOr<EnrollmentChange> {
        // No version is checked (a revocation may follow any step): dated when it decides,
        // under the lock, so a HandOver that held the lock meanwhile is earlier on the timeline.
        return lifecycle_.Revoke(current, normalized, reason, actor, clock_->Now());
      },
      &crl);
  if (!done.ok()) return done.status();
  if (!replayed) Log::Info("certificate_revoked", {{"serial", normalized}});
  absl::StatusOr<CertificateRecord> revoked = store_->GetCertificateBySerial(normalized);
  if (!revoked.ok()) return revoked.status();
  return CertificateView{*revoked, EnrollmentLifecycle::StatusAt(*revoked, clock_->Now())};
}

absl::Status RevocationManager::RefreshCrl() { return store_->RebuildCrl(Signer()); }

absl::StatusOr<std::string> RevocationManager::CurrentCrl() {
  absl::StatusOr<std::string> crl = store_->CurrentCrl();
  if (absl::IsNotFound(crl.status())) {
    if (absl::Status s = RefreshCrl(); !s.ok()) return s;
    return store_->CurrentCrl();
  }
  return crl;
}

CrlSigner CrlSignerOf(CertificateAuthority* ca, const Clock* clock, absl::Duration validity) {
  return {
      .clock = clock,
      .validity = validity,
      .sign = [ca](const std::vector<RevokedEntry>& entries, int64_t number, absl::Time this_update,
                   absl::Time next_update) -> absl::StatusOr<std::string> {
        return ca->MakeCrl(entries, number, this_update, next_update);
      }};
}

CrlSigner RevocationManager::Signer() const { return CrlSignerOf(ca_, clock_, crl_validity_); }

}  // namespace sertel::certificate
