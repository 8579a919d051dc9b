#include "embedded_ca.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "absl/strings/str_cat.h"

namespace sertel::certificate {
namespace {

absl::Status Fail(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", OpenSslErrorString()));
}

// Adds one extension from OpenSSL's configuration syntax (values we build ourselves, never
// caller text: the email goes into the SAN through GENERAL_NAME below).
bool AddExtension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value);
  if (ext == nullptr) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

bool AddEmailSan(X509* cert, const std::string& email) {
  GENERAL_NAMES* names = GENERAL_NAMES_new();
  GENERAL_NAME* name = GENERAL_NAME_new();
  ASN1_IA5STRING* ia5 = ASN1_IA5STRING_new();
  if (names == nullptr || name == nullptr || ia5 == nullptr ||
      ASN1_STRING_set(ia5, email.data(), static_cast<int>(email.size())) != 1) {
    GENERAL_NAMES_free(names);
    GENERAL_NAME_free(name);
    ASN1_IA5STRING_free(ia5);
    return false;
  }
  GENERAL_NAME_set0_value(name, GEN_EMAIL, ia5);
  sk_GENERAL_NAME_push(names, name);
  bool ok = X509_add1_ext_i2d(cert, NID_subject_alt_name, names, 0, X509V3_ADD_DEFAULT) == 1;
  GENERAL_NAMES_free(names);
  return ok;
}

bool AddNameEntry(X509_NAME* name, int nid, const std::string& value) {
  return X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(value.data()),
                                    static_cast<int>(value.size()), -1, 0) == 1;
}

// 16 random octets (RFC 5280 section 4.1.2.2, CA/B Forum: at least 64 random bits), the top
// octet drawn from 0x10-0x7f: positive without a padding octet, and always 32 hex digits.
absl::StatusOr<ASN1_INTEGER*> RandomSerial() {
  unsigned char bytes[16];
  do {
    if (RAND_bytes(bytes, sizeof(bytes)) != 1) return Fail("RAND_bytes");
    bytes[0] &= 0x7f;
  } while (bytes[0] < 0x10);
  BIGNUM* bn = BN_bin2bn(bytes, sizeof(bytes), nullptr);
  ASN1_INTEGER* serial = bn != nullptr ? BN_to_ASN1_INTEGER(bn, nullptr) : nullptr;
  BN_free(bn);
  if (serial == nullptr) return Fail("serial");
  return serial;
}

const EVP_MD* DigestFor(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "EC") && EVP_PKEY_get_bits(key) >= 384) return EVP_sha384();
  return EVP_sha256();
}

}  // namespace

absl::StatusOr<std::unique_ptr<EmbeddedCa>> EmbeddedCa::Load(const Options& options) {
  std::unique_ptr<EmbeddedCa> ca(new EmbeddedCa());
  ca->options_ = options;
  absl::StatusOr<std::string> key_pem = ReadFile(options.key_file);
  if (!key_pem.ok()) return absl::FailedPreconditionError(key_pem.status().message());
  absl::StatusOr<EvpPkeyPtr> key = LoadPrivateKeyPem(*key_pem);
  OPENSSL_cleanse(key_pem->data(), key_pem->size());
  if (!key.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(options.key_file, ": ", key.status().message()));
  }
  ca->key_ = std::move(*key);
  absl::StatusOr<std::string> chain_pem = ReadFile(options.chain_file);
  if (!chain_pem.ok()) return absl::FailedPreconditionError(chain_pem.status().message());
  absl::StatusOr<std::vector<X509Ptr>> chain = LoadCertificateChainPem(*chain_pem);
  if (!chain.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(options.chain_file, ": ", chain.status().message()));
  }
  ca->chain_ = std::move(*chain);
  if (X509_check_private_key(ca->chain_[0].get(), ca->key_.get()) != 1) {
    ERR_clear_error();
    return absl::FailedPreconditionError(absl::StrCat(
        options.key_file, " does not belong to the first certificate of ", options.chain_file));
  }
  if (X509_check_ca(ca->chain_[0].get()) == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("the first certificate of ", options.chain_file, " is not a CA"));
  }
  return ca;
}

std::string EmbeddedCa::ChainPem() const {
  std::string out;
  for (const X509Ptr& c : chain_) out += CertificateToPem(c.get());
  return out;
}

