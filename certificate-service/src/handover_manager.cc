#include "handover_manager.h"

#include <openssl/crypto.h>

#include "absl/strings/str_cat.h"
#include "certificate_matcher.h"
#include "certificate_roles.h"
#include "common/field_violations.h"
#include "download_link.h"
#include "proof_of_use.h"
#include "request_keys.h"

namespace sertel::certificate {

absl::StatusOr<EnrollmentRecord> HandoverManager::HandOver(const Principal& caller,
                                                           const std::string& application_id,
                                                           int channel_number,
                                                           const std::string& request_id,
                                                           bool by_link) {
  FieldViolations v;
  if (application_id.empty()) v.Add("application_id", "is required");
  auto channel = static_cast<NotifyChannel>(channel_number);
  if (channel != NotifyChannel::kEmail && channel != NotifyChannel::kWhatsApp) {
    v.Add("channel", "must be EMAIL or WHATSAPP");
  }
  v.AddIfError("request_id", CheckRequestId(request_id, /*required=*/false));
  if (!v.empty()) return v.ToStatus("the handover request is invalid");
  absl::StatusOr<std::optional<RequestKey>> key =
      MakeRequestKey(store_, "HandOver", request_id,
                     {application_id, std::to_string(channel_number), by_link ? "link" : ""});
  if (!key.ok()) return key.status();
  absl::StatusOr<EnrollmentRecord> e = store_->GetEnrollment(application_id);
  if (!e.ok()) return e.status();
  absl::Time now = clock_->Now();
  // A repeat of a done handover answers the enrollment and sends nothing again.
  absl::StatusOr<RequestVerdict> earlier = CheckEarlierRequest(store_, *key, now);
  if (!earlier.ok()) return earlier.status();
  if (*earlier == RequestVerdict::kReplay) return store_->GetEnrollmentWithTimeline(application_id);
  if (absl::Status s = EnrollmentLifecycle::CheckCanHandOver(*e, channel); !s.ok()) return s;
  absl::StatusOr<CertificateRecord> c = store_->GetCertificateByApplication(application_id);
  if (!c.ok()) return c.status();
  absl::StatusOr<std::optional<std::string>> p12 = store_->GetKeystore(application_id);
  if (!p12.ok()) return p12.status();
  if (!p12->has_value()) return absl::FailedPreconditionError("the keystore is no longer stored");

  // Issue 21: only a certificate whose key made a test signature that verified for its holder
  // is handed over (the SOP's warning: one that does not match leaves the owner unable to sign).
  if (absl::Status proof = ProofOfUse::RequirePassed(c->proof_of_use); !proof.ok()) return proof;
  if (absl::Status m = RecheckMatch(*c, e->holder, now); !m.ok()) return m;
  // Issue 18: WhatsApp's Cloud API takes no PKCS#12 as a document; the message carries a link.
  std::optional<HandoverLink> link;
  if (channel == NotifyChannel::kWhatsApp || by_link) {
    absl::StatusOr<HandoverLink> made =
        NewLink(absl::StrCat("certificate:handover:", application_id, ":",
                             channel == NotifyChannel::kWhatsApp ? "WHATSAPP" : "EMAIL"),
                *c, now);
    if (!made.ok()) return made.status();
    link = *std::move(made);
  }
  Actor actor = ActorOf(caller);
  bool replayed = false;
  return ApplyWithKey(store_, application_id, *key, "", /*mark_done=*/true, now, &replayed,
                      [&](const EnrollmentRecord* current) -> absl::StatusOr<EnrollmentChange> {
                        return lifecycle_.HandOver(current, e->version, channel, *c,
                                                   link ? &*link : nullptr, actor, now);
                      });
}

absl::StatusOr<HandoverLink> HandoverManager::NewLink(const std::string& request_id,
                                                      const CertificateRecord& certificate,
                                                      absl::Time now) const {
  if (download_base_url_.empty()) {
    return absl::FailedPreconditionError(
        "a handover by link (always so for WHATSAPP) needs the download service: "
        "SERTEL_CERTIFICATE_DOWNLOAD_BASE_URL is not configured");
  }
  absl::StatusOr<DownloadToken> token = NewDownloadToken();
  if (!token.ok()) return token.status();
  std::string url = DownloadUrl(download_base_url_, token->token);
  absl::StatusOr<std::string> sealed = codes_->SealForOutbox(url, request_id);
  OPENSSL_cleanse(url.data(), url.size());
  OPENSSL_cleanse(token->token.data(), token->token.size());
  if (!sealed.ok()) return sealed.status();
  return HandoverLink{.write = {.token_hash = token->hash,
                                .serial = certificate.serial,
                                .created_at = now,
                                .expires_at = now + download_ttl_},
                      .sealed_url = *std::move(sealed)};
}

absl::StatusOr<LinkDownload> HandoverManager::RedeemLink(absl::string_view token,
                                                         const LinkVisit& visit) {
  if (!IsDownloadTokenShaped(token)) return LinkDownload{};  // never looked up
  return store_->RedeemDownloadLink(HashDownloadToken(token), clock_->Now(), visit,
                                    [&](const std::string& app, const std::string& serial) {
                                      return EnrollmentLifecycle::KeystoreDownloadedByLink(
                                          app, serial, visit);
                                    });
}

absl::StatusOr<KeystoreDownload> HandoverManager::DownloadKeystore(
    const Principal& caller, const std::string& application_id) {
  if (application_id.empty()) return InvalidField("application_id", "is required");
  absl::StatusOr<EnrollmentRecord> e = store_->GetEnrollment(application_id);
  if (!e.ok()) return e.status();
  if (absl::Status s = CheckOwnEnrollment(caller, e->holder.nik, kActForTheOwner); !s.ok()) {
    return s;
  }
  if (absl::Status s = EnrollmentLifecycle::CheckCanDownload(*e); !s.ok()) return s;
  absl::StatusOr<CertificateRecord> c = store_->GetCertificateByApplication(application_id);
  if (!c.ok()) return c.status();
  // Before the handover, a download is a handover by another door: the same proof of use.
  // (After it, the holder has the keystore already; one handed over before proofs existed stays
  // downloadable.)
  if (e->state == EnrollmentState::kIssued) {
    if (absl::Status proof = ProofOfUse::RequirePassed(c->proof_of_use); !proof.ok()) return proof;
  }
  absl::StatusOr<std::optional<std::string>> p12 = store_->GetKeystore(application_id);
  if (!p12.ok()) return p12.status();
  if (!p12->has_value()) {
    return absl::FailedPreconditionError("the keystore was purged after its retention time");
  }
  // As before the refactor, the download is handed out even when its audit entry cannot be
  // written (the status is dropped).
  (void)store_->AppendAudit(
      EnrollmentLifecycle::KeystoreDownloaded(*e, c->serial, ActorOf(caller)));
  return KeystoreDownload{.pkcs12 = **std::move(p12),
                          .certificate_pem = c->certificate_pem,
                          .chain_pem = ca_->ChainPem()};
}

absl::Status HandoverManager::RecheckMatch(const CertificateRecord& c, const HolderRecord& holder,
                                           absl::Time now) const {
  absl::StatusOr<X509Ptr> cert = LoadCertificatePem(c.certificate_pem);
  if (!cert.ok()) return absl::InternalError("the stored certificate does not parse");
  if (Sha256FingerprintHex(cert->get()) != c.sha256_fingerprint) {
    return absl::FailedPreconditionError("the stored certificate differs from its record");
  }
  return CertificateMatcher::VerifyMatches(cert->get(), nullptr, ca_->chain(), IdentityOf(holder),
                                           now);
}

}  // namespace sertel::certificate
