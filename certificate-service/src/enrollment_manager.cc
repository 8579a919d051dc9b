#include "enrollment_manager.h"

#include <openssl/crypto.h>

#include "absl/cleanup/cleanup.h"
#include "certificate_inputs.h"
#include "certificate_matcher.h"
#include "certificate_roles.h"
#include "common/field_violations.h"
#include "common/log.h"

namespace sertel::certificate {
namespace {

// Local checks for what goes into the certificate; the structural NIK/NIP checks of intake
// were applied at step 1 already, here the subject only has to be well formed (RFC 5280
// upper bounds: 64 characters for CN, OU and serialNumber).
void ValidateApplicant(const HolderRecord& a, FieldViolations& v) {
  if (!IsNikShaped(a.nik)) v.Add("applicant.nik", "must be 16 digits");
  if (!a.nip.empty() && (a.nip.size() != 18 || !AllDigits(a.nip))) {
    v.Add("applicant.nip", "must be 18 digits");
  }
  if (a.full_name.empty()) v.Add("applicant.full_name", "is required");
  if (a.full_name.size() > 64) v.Add("applicant.full_name", "at most 64 characters");
  size_t at = a.email.find('@');
  if (a.email.empty() || at == std::string::npos || at == 0 || at + 1 >= a.email.size() ||
      a.email.find_first_of(" ,;<>\"") != std::string::npos || a.email.size() > 254) {
    v.Add("applicant.email", "must be an email address");
  }
  if (a.unit.empty()) v.Add("applicant.unit", "is required");
  if (a.unit.size() > 64) v.Add("applicant.unit", "at most 64 characters");
  if (!a.phone.empty() &&
      (a.phone[0] != '+' || a.phone.size() < 8 || !AllDigits(a.phone.substr(1)))) {
    v.Add("applicant.phone", "must be in E.164 form (+62...)");
  }
}

absl::Status ValidateStart(const StartEnrollmentInput& in) {
  FieldViolations v;
  if (in.application_id.empty()) v.Add("application_id", "is required");
  if (in.application_id.size() > 128) v.Add("application_id", "at most 128 characters");
  if (in.request_id.empty()) v.Add("request_id", "is required");
  if (!in.applicant.has_value()) {
    v.Add("applicant", "is required");
  } else {
    ValidateApplicant(*in.applicant, v);
  }
  if (!v.empty()) return v.ToStatus("the enrollment request is invalid");
  return absl::OkStatus();
}

}  // namespace

EnrollmentManager::EnrollmentManager(CertificateStore* store, CertificateAuthority* ca,
                                     const ActivationCodes* codes, KeyGenerator keys,
                                     Pkcs12Sealer sealer, const ManagerSettings& settings,
                                     const Clock* clock)
    : store_(store),
      ca_(ca),
      codes_(codes),
      keys_(keys),
      sealer_(sealer),
      settings_(settings),
      lifecycle_(settings),
      clock_(clock) {}

absl::StatusOr<EnrollmentRecord> EnrollmentManager::StartEnrollment(
    const Principal& caller, const StartEnrollmentInput& in) {
  if (absl::Status s = ValidateStart(in); !s.ok()) return s;
  absl::Time now = clock_->Now();
  std::string code = codes_->Generate();
  absl::Cleanup wipe = [&code] { OPENSSL_cleanse(code.data(), code.size()); };
  // Sealed while it waits in our outbox table; opened by the outbox handler just before the
  // notification service receives it (notification_client.h).
  absl::StatusOr<std::string> sealed =
      codes_->SealForOutbox(code, EnrollmentLifecycle::ActivationRequestId(in.application_id));
  if (!sealed.ok()) return sealed.status();
  NewEnrollment enrollment{.application_id = in.application_id,
                           .request_id = in.request_id,
                           .holder = *in.applicant,
                           .activation_hash = codes_->Hash(code),
                           .sealed_code = *sealed};
  Actor actor = ActorOf(caller);
  bool created = false;
  CertificateStore::Decide decide =
      [&](const EnrollmentRecord* current) -> absl::StatusOr<EnrollmentChange> {
    absl::StatusOr<EnrollmentChange> change = lifecycle_.Start(current, enrollment, actor, now);
    created = change.ok() && change->kind == EnrollmentChange::Kind::kInsert;
    return change;
  };
  absl::StatusOr<EnrollmentRecord> e = store_->Apply(in.application_id, decide);
  // Lost a race with a redelivery of the same request: the winner's row is there now, and the
  // second round returns it (or ALREADY_EXISTS for another applicant).
  if (absl::IsAborted(e.status())) e = store_->Apply(in.application_id, decide);
  if (e.ok() && created) Log::Info("enrollment_started", {{"application_id", in.application_id}});
  return e;
}

absl::StatusOr<EnrollmentRecord> EnrollmentManager::GetEnrollment(
    const Principal& caller, const std::string& application_id) {
  if (application_id.empty()) return InvalidField("application_id", "is required");
  absl::StatusOr<EnrollmentRecord> e = store_->GetEnrollmentWithTimeline(application_id);
  if (!e.ok()) return e.status();
  if (absl::Status s = CheckOwnEnrollment(caller, e->holder.nik, kReadAnyEnrollment); !s.ok()) {
    return s;
  }
  return e;
}

absl::StatusOr<CertificateView> EnrollmentManager::SetPassphrase(const Principal& caller,
                                                                 const std::string& application_id,
                                                                 const std::string& activation_code,
                                                                 std::string& passphrase) {
  // Architecture: the passphrase lives in memory only for key wrapping, then is wiped.
  absl::Cleanup wipe = [&passphrase] {
    if (!passphrase.empty()) OPENSSL_cleanse(passphrase.data(), passphrase.size());
  };
  if (application_id.empty()) return InvalidField("application_id", "is required");
  absl::StatusOr<EnrollmentRecord> e =
      CheckPassphraseRequest(caller, application_id, activation_code, passphrase);
  if (!e.ok()) return e.status();

  absl::Time now = clock_->Now();
  Actor actor = ActorOf(caller);
  absl::StatusOr<EnrollmentRecord> tried =
      TryActivationCode(application_id, activation_code, actor, now);
  if (!tried.ok()) return tried.status();
  absl::StatusOr<Issuance> issuance = IssueAndSeal(*tried, passphrase, now);
  if (!issuance.ok()) return issuance.status();

  absl::StatusOr<EnrollmentRecord> done = store_->Apply(
      application_id, [&](const EnrollmentRecord* current) -> absl::StatusOr<EnrollmentChange> {
        return lifecycle_.Issue(current, tried->version, *issuance, sealer_.options().legacy, actor,
                                now);
      });
  if (!done.ok()) return done.status();
  const CertificateRecord& c = issuance->certificate;
  Log::Info("certificate_issued", {{"application_id", application_id}, {"serial", c.serial}});
  return CertificateView{c, EnrollmentLifecycle::StatusAt(c, clock_->Now())};
}

absl::StatusOr<EnrollmentRecord> EnrollmentManager::CheckPassphraseRequest(
    const Principal& caller, const std::string& application_id, const std::string& activation_code,
    const std::string& passphrase) const {
  absl::StatusOr<EnrollmentRecord> e = store_->GetEnrollment(application_id);
  if (!e.ok()) return e.status();
  if (absl::Status s = CheckOwnEnrollment(caller, e->holder.nik, kActForTheOwner); !s.ok()) {
    return s;
  }
  if (absl::Status s = EnrollmentLifecycle::CheckAwaitingPassphrase(*e); !s.ok()) return s;
  // SOP step 6: the passphrase policy, every broken rule at once. The code is not tried while
  // the passphrase is unacceptable, so a typing mistake costs no try.
  FieldViolations v;
  if (activation_code.empty()) v.Add("activation_code", "is required");
  if (activation_code.size() > 64) v.Add("activation_code", "too long");
  for (const std::string& rule :
       policy_.Check(passphrase, {e->holder.nik, e->holder.nip, e->holder.full_name})) {
    v.Add("passphrase", rule);
  }
  if (!v.empty()) return v.ToStatus("the passphrase or activation code is not acceptable");
  return e;
}

absl::StatusOr<EnrollmentRecord> EnrollmentManager::TryActivationCode(
    const std::string& application_id, const std::string& activation_code, const Actor& actor,
    absl::Time now) {
  bool matched = false;
  int tries = 0;
  absl::StatusOr<EnrollmentRecord> after = store_->Apply(
      application_id, [&](const EnrollmentRecord* current) -> absl::StatusOr<EnrollmentChange> {
        matched = current != nullptr && codes_->Matches(activation_code, current->activation_hash);
        absl::StatusOr<EnrollmentChange> change =
            lifecycle_.TryActivationCode(current, matched, actor, now);
        if (change.ok()) tries = change->after.activation_attempts;
        return change;
      });
  if (!matched && tries > 0 && absl::IsInvalidArgument(after.status())) {
    Log::Warn("activation_code_wrong", {{"application_id", application_id}, {"tries_used", tries}});
  }
  return after;
}

absl::StatusOr<Issuance> EnrollmentManager::IssueAndSeal(const EnrollmentRecord& e,
                                                         const std::string& passphrase,
                                                         absl::Time now) const {
  absl::StatusOr<EvpPkeyPtr> key = keys_.Generate();
  if (!key.ok()) return key.status();
  HolderIdentity holder = IdentityOf(e.holder);
  absl::StatusOr<IssuedCertificate> issued = ca_->Issue({.public_key = key->get(),
                                                         .holder = holder,
                                                         .not_before = now,
                                                         .not_after = now + settings_.validity});
  if (!issued.ok()) return issued.status();
  // SOP warning: nothing is stored unless the certificate carries the key just generated and
  // names its holder.
  if (absl::Status m = CertificateMatcher::VerifyMatches(issued->certificate.get(), key->get(),
                                                         ca_->chain(), holder, now);
      !m.ok()) {
    Log::Error("issued_certificate_mismatch",
               {{"application_id", e.application_id}, {"detail", std::string(m.message())}});
    return m;
  }
  absl::StatusOr<std::string> p12 = sealer_.Seal(key->get(), issued->certificate.get(),
                                                 ca_->chain(), passphrase, holder.full_name);
  key->reset();  // EVP_PKEY_free clears the private key material
  if (!p12.ok()) return p12.status();
  return Issuance{.certificate = {.serial = issued->serial_hex,
                                  .application_id = e.application_id,
                                  .nik = holder.nik,
                                  .full_name = holder.full_name,
                                  .email = holder.email,
                                  .unit = holder.unit,
                                  .subject = issued->subject,
                                  .not_before = issued->not_before,
                                  .not_after = issued->not_after,
                                  .sha256_fingerprint = issued->sha256_fingerprint,
                                  .certificate_pem = issued->pem,
                                  .key_algorithm = KeyAlgorithmName(keys_.algorithm()),
                                  .issued_at = now},
                  .pkcs12 = *std::move(p12)};
}

}  // namespace sertel::certificate
