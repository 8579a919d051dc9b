#include "certificate_matcher.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace sertel::certificate {

std::string FindingCodeName(FindingCode code) {
  switch (code) {
    case FindingCode::kNotIssuedByCa:
      return "NOT_ISSUED_BY_CA";
    case FindingCode::kExpired:
      return "EXPIRED";
    case FindingCode::kNotYetValid:
      return "NOT_YET_VALID";
    case FindingCode::kRevoked:
      return "REVOKED";
    case FindingCode::kNameMismatch:
      return "NAME_MISMATCH";
    case FindingCode::kNikMismatch:
      return "NIK_MISMATCH";
    case FindingCode::kEmailMismatch:
      return "EMAIL_MISMATCH";
    case FindingCode::kKeyUsageMissing:
      return "KEY_USAGE_MISSING";
    case FindingCode::kUnknownHolder:
      return "UNKNOWN_HOLDER";
    case FindingCode::kMalformed:
      return "MALFORMED";
  }
  return "UNSPECIFIED";
}

namespace {

std::string NormalizeName(absl::string_view name) {
  return absl::StrJoin(absl::StrSplit(name, absl::ByAnyChar(" \t\n"), absl::SkipEmpty()), " ");
}

std::string FirstEmail(X509* cert) {
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return "";
  std::string out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
    if (n->type == GEN_EMAIL) {
      const ASN1_IA5STRING* s = n->d.rfc822Name;
      out.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                 static_cast<size_t>(ASN1_STRING_length(s)));
      break;
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

}  // namespace

CertificateFacts CertificateMatcher::ReadFacts(X509* cert) {
  CertificateFacts f;
  const X509_NAME* subject = X509_get_subject_name(cert);
  f.full_name = NameEntry(subject, NID_commonName);
  f.nik = NameEntry(subject, NID_serialNumber);
  f.unit = NameEntry(subject, NID_organizationalUnitName);
  f.subject = NameToRfc4514(subject);
  f.email = FirstEmail(cert);
  f.serial_hex = SerialHex(cert);
  f.sha256_fingerprint = Sha256FingerprintHex(cert);
  f.not_before = Asn1TimeToAbsl(X509_get0_notBefore(cert));
  f.not_after = Asn1TimeToAbsl(X509_get0_notAfter(cert));
  // X509_get_key_usage reports "all usages" when the extension is absent; the profile requires
  // the extension, so look at it directly.
  if (X509_get_extension_flags(cert) & EXFLAG_KUSAGE) {
    uint32_t ku = X509_get_key_usage(cert);
    f.digital_signature = (ku & KU_DIGITAL_SIGNATURE) != 0;
    f.non_repudiation = (ku & KU_NON_REPUDIATION) != 0;
  }
  if (auto* eku = static_cast<EXTENDED_KEY_USAGE*>(
          X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr))) {
    for (int i = 0; i < sk_ASN1_OBJECT_num(eku); ++i) {
      const ASN1_OBJECT* oid = sk_ASN1_OBJECT_value(eku, i);
      char text[80];
      if (OBJ_obj2txt(text, sizeof(text), oid, /*no_name=*/1) <= 0) continue;
      if (std::string_view(text) == "1.3.6.1.5.5.7.3.4") f.email_protection = true;
      if (std::string_view(text) == "1.3.6.1.5.5.7.3.36") f.document_signing = true;
    }
    EXTENDED_KEY_USAGE_free(eku);
  }
  ERR_clear_error();
  return f;
}

std::vector<Finding> CertificateMatcher::CheckAgainstCa(X509* cert,
                                                        const std::vector<X509Ptr>& chain,
                                                        absl::Time now) {
  std::vector<Finding> out;
  if (chain.empty() || !IssuedByOurs(cert, chain[0].get(), {})) {
    out.push_back({FindingCode::kNotIssuedByCa,
                   "the certificate's signature does not chain to the agency's issuing CA"});
  }
  std::vector<Finding> itself = CheckItself(cert, now);
  out.insert(out.end(), itself.begin(), itself.end());
  return out;
}

