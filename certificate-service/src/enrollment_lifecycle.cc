#include "enrollment_lifecycle.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/field_violations.h"
#include "common/progress_report.h"
#include "proof_of_use.h"

namespace sertel::certificate {
namespace {

std::string ChannelName(NotifyChannel c) {
  return c == NotifyChannel::kWhatsApp ? "WHATSAPP" : "EMAIL";
}

absl::Status ChangedMeanwhile() {
  return absl::AbortedError("the enrollment changed meanwhile; try again");
}

// An update of `current`, checked at write time against the version it was decided on.
EnrollmentChange UpdateOf(const EnrollmentRecord& current) {
  EnrollmentChange change;
  change.kind = EnrollmentChange::Kind::kUpdate;
  change.after = current;
  change.after.timeline.clear();
  change.expected_version = current.version;
  return change;
}

// A step that moves the enrollment on: a new version, updated now.
EnrollmentChange StepOf(const EnrollmentRecord& current, EnrollmentState next, absl::Time now) {
  EnrollmentChange change = UpdateOf(current);
  change.after.state = next;
  change.after.version = current.version + 1;
  change.after.updated_at = now;
  return change;
}

AuditEntry EnrollmentAudit(const Actor& actor, std::string action, const std::string& app,
                           nlohmann::json details) {
  return {.actor_sub = actor.sub,
          .actor_role = actor.role,
          .action = std::move(action),
          .entity_type = "enrollment",
          .entity_id = app,
          .details = std::move(details)};
}

AuditEntry RevocationAudit(const Actor& actor, const std::string& serial, int reason,
                           nlohmann::json details = nlohmann::json::object()) {
  details["reason"] = RevocationReasonName(reason).value_or("");
  return {.actor_sub = actor.sub,
          .actor_role = actor.role,
          .action = "CERTIFICATE_REVOKED",
          .entity_type = "certificate",
          .entity_id = serial,
          .details = std::move(details)};
}

// The remedy for a code that can no longer be used (issue 15: a dead end no more).
constexpr char kResendRemedy[] =
    "ask the verifier to resend the code (ResendActivationCode) and use the new one";

// Tells intake how far the application went (common/progress_report.h), in the transaction of
// the change: the enrollment's version after it orders the reports.
OutboxItem ProgressItem(const EnrollmentRecord& after, ApplicationStatus status, absl::Time now) {
  return ProgressOutboxItem({.application_id = after.application_id,
                             .source = ProgressSource::kCertificate,
                             .version = after.version,
                             .status = status,
                             .step = EnrollmentLifecycle::CurrentStep(after.state),
                             .at = now});
}

// SOP step 5: the one-time activation code goes to the holder's email; it waits sealed in the
// outbox and is opened by the outbox handler just before the notification service receives it.
// The `activation_codes_sent`th code has its own message (a resend is a new message).
OutboxItem ActivationCodeItem(const EnrollmentRecord& e, const std::string& sealed_code,
                              NotifyChannel channel = NotifyChannel::kEmail) {
  const bool whatsapp = channel == NotifyChannel::kWhatsApp;
  return NotificationOutboxItem(
      {.request_id = whatsapp ? EnrollmentLifecycle::WhatsAppActivationRequestId(
                                    e.application_id, e.activation_codes_sent)
                              : EnrollmentLifecycle::ActivationRequestId(e.application_id,
                                                                         e.activation_codes_sent),
       .application_id = e.application_id,
       .channel = channel,
       .recipient = whatsapp ? e.holder.phone : e.holder.email,
       .template_name = NotifyTemplate::kActivationCode,
       .params = {{"full_name", e.holder.full_name},
                  {"application_id", e.application_id},
                  {"activation_code", sealed_code},
                  {"expires_at", Rfc3339(e.activation_expires_at)}},
       .attachments = {}});
}

// SOP step 7: the keystore goes to the holder by email or WhatsApp.
// The keystore stays in one place (certificate.keystores, which the purge empties): the outbox
// row names it, and SealedNotificationClient reads it just before the call. By link (always for
// WhatsApp, whose Cloud API takes no PKCS#12), the row carries the sealed link instead.
OutboxItem HandoverItem(const EnrollmentRecord& e, NotifyChannel channel,
                        const CertificateRecord& c, const HandoverLink* link) {
  const std::string& app = e.application_id;
  NotificationOrder n{
      .request_id = absl::StrCat("certificate:handover:", app, ":", ChannelName(channel)),
      .application_id = app,
      .channel = channel,
      .recipient = channel == NotifyChannel::kWhatsApp ? e.holder.phone : e.holder.email,
      .template_name = NotifyTemplate::kCertificateHandover,
      .params = {{"full_name", e.holder.full_name},
                 {"application_id", app},
                 {"serial", c.serial},
                 {"not_after", Rfc3339(c.not_after)}},
      .attachments = {}};
  // Issue 18: a number without WhatsApp (131026) or outside the 24-hour window (131047) gets
  // the same message by email.
  if (channel == NotifyChannel::kWhatsApp) n.fallback_email = e.holder.email;
  if (link != nullptr) {
    n.params["download_url"] = link->sealed_url;
    n.params["download_expires_at"] = Rfc3339(link->write.expires_at);
  } else {
    n.attachments.push_back({.filename = absl::StrCat(app, ".p12"),
                             .content_type = "application/x-pkcs12",
                             .content = EnrollmentLifecycle::KeystoreRef(app)});
  }
  return NotificationOutboxItem(n);
}

}  // namespace

int EnrollmentLifecycle::CurrentStep(EnrollmentState state) {
  return state == EnrollmentState::kAwaitingPassphrase ? 6 : 7;
}

std::string EnrollmentLifecycle::KeystoreRef(const std::string& application_id) {
  return absl::StrCat(kKeystoreRefPrefix, application_id);
}

std::string EnrollmentLifecycle::WhatsAppActivationRequestId(const std::string& application_id,
                                                             int n) {
  return absl::StrCat(ActivationRequestId(application_id, n), ":WHATSAPP");
}

std::string EnrollmentLifecycle::ActivationRequestId(const std::string& application_id, int n) {
  return absl::StrCat("certificate:activation:", application_id, ":", n);
}

CertificateStatus EnrollmentLifecycle::StatusAt(const CertificateRecord& c, absl::Time now) {
  if (c.revoked_at.has_value() && *c.revoked_at <= now) return CertificateStatus::kRevoked;
  if (now >= c.not_after) return CertificateStatus::kExpired;
  return CertificateStatus::kValid;
}

absl::StatusOr<EnrollmentChange> EnrollmentLifecycle::Start(const EnrollmentRecord* current,
                                                            const NewEnrollment& in,
                                                            const Actor& actor,
                                                            absl::Time now) const {
  if (current != nullptr) {
    // Idempotent: a redelivered request gets the enrollment back, and no new code.
    if (!(current->holder == in.holder)) {
      return absl::AlreadyExistsError(
          "an enrollment for this application exists with a different applicant");
    }
    return EnrollmentChange{.kind = EnrollmentChange::Kind::kNone, .after = *current};
  }
  EnrollmentChange change;
  change.kind = EnrollmentChange::Kind::kInsert;
  EnrollmentRecord& e = change.after;
  e.application_id = in.application_id;
  e.request_id = in.request_id;
  e.holder = in.holder;
  e.activation_hash = in.activation_hash;
  e.activation_expires_at = now + activation_ttl_;
  e.created_at = now;
  e.updated_at = now;
  change.entry = TimelineRecord{5,
                                "SENT_TO_CA",
                                actor.sub,
                                actor.role,
                                "registered with the CA; activation code sent",
                                now,
                                absl::ZeroDuration()};
  change.audits.push_back(EnrollmentAudit(
      actor, "ENROLLMENT_STARTED", e.application_id,
      {{"request_id", e.request_id}, {"activation_expires_at", Rfc3339(e.activation_expires_at)}}));
  change.outbox.push_back(ActivationCodeItem(e, in.sealed_code));
  if (!in.sealed_code_whatsapp.empty()) {
    change.outbox.push_back(
        ActivationCodeItem(e, in.sealed_code_whatsapp, NotifyChannel::kWhatsApp));
  }
  change.outbox.push_back(ProgressItem(e, ApplicationStatus::kAwaitingPassphrase, now));
  return change;
}

absl::Status EnrollmentLifecycle::CheckAwaitingPassphrase(const EnrollmentRecord& e) {
  if (e.state == EnrollmentState::kAwaitingPassphrase) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("the enrollment is ", EnrollmentStateName(e.state),
                   "; a passphrase can only be set while AWAITING_PASSPHRASE (the activation code "
                   "is single-use)"));
}

