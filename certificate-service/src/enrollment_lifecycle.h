// An enrollment's life as a pure state machine (SOP steps 5-7 and revocation):
// AWAITING_PASSPHRASE -> ISSUED -> HANDED_OVER, and ISSUED or HANDED_OVER -> REVOKED; the
// activation code's tries, expiry, lock and resends; which state allows which call; and the
// change each step makes (new state + timeline entry + audit entry + outbox items, among them
// the progress report to intake). No SQL, no gRPC, no clock: the managers pass `now` and run the
// step inside CertificateStore::Apply, which locks the enrollment row, asks the lifecycle and
// writes its change in one transaction.
//
//   EnrollmentLifecycle lifecycle(settings);
//   store.Apply(app, [&](const EnrollmentRecord* current) {
//     return lifecycle.HandOver(current, expected_version, NotifyChannel::kEmail, certificate,
//                               {.sub = caller.sub, .role = "VERIFIER"}, now);
//   });
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "certificate_records.h"
#include "certificate_settings.h"
#include "common/change_records.h"
#include "common/notification_order.h"

namespace sertel::certificate {

// What StartEnrollment records: the holder and the activation code, only as its keyed hash
// and, for the outbox, sealed (activation_code.h).
struct NewEnrollment {
  std::string application_id;
  std::string request_id;
  HolderRecord holder;
  std::string activation_hash;
  std::string sealed_code;
  // SERTEL_CERTIFICATE_CODE_CHANNELS names whatsapp and the holder has a number: the code sealed
  // for its WhatsApp message too (ActivationRequestId(...) + ":WHATSAPP"); empty otherwise.
  std::string sealed_code_whatsapp = "";
};

// A replacement activation code (ResendActivationCode): its keyed hash, and the code sealed for
// the message ActivationRequestId(application_id, codes_sent + 1).
struct NewActivationCode {
  std::string activation_hash;
  std::string sealed_code;
  std::string sealed_code_whatsapp = "";  // as NewEnrollment's
};

// A handover's one-time link: what is stored (the token's hash) and what the message carries
// (the link, sealed for the outbox).
struct HandoverLink {
  DownloadLinkWrite write;
  std::string sealed_url;
};

class EnrollmentLifecycle {
 public:
  explicit EnrollmentLifecycle(const ManagerSettings& settings)
      : activation_ttl_(settings.activation_ttl), max_attempts_(settings.activation_max_attempts) {}

  // Issue 15: at most this many new activation codes per enrollment in any kResendWindow.
  static constexpr int kMaxResends = 3;
  static constexpr absl::Duration kResendWindow = absl::Hours(24);
  // The timeline action (and audit action) of a resent code.
  static constexpr char kCodeResent[] = "ACTIVATION_CODE_RESENT";

  // The SOP step an enrollment waits at: 6 (the passphrase) or 7 (the handover and after).
  static int CurrentStep(EnrollmentState state);
  // The idempotency key of the `n`th activation-code message (1 for StartEnrollment's, then one
  // more per resend), also what its sealed code is bound to.
  static std::string ActivationRequestId(const std::string& application_id, int n = 1);
  // The same code's WhatsApp message (the AUTHENTICATION template with its copy-code button).
  static std::string WhatsAppActivationRequestId(const std::string& application_id, int n = 1);
  // The certificate's status at `now`.
  static CertificateStatus StatusAt(const CertificateRecord& c, absl::Time now);

  // SOP step 5 (to the CA). `current` is the enrollment of the application if there is one:
  // the same holder again is a redelivery (no change, no new code), another holder a conflict.
  absl::StatusOr<EnrollmentChange> Start(const EnrollmentRecord* current, const NewEnrollment& in,
                                         const Actor& actor, absl::Time now) const;

