// The CA behind SOP step 5 ("sends it to the BSrE service"): issues a holder's certificate per
// the contract's profile and publishes revocations. EmbeddedCa (embedded_ca.h) signs with a key
// loaded from files; a CMP client for an external CA can implement the same interface.
//
//   absl::StatusOr<IssuedCertificate> c = ca->Issue({.public_key = key.get(),
//       .holder = {"Siti Aminah", "3171014101900001", "siti@kota.go.id", "Dinas Kominfo"},
//       .not_before = now, .not_after = now + validity});
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "openssl_util.h"

namespace sertel::certificate {

// Who a certificate is for: the subject's CN, serialNumber, SAN email and OU.
struct HolderIdentity {
  std::string full_name;
  std::string nik;
  std::string email;
  std::string unit;
};

struct IssueRequest {
  EVP_PKEY* public_key = nullptr;  // only the public half is used
  HolderIdentity holder;
  absl::Time not_before;
  absl::Time not_after;
};

struct IssuedCertificate {
  X509Ptr certificate;
  std::string pem;
  std::string serial_hex;          // lowercase, 128 random bits
  std::string sha256_fingerprint;  // lowercase hex of the DER
  std::string subject;             // RFC 4514
  absl::Time not_before;
  absl::Time not_after;
};

// One CRL entry (RFC 5280 section 5.3.1 reason code, 0-10 without 7).
struct RevokedEntry {
  std::string serial_hex;
  absl::Time revoked_at;
  int reason_code = 0;
};

class CertificateAuthority {
 public:
  virtual ~CertificateAuthority() = default;
  virtual absl::StatusOr<IssuedCertificate> Issue(const IssueRequest& request) = 0;
  // A DER CRL listing `revoked`, signed by the issuing CA. UNIMPLEMENTED for a CA that publishes
  // its own CRL.
  virtual absl::StatusOr<std::string> MakeCrl(const std::vector<RevokedEntry>& revoked,
                                              int64_t crl_number, absl::Time this_update,
                                              absl::Time next_update) = 0;
  // The issuing CA certificate first, then its issuers, as loaded.
  virtual const std::vector<X509Ptr>& chain() const = 0;
  virtual std::string ChainPem() const = 0;
};

}  // namespace sertel::certificate