absl::StatusOr<EnrollmentChange> EnrollmentLifecycle::TryActivationCode(
    const EnrollmentRecord* current, bool code_matches, const Actor& actor, absl::Time now) const {
  if (current == nullptr) return absl::NotFoundError("no enrollment");
  if (absl::Status s = CheckAwaitingPassphrase(*current); !s.ok()) return s;
  if (now >= current->activation_expires_at) {
    return absl::FailedPreconditionError(
        absl::StrCat("the activation code has expired; ", kResendRemedy));
  }
  if (current->activation_attempts >= max_attempts_) {
    return absl::FailedPreconditionError(
        absl::StrCat("the activation code is locked after too many wrong tries; ", kResendRemedy));
  }
  if (absl::Status s = CheckNotIssuing(*current, now); !s.ok()) return s;
  // A try is not a new version of the enrollment: a parallel wrong guess must not abort the
  // issuance of a right one. Only a wrong code spends a try (the code "locks after 5 wrong
  // tries"): a right one whose issuance then failed (the CA down, the service killed, the
  // database restarted) must not lock its owner out; one issuance at a time is the hold's job.
  EnrollmentChange change = UpdateOf(*current);
  if (code_matches) {
    change.after.issuing_until = now + kIssuingHold;
  } else {
    int tries = ++change.after.activation_attempts;
    change.audits.push_back(EnrollmentAudit(actor, "ACTIVATION_CODE_WRONG", current->application_id,
                                            {{"tries_used", tries}}));
    int left = max_attempts_ - tries;
    change.answer = InvalidField(
        "activation_code",
        left > 0 ? absl::StrCat("wrong activation code; ", left, " tries left")
                 : absl::StrCat("wrong activation code; the code is now locked: ", kResendRemedy));
  }
  return change;
}