namespace {

// The contract's certificate profile: an end entity for signing (RFC 9336 documentSigning), its
// key identifiers, the holder's email, and where the CRL is published when configured.
absl::Status AddProfileExtensions(X509* cert, X509* issuer, const std::string& email,
                                  const std::string& crl_url) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  if (!AddExtension(cert, &ctx, NID_basic_constraints, "critical,CA:FALSE") ||
      !AddExtension(cert, &ctx, NID_key_usage, "critical,digitalSignature,nonRepudiation") ||
      // RFC 9336: id-kp-documentSigning.
      !AddExtension(cert, &ctx, NID_ext_key_usage, "emailProtection,1.3.6.1.5.5.7.3.36") ||
      !AddExtension(cert, &ctx, NID_subject_key_identifier, "hash") ||
      !AddExtension(cert, &ctx, NID_authority_key_identifier, "keyid:always") ||
      !AddEmailSan(cert, email)) {
    return Fail("extensions");
  }
  if (!crl_url.empty()) {
    std::string dp = absl::StrCat("URI:", crl_url);
    if (!AddExtension(cert, &ctx, NID_crl_distribution_points, dp.c_str())) {
      return Fail("CRL distribution point");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<IssuedCertificate> EmbeddedCa::Issue(const IssueRequest& request) {
  if (request.public_key == nullptr) return absl::InvalidArgumentError("no public key");
  if (request.not_after <= request.not_before) {
    return absl::InvalidArgumentError("not_after must be after not_before");
  }
  X509* issuer = chain_[0].get();
  X509Ptr cert(X509_new());
  if (cert == nullptr || X509_set_version(cert.get(), X509_VERSION_3) != 1) return Fail("X509_new");

  absl::StatusOr<ASN1_INTEGER*> serial = RandomSerial();
  if (!serial.ok()) return serial.status();
  int serial_ok = X509_set_serialNumber(cert.get(), *serial);
  ASN1_INTEGER_free(*serial);
  if (serial_ok != 1) return Fail("serial");

  if (!SetAsn1Time(X509_getm_notBefore(cert.get()), request.not_before) ||
      !SetAsn1Time(X509_getm_notAfter(cert.get()), request.not_after)) {
    return Fail("validity");
  }
  // Subject per the contract's profile.
  X509_NAME* subject = X509_get_subject_name(cert.get());
  const HolderIdentity& h = request.holder;
  if (!AddNameEntry(subject, NID_countryName, "ID") ||
      !AddNameEntry(subject, NID_organizationName, options_.organization) ||
      (!h.unit.empty() && !AddNameEntry(subject, NID_organizationalUnitName, h.unit)) ||
      !AddNameEntry(subject, NID_commonName, h.full_name) ||
      !AddNameEntry(subject, NID_serialNumber, h.nik)) {
    return absl::InvalidArgumentError(absl::StrCat("subject: ", OpenSslErrorString()));
  }
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer)) != 1 ||
      X509_set_pubkey(cert.get(), request.public_key) != 1) {
    return Fail("issuer/public key");
  }

  if (absl::Status s = AddProfileExtensions(cert.get(), issuer, h.email, options_.crl_url);
      !s.ok()) {
    return s;
  }
  if (X509_sign(cert.get(), key_.get(), DigestFor(key_.get())) <= 0) return Fail("signing");

  IssuedCertificate out;
  out.pem = CertificateToPem(cert.get());
  out.serial_hex = SerialHex(cert.get());
  out.sha256_fingerprint = Sha256FingerprintHex(cert.get());
  out.subject = NameToRfc4514(X509_get_subject_name(cert.get()));
  out.not_before = Asn1TimeToAbsl(X509_get0_notBefore(cert.get()));
  out.not_after = Asn1TimeToAbsl(X509_get0_notAfter(cert.get()));
  out.certificate = std::move(cert);
  return out;
}

absl::StatusOr<std::string> EmbeddedCa::MakeCrl(const std::vector<RevokedEntry>& revoked,
                                                int64_t crl_number, absl::Time this_update,
                                                absl::Time next_update) {
  X509* issuer = chain_[0].get();
  X509CrlPtr crl(X509_CRL_new());
  if (crl == nullptr || X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer)) != 1) {
    return Fail("CRL");
  }
  ASN1_TIME* t = ASN1_TIME_new();
  SetAsn1Time(t, this_update);
  X509_CRL_set1_lastUpdate(crl.get(), t);
  SetAsn1Time(t, next_update);
  X509_CRL_set1_nextUpdate(crl.get(), t);
  ASN1_TIME_free(t);

  for (const RevokedEntry& e : revoked) {
    X509_REVOKED* r = X509_REVOKED_new();
    BIGNUM* bn = nullptr;
    if (BN_hex2bn(&bn, e.serial_hex.c_str()) == 0) {
      X509_REVOKED_free(r);
      return absl::InternalError(absl::StrCat("bad serial in revocation list: ", e.serial_hex));
    }
    ASN1_INTEGER* serial = BN_to_ASN1_INTEGER(bn, nullptr);
    BN_free(bn);
    X509_REVOKED_set_serialNumber(r, serial);
    ASN1_INTEGER_free(serial);
    ASN1_TIME* when = ASN1_TIME_new();
    SetAsn1Time(when, e.revoked_at);
    X509_REVOKED_set_revocationDate(r, when);
    ASN1_TIME_free(when);
    ASN1_ENUMERATED* reason = ASN1_ENUMERATED_new();
    ASN1_ENUMERATED_set(reason, e.reason_code);
    X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, reason, 0, 0);
    ASN1_ENUMERATED_free(reason);
    X509_CRL_add0_revoked(crl.get(), r);
  }
  X509_CRL_sort(crl.get());

  ASN1_INTEGER* number = ASN1_INTEGER_new();
  ASN1_INTEGER_set_int64(number, crl_number);
  X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number, 0, 0);
  ASN1_INTEGER_free(number);
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, nullptr, nullptr, crl.get(), 0);
  X509_EXTENSION* aki =
      X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always");
  if (aki == nullptr) return Fail("CRL AKI");
  X509_CRL_add_ext(crl.get(), aki, -1);
  X509_EXTENSION_free(aki);

  if (X509_CRL_sign(crl.get(), key_.get(), DigestFor(key_.get())) <= 0) return Fail("CRL signing");
  unsigned char* der = nullptr;
  int len = i2d_X509_CRL(crl.get(), &der);
  if (len <= 0) return Fail("CRL encoding");
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace sertel::certificate
