#include "certificate_manager.h"

#include <openssl/crypto.h>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/field_violations.h"
#include "common/log.h"
#include "common/sop.h"
#include "sertel/v1/notification.pb.h"

namespace sertel::certificate {
namespace {

constexpr absl::Duration kStandardStep67 = SopStandardTime(6);  // steps 6 and 7 alike
constexpr size_t kMaxPemBytes = 64 << 10;

void SetTimestamp(absl::Time t, google::protobuf::Timestamp* out) {
  int64_t us = absl::ToUnixMicros(t);
  int64_t s = us / 1000000;
  int64_t rem = us % 1000000;
  if (rem < 0) {
    rem += 1000000;
    --s;
  }
  out->set_seconds(s);
  out->set_nanos(static_cast<int32_t>(rem * 1000));
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_sec, t, absl::UTCTimeZone());
}

void SetDuration(absl::Duration d, google::protobuf::Duration* out) {
  int64_t ms = absl::ToInt64Milliseconds(d);
  out->set_seconds(ms / 1000);
  out->set_nanos(static_cast<int32_t>((ms % 1000) * 1000000));
}

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Local checks for what goes into the certificate; the structural NIK/NIP checks of intake
// were applied at step 1 already, here the subject only has to be well formed (RFC 5280
// upper bounds: 64 characters for CN, OU and serialNumber).
void ValidateApplicant(const v1::Applicant& a, FieldViolations& v) {
  if (a.nik().size() != 16 || !AllDigits(a.nik())) v.Add("applicant.nik", "must be 16 digits");
  if (!a.nip().empty() && (a.nip().size() != 18 || !AllDigits(a.nip()))) {
    v.Add("applicant.nip", "must be 18 digits");
  }
  if (a.full_name().empty()) v.Add("applicant.full_name", "is required");
  if (a.full_name().size() > 64) v.Add("applicant.full_name", "at most 64 characters");
  size_t at = a.email().find('@');
  if (a.email().empty() || at == std::string::npos || at == 0 || at + 1 >= a.email().size() ||
      a.email().find_first_of(" ,;<>\"") != std::string::npos || a.email().size() > 254) {
    v.Add("applicant.email", "must be an email address");
  }
  if (a.unit().empty()) v.Add("applicant.unit", "is required");
  if (a.unit().size() > 64) v.Add("applicant.unit", "at most 64 characters");
  if (!a.phone().empty() &&
      (a.phone()[0] != '+' || a.phone().size() < 8 || !AllDigits(a.phone().substr(1)))) {
    v.Add("applicant.phone", "must be in E.164 form (+62...)");
  }
}

HolderRecord ToHolder(const v1::Applicant& a) {
  return {a.nik(), a.nip(), a.full_name(), a.email(), a.phone(), a.unit(), a.position()};
}

bool SameHolder(const HolderRecord& a, const HolderRecord& b) {
  return a.nik == b.nik && a.nip == b.nip && a.full_name == b.full_name && a.email == b.email &&
         a.phone == b.phone && a.unit == b.unit && a.position == b.position;
}

HolderIdentity Identity(const HolderRecord& h) { return {h.full_name, h.nik, h.email, h.unit}; }

v1::EnrollmentStatus ToProto(EnrollmentState s) {
  switch (s) {
    case EnrollmentState::kAwaitingPassphrase: return v1::ENROLLMENT_STATUS_AWAITING_PASSPHRASE;
    case EnrollmentState::kIssued: return v1::ENROLLMENT_STATUS_ISSUED;
    case EnrollmentState::kHandedOver: return v1::ENROLLMENT_STATUS_HANDED_OVER;
    case EnrollmentState::kRevoked: return v1::ENROLLMENT_STATUS_REVOKED;
  }
  return v1::ENROLLMENT_STATUS_UNSPECIFIED;
}

v1::FindingCode ToProto(FindingCode c) {
  switch (c) {
    case FindingCode::kNotIssuedByCa: return v1::FINDING_CODE_NOT_ISSUED_BY_CA;
    case FindingCode::kExpired: return v1::FINDING_CODE_EXPIRED;
    case FindingCode::kNotYetValid: return v1::FINDING_CODE_NOT_YET_VALID;
    case FindingCode::kRevoked: return v1::FINDING_CODE_REVOKED;
    case FindingCode::kNameMismatch: return v1::FINDING_CODE_NAME_MISMATCH;
    case FindingCode::kNikMismatch: return v1::FINDING_CODE_NIK_MISMATCH;
    case FindingCode::kEmailMismatch: return v1::FINDING_CODE_EMAIL_MISMATCH;
    case FindingCode::kKeyUsageMissing: return v1::FINDING_CODE_KEY_USAGE_MISSING;
    case FindingCode::kUnknownHolder: return v1::FINDING_CODE_UNKNOWN_HOLDER;
    case FindingCode::kMalformed: return v1::FINDING_CODE_MALFORMED;
  }
  return v1::FINDING_CODE_UNSPECIFIED;
}

std::string ChannelName(v1::Channel c) {
  return c == v1::CHANNEL_WHATSAPP ? "WHATSAPP" : "EMAIL";
}

// The role the caller acts in on an enrollment: the verifier, else the applicant.
std::string ActingRole(const Principal& caller) {
  if (caller.Has(Role::kVerifier)) return "VERIFIER";
  if (caller.Has(Role::kApplicant)) return "APPLICANT";
  if (caller.Has(Role::kService)) return "SERVICE";
  return std::string(RoleName(Role::kAuditor));
}

// An applicant may only touch their own enrollment (contract: "APPLICANT (own)").
absl::Status CheckOwn(const Principal& caller, const EnrollmentRecord& e, RoleSet others) {
  if (caller.roles.Intersects(others)) return absl::OkStatus();
  if (caller.Has(Role::kApplicant) && !caller.nik.empty() && caller.nik == e.holder.nik) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError("an applicant may only act on their own enrollment");
}

std::string NormalizeSerial(absl::string_view s) {
  std::string out = absl::AsciiStrToLower(s);
  size_t nz = out.find_first_not_of('0');
  return nz == std::string::npos ? "0" : out.substr(nz);
}

bool IsHex(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

}  // namespace

CertificateManager::CertificateManager(CertificateStore* store, CertificateAuthority* ca,
                                       const ActivationCodes* codes, KeyGenerator keys,
                                       Pkcs12Sealer sealer, ManagerSettings settings,
                                       const Clock* clock)
    : store_(store),
      ca_(ca),
      codes_(codes),
      keys_(keys),
      sealer_(sealer),
      settings_(std::move(settings)),
      clock_(clock) {}

absl::Status CertificateManager::FillEnrollment(const EnrollmentRecord& e, v1::Enrollment* out) {
  absl::StatusOr<std::vector<TimelineRecord>> timeline = store_->GetTimeline(e.application_id);
  if (!timeline.ok()) return timeline.status();
  out->Clear();
  out->set_application_id(e.application_id);
  v1::Applicant* a = out->mutable_applicant();
  a->set_nik(e.holder.nik);
  a->set_nip(e.holder.nip);
  a->set_full_name(e.holder.full_name);
  a->set_email(e.holder.email);
  a->set_phone(e.holder.phone);
  a->set_unit(e.holder.unit);
  a->set_position(e.holder.position);
  out->set_status(ToProto(e.state));
  out->set_version(e.version);
  if (e.state == EnrollmentState::kAwaitingPassphrase) {
    SetTimestamp(e.activation_expires_at, out->mutable_activation_expires_at());
    out->set_current_step(v1::STEP_PASSPHRASE);
  } else {
    out->set_current_step(v1::STEP_HANDOVER);
  }
  out->set_certificate_serial(e.certificate_serial);
  out->set_handover_channel(static_cast<v1::Channel>(e.handover_channel));
  SetTimestamp(e.created_at, out->mutable_created_at());
  SetTimestamp(e.updated_at, out->mutable_updated_at());
  out->set_keystore_available(e.keystore_available);
  for (const TimelineRecord& t : *timeline) {
    v1::TimelineEntry* te = out->add_timeline();
    te->set_step(static_cast<v1::Step>(t.step));
    te->set_action(t.action);
    te->set_actor_sub(t.actor_sub);
    te->set_actor_role(t.actor_role);
    te->set_note(t.note);
    SetTimestamp(t.at, te->mutable_at());
    SetDuration(t.duration, te->mutable_duration());
    absl::Duration standard = SopStandardTime(t.step);
    SetDuration(standard, te->mutable_standard_duration());
    te->set_within_standard(t.duration <= standard);
  }
  return absl::OkStatus();
}

void CertificateManager::FillCertificate(const CertificateRecord& c, v1::Certificate* out) const {
  out->Clear();
  out->set_serial(c.serial);
  out->set_subject(c.subject);
  out->set_nik(c.nik);
  out->set_email(c.email);
  SetTimestamp(c.not_before, out->mutable_not_before());
  SetTimestamp(c.not_after, out->mutable_not_after());
  absl::Time now = clock_->Now();
  if (c.revoked_at.has_value() && *c.revoked_at <= now) {
    out->set_status(v1::CERTIFICATE_STATUS_REVOKED);
  } else if (now >= c.not_after) {
    out->set_status(v1::CERTIFICATE_STATUS_EXPIRED);
  } else {
    out->set_status(v1::CERTIFICATE_STATUS_VALID);
  }
  out->set_sha256_fingerprint(c.sha256_fingerprint);
  out->set_certificate_pem(c.certificate_pem);
  out->set_application_id(c.application_id);
  out->set_full_name(c.full_name);
  out->set_unit(c.unit);
  if (c.revoked_at.has_value()) {
    out->set_revocation_reason(static_cast<v1::RevocationReason>(c.revocation_reason));
    SetTimestamp(*c.revoked_at, out->mutable_revoked_at());
  }
  out->set_key_algorithm(c.key_algorithm);
}

absl::Status CertificateManager::StartEnrollment(const Principal& caller,
                                                 const v1::StartEnrollmentRequest& request,
                                                 v1::Enrollment* out) {
  FieldViolations v;
  if (request.application_id().empty()) v.Add("application_id", "is required");
  if (request.application_id().size() > 128) v.Add("application_id", "at most 128 characters");
  if (request.request_id().empty()) v.Add("request_id", "is required");
  if (!request.has_applicant()) {
    v.Add("applicant", "is required");
  } else {
    ValidateApplicant(request.applicant(), v);
  }
  if (!v.empty()) return v.ToStatus("the enrollment request is invalid");

  HolderRecord holder = ToHolder(request.applicant());
  // Idempotent: a redelivered request finds the enrollment and gets it back, no new code.
  absl::StatusOr<EnrollmentRecord> existing = store_->GetEnrollment(request.application_id());
  if (existing.ok()) {
    if (!SameHolder(existing->holder, holder)) {
      return absl::AlreadyExistsError(
          "an enrollment for this application exists with a different applicant");
    }
    return FillEnrollment(*existing, out);
  }
  if (!absl::IsNotFound(existing.status())) return existing.status();

  absl::Time now = clock_->Now();
  std::string code = codes_->Generate();
  absl::Cleanup wipe = [&code] { OPENSSL_cleanse(code.data(), code.size()); };
  EnrollmentRecord e;
  e.application_id = request.application_id();
  e.request_id = request.request_id();
  e.holder = holder;
  e.activation_hash = codes_->Hash(code);
  e.activation_expires_at = now + settings_.activation_ttl;
  e.created_at = now;
  e.updated_at = now;

  v1::SendNotificationRequest note;
  note.set_request_id(absl::StrCat("certificate:activation:", e.application_id, ":1"));
  note.set_application_id(e.application_id);
  note.set_channel(v1::CHANNEL_EMAIL);
  note.set_recipient(holder.email);
  note.set_template_(v1::NOTIFICATION_TEMPLATE_ACTIVATION_CODE);
  (*note.mutable_params())["full_name"] = holder.full_name;
  (*note.mutable_params())["application_id"] = e.application_id;
  // Sealed while it waits in our outbox table; opened by the outbox handler just before the
  // notification service receives it.
  (*note.mutable_params())["activation_code"] = codes_->SealForOutbox(code);
  (*note.mutable_params())["expires_at"] = Rfc3339(e.activation_expires_at);

  TimelineRecord t{5, "SENT_TO_CA", caller.sub, ActingRole(caller),
                   "registered with the CA; activation code sent", now, absl::ZeroDuration()};
  AuditNote a{caller.sub, ActingRole(caller), "ENROLLMENT_STARTED", e.application_id,
              {{"request_id", e.request_id},
               {"activation_expires_at", Rfc3339(e.activation_expires_at)}}};
  absl::StatusOr<EnrollmentRecord> created = store_->CreateEnrollment(
      e, t, a, {"notification.SendNotification", note.request_id(), note.SerializeAsString()});
  if (absl::IsAlreadyExists(created.status())) {
    // Lost a race with a redelivery of the same request: return what the winner stored.
    existing = store_->GetEnrollment(request.application_id());
    if (!existing.ok()) return existing.status();
    if (!SameHolder(existing->holder, holder)) {
      return absl::AlreadyExistsError(
          "an enrollment for this application exists with a different applicant");
    }
    return FillEnrollment(*existing, out);
  }
  if (!created.ok()) return created.status();
  Log::Info("enrollment_started", {{"application_id", e.application_id}});
  return FillEnrollment(*created, out);
}

absl::Status CertificateManager::GetEnrollment(const Principal& caller,
                                               const std::string& application_id,
                                               v1::Enrollment* out) {
  if (application_id.empty()) return InvalidField("application_id", "is required");
  absl::StatusOr<EnrollmentRecord> e = store_->GetEnrollment(application_id);
  if (!e.ok()) return e.status();
  if (absl::Status s = CheckOwn(caller, *e,
                                {Role::kVerifier, Role::kAuditor, Role::kService, Role::kOperator,
                                 Role::kHeadOfAgency, Role::kHeadOfDivision, Role::kHeadOfSection});
      !s.ok()) {
    return s;
  }
  return FillEnrollment(*e, out);
}

absl::Status CertificateManager::SetPassphrase(const Principal& caller,
                                               const std::string& application_id,
                                               const std::string& activation_code,
                                               std::string& passphrase, v1::Certificate* out) {
  // Architecture: the passphrase lives in memory only for key wrapping, then is wiped.
  absl::Cleanup wipe = [&passphrase] {
    if (!passphrase.empty()) OPENSSL_cleanse(passphrase.data(), passphrase.size());
  };
  if (application_id.empty()) return InvalidField("application_id", "is required");
  // Contract order: existence, the caller's role for this enrollment, the status.
  absl::StatusOr<EnrollmentRecord> e = store_->GetEnrollment(application_id);
  if (!e.ok()) return e.status();
  if (absl::Status s = CheckOwn(caller, *e, {Role::kVerifier}); !s.ok()) return s;
  if (e->state != EnrollmentState::kAwaitingPassphrase) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the enrollment is ", EnrollmentStateName(e->state),
        "; a passphrase can only be set while AWAITING_PASSPHRASE (the activation code is "
        "single-use)"));
  }

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

  absl::Time now = clock_->Now();
  if (now >= e->activation_expires_at) {
    return absl::FailedPreconditionError(
        "the activation code has expired; ask the verifier for a new one");
  }
  if (e->activation_attempts >= settings_.activation_max_attempts) {
    return absl::FailedPreconditionError(
        "the activation code is locked after too many wrong tries");
  }
  absl::StatusOr<int> tries =
      store_->ClaimActivationAttempt(application_id, settings_.activation_max_attempts);
  if (!tries.ok()) return tries.status();
  if (!codes_->Matches(activation_code, e->activation_hash)) {
    int left = settings_.activation_max_attempts - *tries;
    (void)store_->AppendAudit({caller.sub, ActingRole(caller), "ACTIVATION_CODE_WRONG",
                               application_id, {{"tries_used", *tries}}});
    Log::Warn("activation_code_wrong", {{"application_id", application_id}, {"tries_used", *tries}});
    return InvalidField("activation_code",
                        left > 0 ? absl::StrCat("wrong activation code; ", left, " tries left")
                                 : "wrong activation code; the code is now locked");
  }

  // The key pair, the certificate, the match check, the seal.
  absl::StatusOr<EvpPkeyPtr> key = keys_.Generate();
  if (!key.ok()) return key.status();
  HolderIdentity holder = Identity(e->holder);
  absl::StatusOr<IssuedCertificate> issued = ca_->Issue(
      {.public_key = key->get(), .holder = holder, .not_before = now,
       .not_after = now + settings_.validity});
  if (!issued.ok()) return issued.status();
  // SOP warning: nothing is stored unless the certificate carries the key just generated and
  // names its holder.
  if (absl::Status m = CertificateMatcher::VerifyMatches(issued->certificate.get(), key->get(),
                                                         ca_->chain(), holder, now);
      !m.ok()) {
    Log::Error("issued_certificate_mismatch",
               {{"application_id", application_id}, {"detail", std::string(m.message())}});
    return m;
  }
  absl::StatusOr<std::string> p12 = sealer_.Seal(key->get(), issued->certificate.get(),
                                                 ca_->chain(), passphrase, holder.full_name);
  key->reset();  // EVP_PKEY_free clears the private key material
  if (!p12.ok()) return p12.status();

  CertificateRecord c;
  c.serial = issued->serial_hex;
  c.application_id = application_id;
  c.nik = holder.nik;
  c.full_name = holder.full_name;
  c.email = holder.email;
  c.unit = holder.unit;
  c.subject = issued->subject;
  c.not_before = issued->not_before;
  c.not_after = issued->not_after;
  c.sha256_fingerprint = issued->sha256_fingerprint;
  c.certificate_pem = issued->pem;
  c.key_algorithm = KeyAlgorithmName(keys_.algorithm());
  c.issued_at = now;
  TimelineRecord t{6, "ISSUED", caller.sub, ActingRole(caller), "", now, now - e->created_at};
  AuditNote a{caller.sub, ActingRole(caller), "CERTIFICATE_ISSUED", application_id,
              {{"serial", c.serial},
               {"sha256_fingerprint", c.sha256_fingerprint},
               {"key_algorithm", c.key_algorithm},
               {"pkcs12_legacy", sealer_.options().legacy}}};
  absl::StatusOr<EnrollmentRecord> done =
      store_->CompleteIssuance(application_id, e->version, c, *p12, t, a);
  if (!done.ok()) return done.status();
  Log::Info("certificate_issued", {{"application_id", application_id}, {"serial", c.serial}});
  FillCertificate(c, out);
  return absl::OkStatus();
}