  // SOP step 6. FAILED_PRECONDITION unless the enrollment awaits its passphrase.
  static absl::Status CheckAwaitingPassphrase(const EnrollmentRecord& e);
  // One try of the activation code, under the enrollment's lock (so parallel guesses cannot
  // exceed the limit): FAILED_PRECONDITION when expired or locked; a wrong code spends a try, is
  // audited and answered INVALID_ARGUMENT with the tries left. A matching code spends none (an
  // issuance that then fails must not lock the owner out) and holds the enrollment for the CA
  // call (issuing_until = now + kIssuingHold); while another request holds it, ABORTED before
  // any try is counted, so the CA signs at most once per enrollment at a time.
  absl::StatusOr<EnrollmentChange> TryActivationCode(const EnrollmentRecord* current,
                                                     bool code_matches, const Actor& actor,
                                                     absl::Time now) const;
  // How long a matching code holds the enrollment: as long as an issuance may take, so that an
  // owner whose request died with its process can try again soon after.
  static constexpr absl::Duration kIssuingHold = kIssuanceLifetime;
  // ABORTED while an issuance holds `e` at `now`.
  static absl::Status CheckNotIssuing(const EnrollmentRecord& e, absl::Time now);
  // The issuance that set `held_until` failed before its certificate was stored: the hold ends
  // (nothing to change when another request's hold replaced it or it has ended).
  absl::StatusOr<EnrollmentChange> EndIssuingHold(const EnrollmentRecord* current,
                                                  absl::Time held_until) const;
  // ResendActivationCode: FAILED_PRECONDITION unless AWAITING_PASSPHRASE; RESOURCE_EXHAUSTED,
  // naming when the next is allowed, after kMaxResends in kResendWindow.
  static absl::Status CheckCanResend(const EnrollmentRecord& e, absl::Time now);
  // How many resends are left at `now` (0 unless AWAITING_PASSPHRASE); counts `e.timeline`.
  static int ResendsLeft(const EnrollmentRecord& e, absl::Time now);
  // The old code dies: the new one's hash replaces it, its tries and lock are reset, it gets a
  // fresh expiry and is sent to the owner as StartEnrollment sends the first; a new version.
  absl::StatusOr<EnrollmentChange> ResendActivationCode(const EnrollmentRecord* current,
                                                        const NewActivationCode& code,
                                                        const Actor& actor, absl::Time now) const;

  // The certificate issued and sealed for `expected_version`: ABORTED when the enrollment
  // changed meanwhile (the CA call and the sealing ran outside the transaction).
  absl::StatusOr<EnrollmentChange> Issue(const EnrollmentRecord* current, int64_t expected_version,
                                         Issuance issuance, bool pkcs12_legacy, const Actor& actor,
                                         absl::Time now) const;

  // SOP step 7. FAILED_PRECONDITION unless ISSUED and, for WhatsApp, the holder has a phone.
  static absl::Status CheckCanHandOver(const EnrollmentRecord& e, NotifyChannel channel);
  // What a handover's outbox row carries instead of the keystore: "keystore:<application_id>".
  static constexpr const char* kKeystoreRefPrefix = "keystore:";
  static std::string KeystoreRef(const std::string& application_id);
  // `link` (null: the keystore goes as the message's attachment): the one-time download link
  // the message carries instead (always for WhatsApp, issue 18); the change writes its hash and
  // ends the enrollment's earlier open links.
  absl::StatusOr<EnrollmentChange> HandOver(const EnrollmentRecord* current,
                                            int64_t expected_version, NotifyChannel channel,
                                            const CertificateRecord& certificate,
                                            const HandoverLink* link, const Actor& actor,
                                            absl::Time now) const;
  // The audit entry of a download by link: when (the entry's time), from where, by what.
  static AuditEntry KeystoreDownloadedByLink(const std::string& application_id,
                                             const std::string& serial, const LinkVisit& visit);
  // FAILED_PRECONDITION while there is no certificate yet.
  static absl::Status CheckCanDownload(const EnrollmentRecord& e);
  static AuditEntry KeystoreDownloaded(const EnrollmentRecord& e, const std::string& serial,
                                       const Actor& actor);

  // Revocation of the enrollment's certificate `serial` (`reason`: a sertel.v1.RevocationReason
  // number already checked). FAILED_PRECONDITION when it is revoked already.
  absl::StatusOr<EnrollmentChange> Revoke(const EnrollmentRecord* current,
                                          const std::string& serial, int reason, const Actor& actor,
                                          absl::Time now) const;

  // The periodic jobs: the audit entry of a purged keystore, the reminder before expiry.
  static AuditEntry KeystorePurged(const std::string& application_id, const std::string& actor);
  static OutboxItem ExpiryReminder(const CertificateRecord& c, const HolderRecord& holder);

 private:
  absl::Duration activation_ttl_;
  int max_attempts_;
};

}  // namespace sertel::certificate
