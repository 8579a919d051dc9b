#include "check_manager.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "certificate_inputs.h"
#include "certificate_matcher.h"
#include "common/field_violations.h"
#include "enrollment_lifecycle.h"

namespace sertel::certificate {
namespace {

// Each finding code once, the first message kept.
void AddFinding(CheckOutcome& out, FindingCode code, const std::string& message) {
  for (const Finding& f : out.findings) {
    if (f.code == code) return;
  }
  out.findings.push_back({code, message});
}

void AddFindings(CheckOutcome& out, const std::vector<Finding>& findings) {
  for (const Finding& f : findings) AddFinding(out, f.code, f.message);
}

// The block's bytes are the certificate's DER and nothing more: OpenSSL's parser stops after
// the certificate, another reader might not.
bool BlockIsExactlyTheCertificate(const std::string& pem, X509* cert) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long len = 0;
  bool ok = bio != nullptr && PEM_read_bio(bio.get(), &name, &header, &data, &len) == 1;
  unsigned char* der = nullptr;
  int der_len = ok ? i2d_X509(cert, &der) : -1;
  ok = ok && der_len > 0 && der_len == len && std::memcmp(der, data, static_cast<size_t>(len)) == 0;
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  OPENSSL_free(der);
  ERR_clear_error();
  return ok;
}

}  // namespace

absl::StatusOr<CertificateView> CheckManager::GetCertificate(const std::string& application_id,
                                                             const std::string& serial) {
  bool by_app = !application_id.empty();
  bool by_serial = !serial.empty();
  if (by_app == by_serial) {
    return InvalidField(by_app ? "serial" : "application_id",
                        "give exactly one of application_id and serial");
  }
  if (by_serial && !IsSerialHex(serial)) return InvalidField("serial", "must be hexadecimal");
  absl::StatusOr<CertificateRecord> c =
      by_app ? store_->GetCertificateByApplication(application_id)
             : store_->GetCertificateBySerial(NormalizeSerial(serial));
  if (!c.ok()) return c.status();
  return CertificateView{*c, EnrollmentLifecycle::StatusAt(*c, clock_->Now())};
}

absl::StatusOr<CheckOutcome> CheckManager::CheckCertificate(const std::string& certificate_pem,
                                                            const std::string& expected_nik) {
  FieldViolations v;
  if (certificate_pem.empty()) v.Add("certificate_pem", "is required");
  if (certificate_pem.size() > kMaxPemBytes) v.Add("certificate_pem", "too large");
  if (!expected_nik.empty() && !IsNikShaped(expected_nik)) {
    v.Add("expected_nik", "must be 16 digits");
  }
  if (!v.empty()) return v.ToStatus("the check request is invalid");
  CheckOutcome out;
  std::shared_ptr<const VerifiedCertificate> verified = verified_.Find(certificate_pem);
  if (verified == nullptr) {
    absl::StatusOr<VerifiedCertificate> fresh = VerifyIssuedByOurs(certificate_pem, out);
    if (!fresh.ok()) return out;  // the findings say why
    verified = std::make_shared<const VerifiedCertificate>(*fresh);
    verified_.Insert(certificate_pem, *std::move(fresh));
  }
  absl::StatusOr<CertificateSnapshot::Version> records = snapshot_->Current();
  if (!records.ok()) return records.status();
  absl::Time now = clock_->Now();
  const CertificateFacts& facts = verified->facts;
  AddFindings(out, CertificateMatcher::CheckFacts(facts, now));
  CompareWithRecords(**records, *verified, now, out);
  if (!expected_nik.empty() && facts.nik != expected_nik) {
    AddFinding(out, FindingCode::kNikMismatch,
               "the subject's serialNumber differs from expected_nik");
  }
  return out;
}

absl::StatusOr<VerifiedCertificate> CheckManager::VerifyIssuedByOurs(
    const std::string& certificate_pem, CheckOutcome& out) const {
  const absl::Status refused = absl::FailedPreconditionError("see the findings");
  absl::StatusOr<std::vector<X509Ptr>> certs = LoadCertificateChainPem(certificate_pem);
  if (!certs.ok()) {
    AddFinding(out, FindingCode::kMalformed, "not a parsable PEM X.509 certificate");
    return refused;
  }
  // One certificate, and no other PEM block after it that a reader might take for part of it.
  size_t blocks = 0;
  for (size_t at = certificate_pem.find("-----BEGIN"); at != std::string::npos;
       at = certificate_pem.find("-----BEGIN", at + 1)) {
    ++blocks;
  }
  if (certs->size() != 1 || blocks != 1) {
    AddFinding(out, FindingCode::kMalformed, "the PEM must hold exactly one certificate");
    return refused;
  }
  X509* cert = (*certs)[0].get();
  if (!BlockIsExactlyTheCertificate(certificate_pem, cert)) {
    AddFinding(out, FindingCode::kMalformed,
               "the PEM block holds more than the certificate (trailing bytes)");
    return refused;
  }
  std::vector<X509*> retired;
  for (const X509Ptr& r : retired_) retired.push_back(r.get());
  X509* current = ca_->chain().empty() ? nullptr : ca_->chain()[0].get();
  if (!CertificateMatcher::IssuedByOurs(cert, current, retired)) {
    AddFinding(out, FindingCode::kNotIssuedByCa,
               "the certificate's signature does not chain to an issuing CA of the agency");
    return refused;
  }
  return VerifiedCertificate{.facts = CertificateMatcher::ReadFacts(cert),
                             .canonical_pem = CertificateToPem(cert)};
}

void CheckManager::CompareWithRecords(const SnapshotData& records,
                                      const VerifiedCertificate& verified, absl::Time now,
                                      CheckOutcome& out) {
  const CertificateFacts& facts = verified.facts;
  const HolderRecord* holder = nullptr;
  const SnapshotCertificate* ours = records.Find(facts.serial_hex);
  if (ours != nullptr && ours->certificate.sha256_fingerprint == facts.sha256_fingerprint) {
    CertificateRecord record = ours->certificate;
    record.certificate_pem = verified.canonical_pem;  // the same DER as the one we stored
    out.certificate = CertificateView{record, EnrollmentLifecycle::StatusAt(record, now)};
    if (record.revoked_at.has_value() && *record.revoked_at <= now) {
      AddFinding(out, FindingCode::kRevoked,
                 absl::StrCat("revoked at ", Rfc3339(*record.revoked_at)));
    }
    holder = &ours->holder;
  } else {
    AddFinding(out, FindingCode::kUnknownHolder,
               "our records hold no certificate with this serial and fingerprint");
    // Still compare with the person it claims to be, when we know them.
    // Only the NIK the certificate itself names: a caller's expected_nik must not choose whose
    // record is compared (that would tell them who holds a NIK).
    if (!facts.nik.empty()) holder = records.LatestHolder(facts.nik);
  }
  if (holder != nullptr) {
    AddFindings(out, CertificateMatcher::CompareHolder(facts, IdentityOf(*holder)));
  }
}

}  // namespace sertel::certificate