absl::Status CertificateManager::HandOver(const Principal& caller,
                                          const std::string& application_id, v1::Channel channel,
                                          v1::Enrollment* out) {
  FieldViolations v;
  if (application_id.empty()) v.Add("application_id", "is required");
  if (channel != v1::CHANNEL_EMAIL && channel != v1::CHANNEL_WHATSAPP) {
    v.Add("channel", "must be EMAIL or WHATSAPP");
  }
  if (!v.empty()) return v.ToStatus("the handover request is invalid");
  absl::StatusOr<EnrollmentRecord> e = store_->GetEnrollment(application_id);
  if (!e.ok()) return e.status();
  if (e->state != EnrollmentState::kIssued) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the enrollment is ", EnrollmentStateName(e->state), "; only an ISSUED one is handed over"));
  }
  if (channel == v1::CHANNEL_WHATSAPP && e->holder.phone.empty()) {
    return absl::FailedPreconditionError("the holder has no phone number for WHATSAPP");
  }
  absl::StatusOr<CertificateRecord> c = store_->GetCertificateByApplication(application_id);
  if (!c.ok()) return c.status();
  absl::StatusOr<std::optional<std::string>> p12 = store_->GetKeystore(application_id);
  if (!p12.ok()) return p12.status();
  if (!p12->has_value()) return absl::FailedPreconditionError("the keystore is no longer stored");

  // SOP warning: re-check that what goes out matches its holder, now.
  absl::Time now = clock_->Now();
  absl::StatusOr<X509Ptr> cert = LoadCertificatePem(c->certificate_pem);
  if (!cert.ok()) return absl::InternalError("the stored certificate does not parse");
  if (Sha256FingerprintHex(cert->get()) != c->sha256_fingerprint) {
    return absl::FailedPreconditionError("the stored certificate differs from its record");
  }
  if (absl::Status m = CertificateMatcher::VerifyMatches(cert->get(), nullptr, ca_->chain(),
                                                         Identity(e->holder), now);
      !m.ok()) {
    return m;
  }

  v1::SendNotificationRequest note;
  note.set_request_id(
      absl::StrCat("certificate:handover:", application_id, ":", ChannelName(channel)));
  note.set_application_id(application_id);
  note.set_channel(channel);
  note.set_recipient(channel == v1::CHANNEL_WHATSAPP ? e->holder.phone : e->holder.email);
  note.set_template_(v1::NOTIFICATION_TEMPLATE_CERTIFICATE_HANDOVER);
  (*note.mutable_params())["full_name"] = e->holder.full_name;
  (*note.mutable_params())["application_id"] = application_id;
  (*note.mutable_params())["serial"] = c->serial;
  (*note.mutable_params())["not_after"] = Rfc3339(c->not_after);
  v1::Attachment* att = note.add_attachments();
  att->set_filename(absl::StrCat(application_id, ".p12"));
  att->set_content_type("application/x-pkcs12");
  att->set_content(**p12);
  att->set_size_bytes(static_cast<int64_t>((*p12)->size()));

  absl::Duration waited = now - e->issued_at.value_or(now);
  TimelineRecord t{7, "HANDED_OVER", caller.sub, ActingRole(caller),
                   absl::StrCat("by ", ChannelName(channel)), now, waited};
  AuditNote a{caller.sub, ActingRole(caller), "CERTIFICATE_HANDED_OVER", application_id,
              {{"serial", c->serial}, {"channel", ChannelName(channel)}}};
  absl::StatusOr<EnrollmentRecord> done =
      store_->CompleteHandover(application_id, e->version, channel, now, t, a,
                               {"notification.SendNotification", note.request_id(),
                                note.SerializeAsString()});
  if (!done.ok()) return done.status();
  return FillEnrollment(*done, out);
}