namespace {

bool SignedBy(X509* cert, X509* issuer) {
  EVP_PKEY* issuer_key = issuer != nullptr ? X509_get0_pubkey(issuer) : nullptr;
  bool ok = issuer_key != nullptr && X509_check_issued(issuer, cert) == X509_V_OK &&
            X509_verify(cert, issuer_key) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace

bool CertificateMatcher::IssuedByOurs(X509* cert, X509* current,
                                      const std::vector<X509*>& retired) {
  if (SignedBy(cert, current)) return true;
  const absl::Time issued_at = Asn1TimeToAbsl(X509_get0_notBefore(cert));
  for (X509* issuer : retired) {
    if (SignedBy(cert, issuer) && issued_at >= Asn1TimeToAbsl(X509_get0_notBefore(issuer)) &&
        issued_at < Asn1TimeToAbsl(X509_get0_notAfter(issuer))) {
      return true;
    }
  }
  return false;
}

std::vector<Finding> CertificateMatcher::CheckItself(X509* cert, absl::Time now) {
  return CheckFacts(ReadFacts(cert), now);
}

std::vector<Finding> CertificateMatcher::CheckFacts(const CertificateFacts& f, absl::Time now) {
  std::vector<Finding> out;
  if (now >= f.not_after) {
    out.push_back({FindingCode::kExpired,
                   absl::StrCat("expired at ", absl::FormatTime(absl::RFC3339_sec, f.not_after,
                                                                absl::UTCTimeZone()))});
  }
  if (now < f.not_before) {
    out.push_back(
        {FindingCode::kNotYetValid,
         absl::StrCat("not valid before ",
                      absl::FormatTime(absl::RFC3339_sec, f.not_before, absl::UTCTimeZone()))});
  }
  if (!f.digital_signature || !f.non_repudiation) {
    out.push_back({FindingCode::kKeyUsageMissing,
                   "key usage must include digitalSignature and nonRepudiation"});
  }
  if (!f.email_protection || !f.document_signing) {
    out.push_back({FindingCode::kKeyUsageMissing,
                   "extended key usage must include emailProtection and documentSigning"});
  }
  return out;
}

std::vector<Finding> CertificateMatcher::CompareHolder(const CertificateFacts& facts,
                                                       const HolderIdentity& holder) {
  std::vector<Finding> out;
  if (NormalizeName(facts.full_name) != NormalizeName(holder.full_name)) {
    out.push_back({FindingCode::kNameMismatch,
                   "the subject's common name differs from the holder's recorded name"});
  }
  if (facts.nik != holder.nik) {
    out.push_back({FindingCode::kNikMismatch,
                   "the subject's serialNumber differs from the holder's recorded NIK"});
  }
  if (absl::AsciiStrToLower(facts.email) != absl::AsciiStrToLower(holder.email)) {
    out.push_back({FindingCode::kEmailMismatch,
                   "the certificate's email differs from the holder's recorded email"});
  }
  return out;
}

absl::Status CertificateMatcher::VerifyMatches(X509* cert, EVP_PKEY* expected_key,
                                               const std::vector<X509Ptr>& chain,
                                               const HolderIdentity& holder, absl::Time now) {
  std::vector<std::string> problems;
  if (expected_key != nullptr) {
    EVP_PKEY* actual = X509_get0_pubkey(cert);
    if (actual == nullptr || EVP_PKEY_eq(actual, expected_key) != 1) {
      problems.push_back("KEY_MISMATCH: the certificate does not carry the generated key");
    }
    ERR_clear_error();
  }
  std::vector<Finding> findings = CheckAgainstCa(cert, chain, now);
  std::vector<Finding> holder_findings = CompareHolder(ReadFacts(cert), holder);
  findings.insert(findings.end(), holder_findings.begin(), holder_findings.end());
  for (const Finding& f : findings) {
    problems.push_back(absl::StrCat(FindingCodeName(f.code), ": ", f.message));
  }
  if (problems.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("the certificate does not match its holder: ", absl::StrJoin(problems, "; ")));
}

}  // namespace sertel::certificate
