// The embedded CA (docs/architecture.md, "The CA behind the certificate service"): the issuing CA's
// key and certificate chain are read from files (a Kubernetes Secret in production) and
// certificates are signed here with OpenSSL 3, per the contract's profile:
//   subject C=ID, O=<organisation>, OU=<unit>, CN=<full name>, serialNumber=<NIK>;
//   SAN rfc822Name=<email>; keyUsage critical digitalSignature,nonRepudiation;
//   extendedKeyUsage emailProtection, documentSigning (1.3.6.1.5.5.7.3.36);
//   basicConstraints critical CA:FALSE; SKI; AKI; optional CRL distribution point;
//   a positive 128-bit random serial (RFC 5280 section 4.1.2.2: at most 20 octets).
//
//   auto ca = EmbeddedCa::Load({.key_file = k, .chain_file = c, .organization = "Pemerintah
//   Kota"});
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "certificate_authority.h"

namespace sertel::certificate {

class EmbeddedCa final : public CertificateAuthority {
 public:
  struct Options {
    std::string key_file;    // PEM private key of the issuing CA
    std::string chain_file;  // PEM: the issuing CA certificate first, then its issuers
    std::string organization = "Pemerintah Kota";
    std::string crl_url;  // optional CRL distribution point URI
  };
  // FAILED_PRECONDITION when the files do not load or the key does not match the certificate.
  static absl::StatusOr<std::unique_ptr<EmbeddedCa>> Load(const Options& options);

  absl::StatusOr<IssuedCertificate> Issue(const IssueRequest& request) override;
  absl::StatusOr<std::string> MakeCrl(const std::vector<RevokedEntry>& revoked, int64_t crl_number,
                                      absl::Time this_update, absl::Time next_update) override;
  const std::vector<X509Ptr>& chain() const override { return chain_; }
  std::string ChainPem() const override;

 private:
  EmbeddedCa() = default;
  Options options_;
  EvpPkeyPtr key_;
  std::vector<X509Ptr> chain_;
};

}  // namespace sertel::certificate