absl::Status CertificateManager::DownloadKeystore(const Principal& caller,
                                                  const std::string& application_id,
                                                  v1::DownloadKeystoreResponse* out) {
  if (application_id.empty()) return InvalidField("application_id", "is required");
  absl::StatusOr<EnrollmentRecord> e = store_->GetEnrollment(application_id);
  if (!e.ok()) return e.status();
  if (absl::Status s = CheckOwn(caller, *e, {Role::kVerifier}); !s.ok()) return s;
  if (e->state == EnrollmentState::kAwaitingPassphrase) {
    return absl::FailedPreconditionError("no certificate yet: the passphrase is not set");
  }
  absl::StatusOr<CertificateRecord> c = store_->GetCertificateByApplication(application_id);
  if (!c.ok()) return c.status();
  absl::StatusOr<std::optional<std::string>> p12 = store_->GetKeystore(application_id);
  if (!p12.ok()) return p12.status();
  if (!p12->has_value()) {
    return absl::FailedPreconditionError("the keystore was purged after its retention time");
  }
  out->set_pkcs12(**p12);
  out->set_certificate_pem(c->certificate_pem);
  out->set_chain_pem(ca_->ChainPem());
  (void)store_->AppendAudit({caller.sub, ActingRole(caller), "KEYSTORE_DOWNLOADED",
                             application_id, {{"serial", c->serial}}});
  return absl::OkStatus();
}

