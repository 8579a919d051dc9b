#include "enrollment_manager.h"

#include <openssl/crypto.h>

#include "absl/cleanup/cleanup.h"
#include "certificate_inputs.h"
#include "certificate_matcher.h"
#include "certificate_roles.h"
#include "common/field_rules.h"
#include "common/field_violations.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/uuid.h"
#include "proof_of_use.h"
#include "revocation_manager.h"

namespace sertel::certificate {
namespace {

// Local checks for what goes into the certificate; the structural NIK/NIP checks of intake
// were applied at step 1 already. The subject's CN and OU follow the certificate profile's
// rules from the one table (common/field_rules.h), which intake applied at step 1 too.
void ValidateApplicant(const HolderRecord& a, FieldViolations& v) {
  if (!IsNikShaped(a.nik)) v.Add("applicant.nik", "must be 16 digits");
  if (!a.nip.empty() && (a.nip.size() != 18 || !AllDigits(a.nip))) {
    v.Add("applicant.nip", "must be 18 digits");
  }
  v.AddIf(CheckField("applicant.full_name", field_rules::kFullName, a.full_name, true));
  size_t at = a.email.find('@');
  if (a.email.empty() || at == std::string::npos || at == 0 || at + 1 >= a.email.size() ||
      a.email.find_first_of(" ,;<>\"") != std::string::npos || a.email.size() > 254) {
    v.Add("applicant.email", "must be an email address");
  }
  if (!a.certificate_ou.empty()) {
    // The unit is a code of intake's registry; the OU is the registry's name for it.
    v.AddIf(CheckField("applicant.unit", field_rules::kUnitCode, a.unit, true));
    v.AddIf(CheckField("applicant.certificate_ou", field_rules::kCertificateOu, a.certificate_ou,
                       true));
  } else {
    // A caller older than the registry: its unit is what goes into the OU.
    v.AddIf(CheckField("applicant.unit", field_rules::kCertificateOu, a.unit, true));
  }
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

// The holder as recorded: the OU resolved (the unit itself for older callers).
HolderRecord ResolvedHolder(HolderRecord h) {
  if (h.certificate_ou.empty()) h.certificate_ou = h.unit;
  return h;
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
                           .holder = ResolvedHolder(*in.applicant),
                           .activation_hash = codes_->Hash(code),
                           .sealed_code = *sealed};
  // Issue 18: the code by WhatsApp too (its AUTHENTICATION template), when configured.
  if (settings_.code_by_whatsapp && !enrollment.holder.phone.empty()) {
    absl::StatusOr<std::string> by_whatsapp = codes_->SealForOutbox(
        code, EnrollmentLifecycle::WhatsAppActivationRequestId(in.application_id));
    if (!by_whatsapp.ok()) return by_whatsapp.status();
    enrollment.sealed_code_whatsapp = *std::move(by_whatsapp);
  }
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
  if (!e.ok()) return e.status();
  return WithResendsLeft(*std::move(e));
}

absl::StatusOr<EnrollmentRecord> EnrollmentManager::GetEnrollment(
    const Principal& caller, const std::string& application_id) {
  if (application_id.empty()) return InvalidField("application_id", "is required");
  absl::StatusOr<EnrollmentRecord> e = store_->GetEnrollmentWithTimeline(application_id);
  if (!e.ok()) return e.status();
  if (absl::Status s = CheckOwnEnrollment(caller, e->holder.nik, kReadAnyEnrollment); !s.ok()) {
    return s;
  }
  return WithResendsLeft(*std::move(e));
}

absl::StatusOr<EnrollmentRecord> EnrollmentManager::ResendActivationCode(
    const Principal& caller, const std::string& application_id, const std::string& request_id) {
  FieldViolations v;
  if (application_id.empty()) v.Add("application_id", "is required");
  v.AddIfError("request_id", CheckRequestId(request_id, /*required=*/true));
  if (!v.empty()) return v.ToStatus("the resend request is invalid");
  absl::StatusOr<std::optional<RequestKey>> key =
      MakeRequestKey(store_, "ResendActivationCode", request_id, {application_id});
  if (!key.ok()) return key.status();
  absl::StatusOr<EnrollmentRecord> e = store_->GetEnrollment(application_id);
  if (!e.ok()) return e.status();
  if (absl::Status s = CheckOwnEnrollment(caller, e->holder.nik, kActForTheOwner); !s.ok()) {
    return s;
  }
  absl::Time now = clock_->Now();
  absl::StatusOr<RequestVerdict> earlier = CheckEarlierRequest(store_, *key, now);
  if (!earlier.ok()) return earlier.status();
  if (*earlier == RequestVerdict::kNew) {
    if (absl::Status s = EnrollmentLifecycle::CheckCanResend(*e, now); !s.ok()) return s;
  }

  std::string code = codes_->Generate();
  absl::Cleanup wipe = [&code] { OPENSSL_cleanse(code.data(), code.size()); };
  Actor actor = ActorOf(caller);
  bool replayed = false;
  absl::StatusOr<EnrollmentRecord> after = ApplyWithKey(
      store_, application_id, *key, "", /*mark_done=*/true, now, &replayed,
      [&](const EnrollmentRecord* current) -> absl::StatusOr<EnrollmentChange> {
        if (current == nullptr) return absl::NotFoundError("no enrollment");
        if (absl::Status s = EnrollmentLifecycle::CheckCanResend(*current, now); !s.ok()) return s;
        // Sealed for its own message (the next code's request id), as StartEnrollment's.
        absl::StatusOr<std::string> sealed =
            codes_->SealForOutbox(code, EnrollmentLifecycle::ActivationRequestId(
                                            application_id, current->activation_codes_sent + 1));
        if (!sealed.ok()) return sealed.status();
        NewActivationCode next{.activation_hash = codes_->Hash(code), .sealed_code = *sealed};
        if (settings_.code_by_whatsapp && !current->holder.phone.empty()) {
          absl::StatusOr<std::string> by_whatsapp =
              codes_->SealForOutbox(code, EnrollmentLifecycle::WhatsAppActivationRequestId(
                                              application_id, current->activation_codes_sent + 1));
          if (!by_whatsapp.ok()) return by_whatsapp.status();
          next.sealed_code_whatsapp = *std::move(by_whatsapp);
        }
        return lifecycle_.ResendActivationCode(current, next, actor, now);
      });
  if (!after.ok()) return after.status();
  if (!replayed) {
    Log::Info("activation_code_resent",
              {{"application_id", application_id}, {"codes_sent", after->activation_codes_sent}});
  }
  return WithResendsLeft(*std::move(after));
}

EnrollmentRecord EnrollmentManager::WithResendsLeft(EnrollmentRecord e) const {
  e.activation_resends_left = EnrollmentLifecycle::ResendsLeft(e, clock_->Now());
  return e;
}

absl::StatusOr<CertificateView> EnrollmentManager::CertificateOf(
    const std::string& application_id) const {
  absl::StatusOr<CertificateRecord> c = store_->GetCertificateByApplication(application_id);
  if (!c.ok()) return c.status();
  return CertificateView{*c, EnrollmentLifecycle::StatusAt(*c, clock_->Now())};
}

absl::StatusOr<CertificateView> EnrollmentManager::SetPassphrase(const Principal& caller,
                                                                 const std::string& application_id,
                                                                 const std::string& activation_code,
                                                                 std::string& passphrase,
                                                                 const std::string& request_id) {
  // Architecture: the passphrase lives in memory only for key wrapping, then is wiped.
  absl::Cleanup wipe = [&passphrase] {
    if (!passphrase.empty()) OPENSSL_cleanse(passphrase.data(), passphrase.size());
  };
  FieldViolations v;
  if (application_id.empty()) v.Add("application_id", "is required");
  v.AddIfError("request_id", CheckRequestId(request_id, /*required=*/false));
  if (!v.empty()) return v.ToStatus("the passphrase request is invalid");
  // The whole request is the payload: the same key with another code or passphrase is another
  // request. Only its keyed hash is kept.
  absl::StatusOr<std::optional<RequestKey>> key = MakeRequestKey(
      store_, "SetPassphrase", request_id, {application_id, activation_code, passphrase});
  if (!key.ok()) return key.status();

  absl::Time now = clock_->Now();
  bool replayed = false;
  absl::StatusOr<EnrollmentRecord> e = CheckPassphraseRequest(
      caller, application_id, activation_code, passphrase, *key, now, &replayed);
  if (!e.ok()) return e.status();
  if (replayed) return CertificateOf(application_id);

  Actor actor = ActorOf(caller);
  // The claim on the key keeps a second arrival of the same request from issuing again while
  // this one calls the CA outside any transaction.
  std::string claim = key->has_value() ? NewUuid() : "";
  absl::StatusOr<EnrollmentRecord> tried =
      TryActivationCode(application_id, activation_code, actor, now, *key, claim, &replayed);
  if (!tried.ok()) return tried.status();
  if (replayed) return CertificateOf(application_id);
  bool stored = false;
  absl::Cleanup release = [&] {
    if (stored) return;
    if (key->has_value()) (void)store_->ReleaseRequest(**key, claim);
    if (tried->issuing_until.has_value()) EndIssuingHold(application_id, *tried->issuing_until);
  };
  absl::StatusOr<Issuance> issuance = IssueAndSeal(*tried, passphrase, now);
  if (!issuance.ok()) return issuance.status();

  // Used only when the proof of use failed: the certificate is revoked in the same change.
  CrlSigner crl = CrlSignerOf(ca_, clock_, settings_.crl_validity);
  absl::StatusOr<EnrollmentRecord> done = ApplyWithKey(
      store_, application_id, *key, claim, /*mark_done=*/true, now, &replayed,
      [&](const EnrollmentRecord* current) -> absl::StatusOr<EnrollmentChange> {
        return lifecycle_.Issue(current, tried->version, *issuance, sealer_.options().legacy, actor,
                                now);
      },
      &crl);
  if (!done.ok()) return done.status();
  stored = true;
  // Our claim was taken over and the same request finished meanwhile: its certificate.
  if (replayed) return CertificateOf(application_id);
  Log::Info("certificate_issued",
            {{"application_id", application_id}, {"serial", issuance->certificate.serial}});
  // As stored (revoked at once when the proof of use failed).
  return CertificateOf(application_id);
}

void EnrollmentManager::EndIssuingHold(const std::string& application_id, absl::Time held_until) {
  absl::StatusOr<EnrollmentRecord> ended =
      store_->Apply(application_id, [&](const EnrollmentRecord* current) {
        return lifecycle_.EndIssuingHold(current, held_until);
      });
  // Not ended now, it lapses at held_until by itself.
  if (!ended.ok()) {
    Log::Warn("issuing_hold_not_ended", {{"application_id", application_id},
                                         {"detail", std::string(ended.status().message())}});
  }
}

absl::StatusOr<EnrollmentRecord> EnrollmentManager::CheckPassphraseRequest(
    const Principal& caller, const std::string& application_id, const std::string& activation_code,
    const std::string& passphrase, const std::optional<RequestKey>& key, absl::Time now,
    bool* replay) const {
  absl::StatusOr<EnrollmentRecord> e = store_->GetEnrollment(application_id);
  if (!e.ok()) return e.status();
  if (absl::Status s = CheckOwnEnrollment(caller, e->holder.nik, kActForTheOwner); !s.ok()) {
    return s;
  }
  absl::StatusOr<RequestVerdict> earlier = CheckEarlierRequest(store_, key, now);
  if (!earlier.ok()) return earlier.status();
  if (*earlier == RequestVerdict::kReplay) {
    *replay = true;
    return e;
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
    absl::Time now, const std::optional<RequestKey>& key, const std::string& claim, bool* replay) {
  bool matched = false;
  int tries = 0;
  // Whoever types it, the owner or the verifier at whose desk the owner sits, a try is counted
  // on the same enrollment and locks the same code.
  absl::StatusOr<EnrollmentRecord> after = ApplyWithKey(
      store_, application_id, key, claim, /*mark_done=*/false, now, replay,
      [&](const EnrollmentRecord* current) -> absl::StatusOr<EnrollmentChange> {
        matched = current != nullptr && codes_->Matches(activation_code, current->activation_hash);
        absl::StatusOr<EnrollmentChange> change =
            lifecycle_.TryActivationCode(current, matched, actor, now);
        if (!change.ok()) return change;
        tries = change->after.activation_attempts;
        if (matched && key.has_value()) {
          change->request = RequestWrite{.key = *key,
                                         .application_id = application_id,
                                         .done = false,
                                         .claim = claim,
                                         .at = now};
        }
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
  // What the races of issue 23 count: at most one per enrollment.
  Metrics::Global().Increment("sertel_ca_certificates_signed_total", {});
  // SOP warning: nothing is stored unless the certificate carries the key just generated and
  // names its holder.
  if (absl::Status m = CertificateMatcher::VerifyMatches(issued->certificate.get(), key->get(),
                                                         ca_->chain(), holder, now);
      !m.ok()) {
    Log::Error("issued_certificate_mismatch",
               {{"application_id", e.application_id}, {"detail", std::string(m.message())}});
    return m;
  }
  // Issue 21, proof of use: while the new key is still in memory, it signs a test document and
  // the signature is verified as a validator would. Stored with the certificate either way;
  // HandOver refuses a FAILED report.
  ProofReport proof =
      ProofOfUse::Run(key->get(), issued->certificate.get(), ca_->chain(), holder, now);
  if (!proof.passed) {
    Log::Error("proof_of_use_failed",
               {{"application_id", e.application_id},
                {"serial", issued->serial_hex},
                {"detail", std::string(ProofOfUse::RequirePassed(proof).message())}});
  }
  // A failed proof's keystore would be discarded (the certificate is revoked at once): the key
  // is never sealed, so it exists nowhere but in this function's memory.
  absl::StatusOr<std::string> p12 = proof.passed
                                        ? sealer_.Seal(key->get(), issued->certificate.get(),
                                                       ca_->chain(), passphrase, holder.full_name)
                                        : absl::StatusOr<std::string>(std::string());
  key->reset();  // EVP_PKEY_free clears the private key material
  if (!p12.ok()) return p12.status();
  return Issuance{.certificate = {.serial = issued->serial_hex,
                                  .application_id = e.application_id,
                                  .nik = holder.nik,
                                  .full_name = holder.full_name,
                                  .email = holder.email,
                                  .unit = e.holder.unit,  // the unit's code; the OU is its name
                                  .subject = issued->subject,
                                  .not_before = issued->not_before,
                                  .not_after = issued->not_after,
                                  .sha256_fingerprint = issued->sha256_fingerprint,
                                  .certificate_pem = issued->pem,
                                  .key_algorithm = KeyAlgorithmName(keys_.algorithm()),
                                  .issued_at = now,
                                  .proof_of_use = std::move(proof)},
                  .pkcs12 = *std::move(p12)};
}

}  // namespace sertel::certificate
