// Small RAII and conversion helpers around OpenSSL 3 for the certificate service's crypto
// classes: owning pointers, PEM/DER parsing, hex fingerprints and serials, ASN.1 times.
//
//   X509Ptr cert = ParseCertificatePem(pem).value();
//   std::string fp = Sha256FingerprintHex(cert.get());
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace sertel::certificate {

struct X509Deleter {
  void operator()(X509* p) const { X509_free(p); }
};
struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509CrlDeleter {
  void operator()(X509_CRL* p) const { X509_CRL_free(p); }
};
struct BioDeleter {
  void operator()(BIO* p) const { BIO_free_all(p); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;
using X509CrlPtr = std::unique_ptr<X509_CRL, X509CrlDeleter>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

// The OpenSSL error queue as one line (and clears it). Never contains key material.
std::string OpenSslError();

// One certificate from PEM; INVALID_ARGUMENT when it does not parse.
absl::StatusOr<X509Ptr> ParseCertificatePem(absl::string_view pem);
// Every certificate in a PEM bundle, in order; INVALID_ARGUMENT when there is none.
absl::StatusOr<std::vector<X509Ptr>> ParseCertificateChainPem(absl::string_view pem);
absl::StatusOr<EvpPkeyPtr> ParsePrivateKeyPem(absl::string_view pem);
absl::StatusOr<std::string> ReadFileBytes(const std::string& path);

std::string CertificateToPem(X509* cert);
std::string CertificateToDer(X509* cert);
// Lowercase hex SHA-256 of the DER encoding.
std::string Sha256FingerprintHex(X509* cert);
// The serial as lowercase hex without leading zeros.
std::string SerialHex(const X509* cert);
std::string SerialHex(const ASN1_INTEGER* serial);
// The DER public key (SubjectPublicKeyInfo), to compare keys.
std::string PublicKeyDer(EVP_PKEY* key);
// RFC 4514 form of a name (most significant RDN last, as the RFC prints it).
std::string NameToRfc4514(const X509_NAME* name);
// The first entry of `nid` in `name`, as UTF-8, or "".
std::string NameEntry(const X509_NAME* name, int nid);

absl::Time Asn1TimeToAbsl(const ASN1_TIME* t);
// Sets `t` (in place) from an absl::Time; UTCTime before 2050, GeneralizedTime after (RFC 5280).
bool SetAsn1Time(ASN1_TIME* t, absl::Time when);

std::string HexLower(absl::string_view bytes);

}  // namespace sertel::certificate