absl::Status CertificateManager::GetCertificate(const v1::GetCertificateRequest& request,
                                                v1::Certificate* out) {
  bool by_app = !request.application_id().empty();
  bool by_serial = !request.serial().empty();
  if (by_app == by_serial) {
    return InvalidField(by_app ? "serial" : "application_id",
                        "give exactly one of application_id and serial");
  }
  if (by_serial && (!IsHex(request.serial()) || request.serial().size() > 40)) {
    return InvalidField("serial", "must be hexadecimal");
  }
  absl::StatusOr<CertificateRecord> c =
      by_app ? store_->GetCertificateByApplication(request.application_id())
             : store_->GetCertificateBySerial(NormalizeSerial(request.serial()));
  if (!c.ok()) return c.status();
  FillCertificate(*c, out);
  return absl::OkStatus();
}

absl::Status CertificateManager::CheckCertificate(const v1::CheckCertificateRequest& request,
                                                  v1::CheckResult* out) {
  FieldViolations v;
  if (request.certificate_pem().empty()) v.Add("certificate_pem", "is required");
  if (request.certificate_pem().size() > kMaxPemBytes) v.Add("certificate_pem", "too large");
  if (!request.expected_nik().empty() &&
      (request.expected_nik().size() != 16 || !AllDigits(request.expected_nik()))) {
    v.Add("expected_nik", "must be 16 digits");
  }
  if (!v.empty()) return v.ToStatus("the check request is invalid");
  out->Clear();
  auto add = [&](FindingCode code, const std::string& message) {
    for (const v1::Finding& f : out->findings()) {
      if (f.code() == ToProto(code)) return;
    }
    v1::Finding* f = out->add_findings();
    f->set_code(ToProto(code));
    f->set_message(message);
  };
  absl::StatusOr<X509Ptr> cert = LoadCertificatePem(request.certificate_pem());
  if (!cert.ok()) {
    add(FindingCode::kMalformed, "not a parsable PEM X.509 certificate");
    out->set_ok(false);
    return absl::OkStatus();
  }
  absl::Time now = clock_->Now();
  for (const Finding& f : CertificateMatcher::CheckAgainstCa(cert->get(), ca_->chain(), now)) {
    add(f.code, f.message);
  }
  CertificateFacts facts = CertificateMatcher::ReadFacts(cert->get());
  std::optional<HolderRecord> holder;
  absl::StatusOr<CertificateRecord> record = store_->GetCertificateBySerial(facts.serial_hex);
  if (!record.ok() && !absl::IsNotFound(record.status())) return record.status();
  if (record.ok() && record->sha256_fingerprint == facts.sha256_fingerprint) {
    FillCertificate(*record, out->mutable_certificate());
    if (record->revoked_at.has_value() && *record->revoked_at <= now) {
      add(FindingCode::kRevoked,
          absl::StrCat("revoked at ", Rfc3339(*record->revoked_at)));
    }
    absl::StatusOr<EnrollmentRecord> e = store_->GetEnrollment(record->application_id);
    if (!e.ok()) return e.status();
    holder = e->holder;
  } else {
    add(FindingCode::kUnknownHolder,
        "our records hold no certificate with this serial and fingerprint");
    // Still compare with the person it claims to be, when we know them.
    std::string nik = !facts.nik.empty() ? facts.nik : request.expected_nik();
    if (!nik.empty()) {
      absl::StatusOr<std::optional<EnrollmentRecord>> e = store_->FindLatestByNik(nik);
      if (!e.ok()) return e.status();
      if (e->has_value()) holder = (*e)->holder;
    }
  }
  if (holder.has_value()) {
    for (const Finding& f : CertificateMatcher::CompareHolder(facts, Identity(*holder))) {
      add(f.code, f.message);
    }
  }
  if (!request.expected_nik().empty() && facts.nik != request.expected_nik()) {
    add(FindingCode::kNikMismatch, "the subject's serialNumber differs from expected_nik");
  }
  out->set_ok(out->findings().empty());
  return absl::OkStatus();
}

