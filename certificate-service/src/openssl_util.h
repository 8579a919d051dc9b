// Conversion helpers around OpenSSL 3 for the certificate service's crypto classes: DER,
// fingerprints and serials in hex, names, ASN.1 times (on top of common/pem.h).
//
//   X509Ptr cert = LoadCertificatePem(pem).value();
//   std::string fp = Sha256FingerprintHex(cert.get());
#pragma once

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/pem.h"

namespace sertel::certificate {

// The owning pointers (X509Ptr, EvpPkeyPtr, X509CrlPtr, BioPtr, ...), PEM loading
// (LoadCertificatePem, LoadCertificateChainPem, LoadPrivateKeyPem: an encrypted key is refused,
// never a terminal prompt), ReadFile, CertificateToPem and OpenSslErrorString are common/pem.h's;
// this file adds what only this service needs.

struct CmsDeleter {
  void operator()(CMS_ContentInfo* p) const { CMS_ContentInfo_free(p); }
};
using CmsPtr = std::unique_ptr<CMS_ContentInfo, CmsDeleter>;

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

}  // namespace sertel::certificate