namespace {

// The codes resent within the window that ends at `now`, oldest first.
std::vector<absl::Time> ResendsInWindow(const EnrollmentRecord& e, absl::Time now) {
  std::vector<absl::Time> out;
  for (const TimelineRecord& t : e.timeline) {
    if (t.action == EnrollmentLifecycle::kCodeResent &&
        t.at > now - EnrollmentLifecycle::kResendWindow) {
      out.push_back(t.at);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

absl::Status EnrollmentLifecycle::CheckNotIssuing(const EnrollmentRecord& e, absl::Time now) {
  if (e.issuing_until.has_value() && *e.issuing_until > now) {
    return absl::AbortedError(
        "the certificate of this enrollment is being issued for another request; wait for its "
        "answer, then look at the enrollment");
  }
  return absl::OkStatus();
}

absl::StatusOr<EnrollmentChange> EnrollmentLifecycle::EndIssuingHold(
    const EnrollmentRecord* current, absl::Time held_until) const {
  if (current == nullptr) return absl::NotFoundError("no enrollment");
  EnrollmentChange change = UpdateOf(*current);
  if (current->issuing_until == held_until) change.after.issuing_until.reset();
  return change;
}

absl::Status EnrollmentLifecycle::CheckCanResend(const EnrollmentRecord& e, absl::Time now) {
  if (e.state != EnrollmentState::kAwaitingPassphrase) {
    return absl::FailedPreconditionError(
        absl::StrCat("the enrollment is ", EnrollmentStateName(e.state),
                     "; an activation code is only resent while AWAITING_PASSPHRASE"));
  }
  // The code an issuance under way was started with stays until it ends.
  if (absl::Status s = CheckNotIssuing(e, now); !s.ok()) return s;
  std::vector<absl::Time> recent = ResendsInWindow(e, now);
  if (static_cast<int>(recent.size()) >= kMaxResends) {
    return absl::ResourceExhaustedError(
        absl::StrCat("at most ", kMaxResends,
                     " activation codes are resent in 24 hours; the next "
                     "one is allowed at ",
                     Rfc3339(recent.front() + kResendWindow)));
  }
  return absl::OkStatus();
}

int EnrollmentLifecycle::ResendsLeft(const EnrollmentRecord& e, absl::Time now) {
  if (e.state != EnrollmentState::kAwaitingPassphrase) return 0;
  return std::max(0, kMaxResends - static_cast<int>(ResendsInWindow(e, now).size()));
}

absl::StatusOr<EnrollmentChange> EnrollmentLifecycle::ResendActivationCode(
    const EnrollmentRecord* current, const NewActivationCode& code, const Actor& actor,
    absl::Time now) const {
  if (current == nullptr) return absl::NotFoundError("no enrollment");
  if (absl::Status s = CheckCanResend(*current, now); !s.ok()) return s;
  // A new version: an issuance started with the old code (its try counted, the CA called
  // outside the transaction) finds the enrollment changed and is not stored.
  EnrollmentChange change = StepOf(*current, EnrollmentState::kAwaitingPassphrase, now);
  EnrollmentRecord& e = change.after;
  e.activation_hash = code.activation_hash;  // the old code matches nothing any more
  e.activation_attempts = 0;
  e.activation_expires_at = now + activation_ttl_;
  e.activation_codes_sent = current->activation_codes_sent + 1;
  change.entry = TimelineRecord{
      6,   kCodeResent,         actor.sub, actor.role, "a new activation code was sent",
      now, absl::ZeroDuration()};
  // No code in the audit details, only which one it is and until when it holds.
  change.audits.push_back(
      EnrollmentAudit(actor, kCodeResent, e.application_id,
                      {{"codes_sent", e.activation_codes_sent},
                       {"activation_expires_at", Rfc3339(e.activation_expires_at)}}));
  change.outbox.push_back(ActivationCodeItem(e, code.sealed_code));
  if (!code.sealed_code_whatsapp.empty()) {
    change.outbox.push_back(
        ActivationCodeItem(e, code.sealed_code_whatsapp, NotifyChannel::kWhatsApp));
  }
  return change;
}

absl::StatusOr<EnrollmentChange> EnrollmentLifecycle::Issue(const EnrollmentRecord* current,
                                                            int64_t expected_version,
                                                            Issuance issuance, bool pkcs12_legacy,
                                                            const Actor& actor,
                                                            absl::Time now) const {
  if (current == nullptr) return absl::NotFoundError("no enrollment");
  if (current->version != expected_version ||
      current->state != EnrollmentState::kAwaitingPassphrase) {
    return ChangedMeanwhile();
  }
  const CertificateRecord& c = issuance.certificate;
  // SOP warning: a certificate whose test signature failed leaves its owner unable to sign. It
  // is kept on record and revoked in the same change (on the CRL, never counted as a holder,
  // never handed over), and its keystore is not kept at all.
  absl::Status proof = ProofOfUse::RequirePassed(c.proof_of_use);
  EnrollmentChange change =
      StepOf(*current, proof.ok() ? EnrollmentState::kIssued : EnrollmentState::kRevoked, now);
  change.after.activation_hash.clear();  // single-use
  change.after.issuing_until.reset();
  change.after.certificate_serial = c.serial;
  change.after.issued_at = now;
  change.after.keystore_available = proof.ok();
  std::string note =
      proof.ok() ? "" : absl::StrCat(proof.message(), "; the certificate was revoked at once");
  change.entry =
      TimelineRecord{6, "ISSUED", actor.sub, actor.role, note, now, now - current->created_at};
  change.audits.push_back(EnrollmentAudit(actor, "CERTIFICATE_ISSUED", current->application_id,
                                          {{"serial", c.serial},
                                           {"sha256_fingerprint", c.sha256_fingerprint},
                                           {"key_algorithm", c.key_algorithm},
                                           {"pkcs12_legacy", pkcs12_legacy},
                                           {"proof_of_use", proof.ok() ? "PASSED" : "FAILED"}}));
  if (!proof.ok()) {
    change.revocation =
        Revocation{.serial = c.serial, .reason = kUnspecifiedRevocationReason, .at = now};
    change.audits.push_back(RevocationAudit(actor, c.serial, kUnspecifiedRevocationReason,
                                            {{"cause", "proof of use failed"}}));
    OPENSSL_cleanse(issuance.pkcs12.data(), issuance.pkcs12.size());
    issuance.pkcs12.clear();
  }
  change.issuance = std::move(issuance);
  change.outbox.push_back(ProgressItem(
      change.after, proof.ok() ? ApplicationStatus::kIssued : ApplicationStatus::kRevoked, now));
  return change;
}

absl::Status EnrollmentLifecycle::CheckCanHandOver(const EnrollmentRecord& e,
                                                   NotifyChannel channel) {
  if (e.state != EnrollmentState::kIssued) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the enrollment is ", EnrollmentStateName(e.state), "; only an ISSUED one is handed over"));
  }
  if (channel == NotifyChannel::kWhatsApp && e.holder.phone.empty()) {
    return absl::FailedPreconditionError("the holder has no phone number for WHATSAPP");
  }
  return absl::OkStatus();
}

absl::StatusOr<EnrollmentChange> EnrollmentLifecycle::HandOver(
    const EnrollmentRecord* current, int64_t expected_version, NotifyChannel channel,
    const CertificateRecord& certificate, const HandoverLink* link, const Actor& actor,
    absl::Time now) const {
  if (current == nullptr) return absl::NotFoundError("no enrollment");
  if (current->version != expected_version || current->state != EnrollmentState::kIssued) {
    return ChangedMeanwhile();
  }
  EnrollmentChange change = StepOf(*current, EnrollmentState::kHandedOver, now);
  change.after.handover_channel = static_cast<int>(channel);
  change.after.handed_over_at = now;
  change.entry = TimelineRecord{
      7,
      "HANDED_OVER",
      actor.sub,
      actor.role,
      absl::StrCat("by ", ChannelName(channel), link != nullptr ? " (one-time link)" : ""),
      now,
      now - current->issued_at.value_or(now)};
  change.audits.push_back(EnrollmentAudit(actor, "CERTIFICATE_HANDED_OVER", current->application_id,
                                          {{"serial", certificate.serial},
                                           {"channel", ChannelName(channel)},
                                           {"by_link", link != nullptr}}));
  if (link != nullptr) change.download_link = link->write;
  change.outbox.push_back(HandoverItem(*current, channel, certificate, link));
  change.outbox.push_back(ProgressItem(change.after, ApplicationStatus::kHandedOver, now));
  return change;
}

absl::Status EnrollmentLifecycle::CheckCanDownload(const EnrollmentRecord& e) {
  if (e.state == EnrollmentState::kAwaitingPassphrase) {
    return absl::FailedPreconditionError("no certificate yet: the passphrase is not set");
  }
  return absl::OkStatus();
}

AuditEntry EnrollmentLifecycle::KeystoreDownloaded(const EnrollmentRecord& e,
                                                   const std::string& serial, const Actor& actor) {
  return EnrollmentAudit(actor, "KEYSTORE_DOWNLOADED", e.application_id, {{"serial", serial}});
}

AuditEntry EnrollmentLifecycle::KeystoreDownloadedByLink(const std::string& application_id,
                                                         const std::string& serial,
                                                         const LinkVisit& visit) {
  return EnrollmentAudit({.sub = "download-link", .role = "APPLICANT"}, "KEYSTORE_DOWNLOADED",
                         application_id,
                         {{"serial", serial},
                          {"by_link", true},
                          {"address", visit.address},
                          {"user_agent", visit.user_agent}});
}

absl::StatusOr<EnrollmentChange> EnrollmentLifecycle::Revoke(const EnrollmentRecord* current,
                                                             const std::string& serial, int reason,
                                                             const Actor& actor,
                                                             absl::Time now) const {
  if (current == nullptr) return absl::NotFoundError(absl::StrCat("no certificate ", serial));
  if (current->state == EnrollmentState::kRevoked) {
    return absl::FailedPreconditionError("the certificate is already revoked");
  }
  if (current->state == EnrollmentState::kAwaitingPassphrase) {
    return absl::FailedPreconditionError("no certificate yet: the passphrase is not set");
  }
  std::string reason_name = RevocationReasonName(reason).value_or("");
  EnrollmentChange change = StepOf(*current, EnrollmentState::kRevoked, now);
  change.entry =
      TimelineRecord{7, "REVOKED", actor.sub, actor.role, reason_name, now, absl::ZeroDuration()};
  change.audits.push_back(RevocationAudit(actor, serial, reason));
  change.revocation = Revocation{.serial = serial, .reason = reason, .at = now};
  change.outbox.push_back(ProgressItem(change.after, ApplicationStatus::kRevoked, now));
  return change;
}

AuditEntry EnrollmentLifecycle::KeystorePurged(const std::string& application_id,
                                               const std::string& actor) {
  return EnrollmentAudit({.sub = actor, .role = "SERVICE"}, "KEYSTORE_PURGED", application_id,
                         nlohmann::json::object());
}

OutboxItem EnrollmentLifecycle::ExpiryReminder(const CertificateRecord& c,
                                               const HolderRecord& holder) {
  return NotificationOutboxItem({.request_id = absl::StrCat("certificate:expiry:", c.serial),
                                 .application_id = c.application_id,
                                 .channel = NotifyChannel::kEmail,
                                 .recipient = holder.email,
                                 .template_name = NotifyTemplate::kExpiryReminder,
                                 .params = {{"full_name", holder.full_name},
                                            {"serial", c.serial},
                                            {"not_after", Rfc3339(c.not_after)}},
                                 .attachments = {}});
}

}  // namespace sertel::certificate