CertificateStore::CrlBuilder CertificateManager::CrlBuilder(absl::Time this_update) {
  absl::Time next = this_update + settings_.crl_validity;
  return [this, this_update, next](const std::vector<RevokedEntry>& entries,
                                   int64_t number) -> absl::StatusOr<std::string> {
    return ca_->MakeCrl(entries, number, this_update, next);
  };
}

absl::Status CertificateManager::RevokeCertificate(const Principal& caller,
                                                   const v1::RevokeCertificateRequest& request,
                                                   v1::Certificate* out) {
  FieldViolations v;
  if (request.serial().empty()) {
    v.Add("serial", "is required");
  } else if (!IsHex(request.serial()) || request.serial().size() > 40) {
    v.Add("serial", "must be hexadecimal");
  }
  // RFC 5280 section 5.3.1: 7 is unused and removeFromCRL (8) belongs to delta CRLs only.
  if (request.reason() == v1::REVOCATION_REASON_UNSPECIFIED ||
      !v1::RevocationReason_IsValid(request.reason())) {
    v.Add("reason", "must be an RFC 5280 reason");
  }
  if (!v.empty()) return v.ToStatus("the revocation request is invalid");
  absl::Time now = clock_->Now();
  std::string serial = NormalizeSerial(request.serial());
  TimelineRecord t{7, "REVOKED", caller.sub, ActingRole(caller),
                   v1::RevocationReason_Name(request.reason()), now, absl::ZeroDuration()};
  AuditNote a{caller.sub, ActingRole(caller), "CERTIFICATE_REVOKED", serial,
              {{"reason", v1::RevocationReason_Name(request.reason())}}};
  absl::StatusOr<CertificateRecord> c = store_->Revoke(
      serial, request.reason(), now, now + settings_.crl_validity, t, a, CrlBuilder(now));
  if (!c.ok()) return c.status();
  Log::Info("certificate_revoked", {{"serial", serial}});
  FillCertificate(*c, out);
  return absl::OkStatus();
}

