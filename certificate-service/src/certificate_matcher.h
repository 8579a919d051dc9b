// The SOP's warning as code: "a certificate that does not match its owner leaves the owner
// unable to sign". Reads the facts of a certificate and compares them with our CA, the clock
// and the holder record; used before a certificate is stored (SetPassphrase), before it is
// handed over (HandOver) and by anyone through CheckCertificate.
//
//   std::vector<Finding> f = CertificateMatcher::CheckAgainstCa(cert, ca.chain(), now);
//   Append(f, CertificateMatcher::CompareHolder(facts, holder));
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "certificate_authority.h"
#include "openssl_util.h"

namespace sertel::certificate {

// The contract's finding codes (CheckCertificate).
enum class FindingCode {
  kNotIssuedByCa,
  kExpired,
  kNotYetValid,
  kRevoked,
  kNameMismatch,
  kNikMismatch,
  kEmailMismatch,
  kKeyUsageMissing,
  kUnknownHolder,
  kMalformed,
};
std::string FindingCodeName(FindingCode code);  // "NIK_MISMATCH", ...

struct Finding {
  FindingCode code;
  std::string message;
};

// What a certificate says about its holder.
struct CertificateFacts {
  std::string full_name;  // subject CN
  std::string nik;        // subject serialNumber
  std::string email;      // first SAN rfc822Name
  std::string unit;       // subject OU
  std::string subject;    // RFC 4514
  std::string serial_hex;
  std::string sha256_fingerprint;
  absl::Time not_before;
  absl::Time not_after;
  bool digital_signature = false;
  bool non_repudiation = false;
  bool email_protection = false;  // extendedKeyUsage id-kp-emailProtection
  bool document_signing = false;  // extendedKeyUsage id-kp-documentSigning (RFC 9336)
};

class CertificateMatcher {
 public:
  static CertificateFacts ReadFacts(X509* cert);

  // Signed by the first certificate of `chain` (our issuing CA), then CheckItself.
  static std::vector<Finding> CheckAgainstCa(X509* cert, const std::vector<X509Ptr>& chain,
                                             absl::Time now);
  // Signed by `current` (our issuing CA), or by one of `retired` (those it replaced) while that
  // one was valid: the certificate's notBefore lies within the retired issuer's validity.
  static bool IssuedByOurs(X509* cert, X509* current, const std::vector<X509*>& retired);
  // Valid at `now`; key usage digitalSignature + nonRepudiation; extended key usage
  // emailProtection + documentSigning (the contract's profile).
  static std::vector<Finding> CheckItself(X509* cert, absl::Time now);
  // The same, from the facts already read (ReadFacts).
  static std::vector<Finding> CheckFacts(const CertificateFacts& facts, absl::Time now);
  // Name, NIK and email against the holder record (names compared with runs of whitespace
  // collapsed, emails case-insensitively).
  static std::vector<Finding> CompareHolder(const CertificateFacts& facts,
                                            const HolderIdentity& holder);
  // Before anything is stored or handed over: the certificate carries `expected_key`'s public
  // half (when given), is ours, valid now, and names the holder. FAILED_PRECONDITION listing
  // every finding otherwise.
  static absl::Status VerifyMatches(X509* cert, EVP_PKEY* expected_key,
                                    const std::vector<X509Ptr>& chain, const HolderIdentity& holder,
                                    absl::Time now);
};

}  // namespace sertel::certificate