absl::Status CertificateManager::GetStatistics(const v1::GetStatisticsRequest& request,
                                               v1::Statistics* out) {
  if (request.unit().size() > 64) return InvalidField("unit", "at most 64 characters");
  absl::Time as_of = request.has_as_of() ? FromTimestamp(request.as_of()) : clock_->Now();
  absl::StatusOr<std::vector<UnitFigures>> rows = store_->Statistics(as_of, request.unit());
  if (!rows.ok()) return rows.status();
  out->Clear();
  for (const UnitFigures& u : *rows) {
    v1::UnitStatistics* us = out->add_by_unit();
    us->set_unit(u.unit);
    us->set_holders_with_valid_certificate(u.holders_with_valid_certificate);
    us->set_issued_total(u.issued_total);
    us->set_revoked_total(u.revoked_total);
    us->set_expired_total(u.expired_total);
    us->set_awaiting_passphrase(u.awaiting_passphrase);
    // A person holds certificates in one unit at a time (a move revokes with
    // affiliationChanged), so the per-unit holder counts add up.
    out->set_holders_with_valid_certificate(out->holders_with_valid_certificate() +
                                            u.holders_with_valid_certificate);
    out->set_issued_total(out->issued_total() + u.issued_total);
    out->set_revoked_total(out->revoked_total() + u.revoked_total);
    out->set_expired_total(out->expired_total() + u.expired_total);
    out->set_awaiting_passphrase(out->awaiting_passphrase() + u.awaiting_passphrase);
  }
  SetTimestamp(as_of, out->mutable_as_of());
  return absl::OkStatus();
}

absl::Status CertificateManager::GetSlaReport(const v1::GetSlaReportRequest& request,
                                              v1::SlaReport* out) {
  absl::Time to = request.has_to() ? FromTimestamp(request.to()) : clock_->Now();
  absl::Time from = request.has_from() ? FromTimestamp(request.from()) : to - absl::Hours(24 * 30);
  if (from >= to) return InvalidField("from", "must be before `to`");
  absl::StatusOr<std::vector<StepFigures>> rows = store_->StepTimes(from, to, kStandardStep67);
  if (!rows.ok()) return rows.status();
  out->Clear();
  SetTimestamp(from, out->mutable_from());
  SetTimestamp(to, out->mutable_to());
  for (int step : {6, 7}) {
    v1::StepSla* s = out->add_steps();
    s->set_step(static_cast<v1::Step>(step));
    s->mutable_standard_duration()->set_seconds(absl::ToInt64Seconds(kStandardStep67));
    for (const StepFigures& f : *rows) {
      if (f.step != step) continue;
      s->set_count(f.count);
      auto put = [](absl::Duration d, google::protobuf::Duration* p) {
        p->set_seconds(absl::IDivDuration(d, absl::Seconds(1), &d));
        p->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(d)));
      };
      put(f.p50, s->mutable_p50());
      put(f.p95, s->mutable_p95());
      put(f.max, s->mutable_max());
      s->set_exceeded(f.exceeded);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<int> CertificateManager::PurgeKeystores() {
  return store_->PurgeKeystores(clock_->Now() - settings_.keystore_retention, settings_.actor);
}

absl::StatusOr<int> CertificateManager::QueueExpiryReminders() {
  absl::Time now = clock_->Now();
  return store_->QueueExpiryReminders(
      now, now + settings_.expiry_reminder,
      [](const CertificateRecord& c, const HolderRecord& h) -> OutboxItem {
        v1::SendNotificationRequest note;
        note.set_request_id(absl::StrCat("certificate:expiry:", c.serial));
        note.set_application_id(c.application_id);
        note.set_channel(v1::CHANNEL_EMAIL);
        note.set_recipient(h.email);
        note.set_template_(v1::NOTIFICATION_TEMPLATE_EXPIRY_REMINDER);
        (*note.mutable_params())["full_name"] = h.full_name;
        (*note.mutable_params())["serial"] = c.serial;
        (*note.mutable_params())["not_after"] = Rfc3339(c.not_after);
        return {"notification.SendNotification", note.request_id(), note.SerializeAsString()};
      });
}

absl::Status CertificateManager::RefreshCrl() {
  absl::Time now = clock_->Now();
  return store_->RebuildCrl(now, now + settings_.crl_validity, CrlBuilder(now));
}

absl::StatusOr<std::string> CertificateManager::CurrentCrl() {
  absl::StatusOr<std::string> crl = store_->CurrentCrl();
  if (absl::IsNotFound(crl.status())) {
    if (absl::Status s = RefreshCrl(); !s.ok()) return s;
    return store_->CurrentCrl();
  }
  return crl;
}

}  // namespace sertel::certificate
