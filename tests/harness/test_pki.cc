#include "tests/harness/test_pki.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/pem.h"

namespace sertel::testing {
namespace {

// What a certificate says about itself; BuildCertificate turns it into X.509 v3 (RFC 5280).
struct CertSpec {
  std::string common_name;
  std::string organization;
  std::string country;
  bool is_ca = false;
  std::string key_usage;           // X509V3 config syntax, e.g. "critical,digitalSignature"
  std::string extended_key_usage;  // e.g. "serverAuth,clientAuth"; "" for none
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  std::vector<std::string> uris;
  absl::Duration validity = absl::Hours(24 * 30);
};

absl::Status OpenSslFailure(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", OpenSslErrorString()));
}

absl::StatusOr<EvpPkeyPtr> MakeKey(absl::string_view algorithm) {
  EVP_PKEY* key = nullptr;
  if (algorithm == "rsa-2048") {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
  } else if (algorithm == "rsa-3072") {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{3072});
  } else if (algorithm == "ec-p256") {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  } else if (algorithm == "ec-p384") {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unknown key algorithm ", algorithm));
  }
  if (key == nullptr) return OpenSslFailure(absl::StrCat("generating an ", algorithm, " key"));
  return EvpPkeyPtr(key);
}

std::string PrivateKeyToPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  // OpenSSL 3 writes unencrypted PKCS#8 ("PRIVATE KEY").
  if (bio == nullptr ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    ERR_clear_error();
    return "";
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return len > 0 ? std::string(data, static_cast<size_t>(len)) : "";
}

// A positive 128-bit random serial (RFC 5280 §4.1.2.2 allows up to 20 octets; CA/B Forum asks
// for at least 64 random bits).
absl::Status SetRandomSerial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return OpenSslFailure("RAND_bytes");
  bytes[0] = static_cast<unsigned char>((bytes[0] & 0x7f) | 0x40);  // positive, 16 octets
  BIGNUM* bn = BN_bin2bn(bytes, sizeof(bytes), nullptr);
  if (bn == nullptr) return OpenSslFailure("BN_bin2bn");
  ASN1_INTEGER* serial = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
  BN_free(bn);
  if (serial == nullptr) return OpenSslFailure("BN_to_ASN1_INTEGER");
  return absl::OkStatus();
}

absl::Status AddNameEntry(X509_NAME* name, const char* field, const std::string& value) {
  if (value.empty()) return absl::OkStatus();
  if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(value.data()),
                                 static_cast<int>(value.size()), -1, 0) != 1) {
    return OpenSslFailure(absl::StrCat("name entry ", field));
  }
  return absl::OkStatus();
}

absl::Status AddExtension(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str());
  if (ext == nullptr) return OpenSslFailure(absl::StrCat("extension ", OBJ_nid2sn(nid)));
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (ok != 1) return OpenSslFailure(absl::StrCat("adding extension ", OBJ_nid2sn(nid)));
  return absl::OkStatus();
}

// Issues a certificate for `subject_key`, signed by issuer_key under issuer_cert, or self-signed
// with subject_key when issuer_cert is null.
absl::StatusOr<X509Ptr> BuildCertificate(EVP_PKEY* subject_key, const CertSpec& spec,
                                         X509* issuer_cert = nullptr,
                                         EVP_PKEY* issuer_key = nullptr) {
  X509Ptr cert(X509_new());
  if (cert == nullptr) return OpenSslFailure("X509_new");
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1) return OpenSslFailure("version");
  if (absl::Status s = SetRandomSerial(cert.get()); !s.ok()) return s;

  X509_NAME* subject = X509_get_subject_name(cert.get());
  if (absl::Status s = AddNameEntry(subject, "C", spec.country); !s.ok()) return s;
  if (absl::Status s = AddNameEntry(subject, "O", spec.organization); !s.ok()) return s;
  if (absl::Status s = AddNameEntry(subject, "CN", spec.common_name); !s.ok()) return s;
  X509_NAME* issuer_name = issuer_cert != nullptr ? X509_get_subject_name(issuer_cert) : subject;
  if (X509_set_issuer_name(cert.get(), issuer_name) != 1) return OpenSslFailure("issuer name");

  // An hour of back-dating absorbs clock differences between test processes.
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()),
                      static_cast<long>(absl::ToInt64Seconds(spec.validity))) == nullptr) {
    return OpenSslFailure("validity");
  }
  if (X509_set_pubkey(cert.get(), subject_key) != 1) return OpenSslFailure("public key");

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer_cert != nullptr ? issuer_cert : cert.get(), cert.get(), nullptr,
                 nullptr, 0);
  if (absl::Status s = AddExtension(cert.get(), &ctx, NID_basic_constraints,
                                    spec.is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
      !s.ok()) {
    return s;
  }
  if (!spec.key_usage.empty()) {
    if (absl::Status s = AddExtension(cert.get(), &ctx, NID_key_usage, spec.key_usage); !s.ok()) {
      return s;
    }
  }
  if (!spec.extended_key_usage.empty()) {
    if (absl::Status s = AddExtension(cert.get(), &ctx, NID_ext_key_usage, spec.extended_key_usage);
        !s.ok()) {
      return s;
    }
  }
  std::vector<std::string> san;
  for (const std::string& d : spec.dns_names) san.push_back("DNS:" + d);
  for (const std::string& ip : spec.ip_addresses) san.push_back("IP:" + ip);
  for (const std::string& uri : spec.uris) san.push_back("URI:" + uri);
  if (!san.empty()) {
    if (absl::Status s =
            AddExtension(cert.get(), &ctx, NID_subject_alt_name, absl::StrJoin(san, ","));
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = AddExtension(cert.get(), &ctx, NID_subject_key_identifier, "hash");
      !s.ok()) {
    return s;
  }
  if (issuer_cert != nullptr) {
    if (absl::Status s =
            AddExtension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always");
        !s.ok()) {
      return s;
    }
  }

  EVP_PKEY* signing_key = issuer_cert != nullptr ? issuer_key : subject_key;
  if (X509_sign(cert.get(), signing_key, EVP_sha256()) <= 0) return OpenSslFailure("X509_sign");
  return cert;
}

absl::Status WriteFile(const std::string& path, const std::string& content, mode_t mode) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return absl::InternalError(absl::StrCat(path, ": ", std::strerror(errno)));
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      close(fd);
      return absl::InternalError(absl::StrCat(path, ": ", std::strerror(err)));
    }
    done += static_cast<size_t>(n);
  }
  if (fchmod(fd, mode) != 0 || close(fd) != 0) {
    return absl::InternalError(absl::StrCat(path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

// The PKI is a precondition of every test that uses it: without it nothing meaningful runs.
[[noreturn]] void Die(absl::string_view what, const absl::Status& status) {
  std::fprintf(stderr, "TestPki: %.*s: %s\n", static_cast<int>(what.size()), what.data(),
               status.ToString().c_str());
  std::abort();
}

template <typename T>
T Must(absl::StatusOr<T> value, absl::string_view what) {
  if (!value.ok()) Die(what, value.status());
  return *std::move(value);
}

void Must(const absl::Status& status, absl::string_view what) {
  if (!status.ok()) Die(what, status);
}

CertSpec LeafSpec(std::string common_name, std::string extended_key_usage) {
  CertSpec spec;
  spec.common_name = std::move(common_name);
  spec.organization = "sertel tests";
  spec.key_usage = "critical,digitalSignature";
  spec.extended_key_usage = std::move(extended_key_usage);
  return spec;
}

CertSpec CaSpec(std::string common_name) {
  CertSpec spec;
  spec.common_name = std::move(common_name);
  spec.organization = "sertel tests";
  spec.is_ca = true;
  spec.key_usage = "critical,keyCertSign,cRLSign";
  spec.validity = absl::Hours(24 * 365);
  return spec;
}

}  // namespace

TestPki::TestPki() {
  std::string tmpl = "/tmp/sertel-pki-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) {
    Die("mkdtemp", absl::InternalError(std::strerror(errno)));
  }
  dir_ = tmpl;

  // The internal CA and the identities it vouches for.
  EvpPkeyPtr ca_key = Must(MakeKey("ec-p256"), "CA key");
  X509Ptr ca_cert =
      Must(BuildCertificate(ca_key.get(), CaSpec("sertel Test Internal CA")), "CA certificate");
  ca_cert_pem_ = CertificateToPem(ca_cert.get());

  EvpPkeyPtr server_key = Must(MakeKey("ec-p256"), "server key");
  CertSpec server_spec = LeafSpec("localhost", "serverAuth,clientAuth");
  server_spec.dns_names = {"localhost"};
  server_spec.ip_addresses = {"127.0.0.1"};
  X509Ptr server_cert = Must(
      BuildCertificate(server_key.get(), server_spec, ca_cert.get(), ca_key.get()), "server cert");
  server_cert_pem_ = CertificateToPem(server_cert.get());
  server_key_pem_ = PrivateKeyToPem(server_key.get());

  EvpPkeyPtr client_key = Must(MakeKey("ec-p256"), "client key");
  CertSpec client_spec = LeafSpec("test-service", "clientAuth");
  client_spec.dns_names = {"test-service"};
  X509Ptr client_cert = Must(
      BuildCertificate(client_key.get(), client_spec, ca_cert.get(), ca_key.get()), "client cert");
  client_cert_pem_ = CertificateToPem(client_cert.get());
  client_key_pem_ = PrivateKeyToPem(client_key.get());

  for (int i = 0; i < kServiceCount; ++i) {
    const ServiceId service = static_cast<ServiceId>(i);
    const std::string name = absl::StrCat(EnumName(service), "-service");
    EvpPkeyPtr key = Must(MakeKey("ec-p256"), "service key");
    CertSpec spec = LeafSpec(name, "serverAuth,clientAuth");
    spec.dns_names = {name};
    spec.uris = {SpiffeId(service)};
    X509Ptr cert =
        Must(BuildCertificate(key.get(), spec, ca_cert.get(), ca_key.get()), "service cert");
    service_cert_pem_[i] = CertificateToPem(cert.get());
    service_key_pem_[i] = PrivateKeyToPem(key.get());
    if (service_cert_pem_[i].empty() || service_key_pem_[i].empty()) {
      Die("PEM encoding", absl::InternalError(OpenSslErrorString()));
    }
    Must(WriteFile(service_cert_path(service), service_cert_pem_[i], 0644), "write service cert");
    Must(WriteFile(service_key_path(service), service_key_pem_[i], 0600), "write service key");
  }

  // A service's name, but from a CA the servers do not trust.
  CertSpec rogue_spec = client_spec;
  rogue_spec.uris = {SpiffeId(ServiceId::kDisposition)};
  EvpPkeyPtr rogue_ca_key = Must(MakeKey("ec-p256"), "rogue CA key");
  X509Ptr rogue_ca_cert =
      Must(BuildCertificate(rogue_ca_key.get(), CaSpec("Rogue Test CA")), "rogue CA cert");
  EvpPkeyPtr rogue_key = Must(MakeKey("ec-p256"), "rogue client key");
  X509Ptr rogue_cert =
      Must(BuildCertificate(rogue_key.get(), rogue_spec, rogue_ca_cert.get(), rogue_ca_key.get()),
           "rogue client cert");
  rogue_cert_pem_ = CertificateToPem(rogue_cert.get());
  rogue_key_pem_ = PrivateKeyToPem(rogue_key.get());

  // JWT keys.
  EvpPkeyPtr jwt_rsa = Must(MakeKey("rsa-2048"), "JWT RSA key");
  EvpPkeyPtr jwt_ec = Must(MakeKey("ec-p256"), "JWT EC key");
  jwt_public_key_pem_ = ToPem(jwt_rsa.get());
  jwt_ec_public_key_pem_ = ToPem(jwt_ec.get());
  rsa_signer_ = Must(JwtSigner::FromPem(PrivateKeyToPem(jwt_rsa.get())), "JWT RSA signer");
  ec_signer_ = Must(JwtSigner::FromPem(PrivateKeyToPem(jwt_ec.get())), "JWT EC signer");

  if (ca_cert_pem_.empty() || server_cert_pem_.empty() || server_key_pem_.empty() ||
      client_key_pem_.empty() || rogue_key_pem_.empty() || jwt_public_key_pem_.empty() ||
      jwt_ec_public_key_pem_.empty()) {
    Die("PEM encoding", absl::InternalError(OpenSslErrorString()));
  }

  Must(WriteFile(ca_cert_path(), ca_cert_pem_, 0644), "write CA cert");
  Must(WriteFile(server_cert_path(), server_cert_pem_, 0644), "write server cert");
  Must(WriteFile(server_key_path(), server_key_pem_, 0600), "write server key");
  Must(WriteFile(client_cert_path(), client_cert_pem_, 0644), "write client cert");
  Must(WriteFile(client_key_path(), client_key_pem_, 0600), "write client key");
  Must(WriteFile(jwt_public_key_path(), jwt_public_key_pem_, 0644), "write JWT key");
  Must(WriteFile(jwt_ec_public_key_path(), jwt_ec_public_key_pem_, 0644), "write JWT EC key");
}

TestPki::~TestPki() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string TestPki::ca_cert_path() const { return Path("ca.pem"); }
std::string TestPki::server_cert_path() const { return Path("server.pem"); }
std::string TestPki::server_key_path() const { return Path("server-key.pem"); }
std::string TestPki::client_cert_path() const { return Path("client.pem"); }
std::string TestPki::client_key_path() const { return Path("client-key.pem"); }
const std::string& TestPki::service_cert_pem(ServiceId s) const {
  return service_cert_pem_[static_cast<int>(s)];
}
const std::string& TestPki::service_key_pem(ServiceId s) const {
  return service_key_pem_[static_cast<int>(s)];
}
std::string TestPki::service_cert_path(ServiceId s) const {
  return Path(absl::StrCat(EnumName(s), ".pem"));
}
std::string TestPki::service_key_path(ServiceId s) const {
  return Path(absl::StrCat(EnumName(s), "-key.pem"));
}
std::string TestPki::jwt_public_key_path() const { return Path("jwt-public-key.pem"); }
std::string TestPki::jwt_ec_public_key_path() const { return Path("jwt-ec-public-key.pem"); }

namespace {

JwtClaims TokenClaims(const std::vector<std::string>& roles, const std::string& sub,
                      const std::string& nik, absl::Duration ttl, const std::string& issuer) {
  const absl::Time now = absl::Now();
  JwtClaims c;
  c.iss = issuer;
  c.sub = sub;
  c.nik = nik;
  c.aud = {"sertel"};
  c.roles = roles;
  c.iat = absl::ToUnixSeconds(now);
  c.exp = absl::ToUnixSeconds(now + ttl);
  return c;
}

}  // namespace

std::string TestPki::MintToken(const std::vector<std::string>& roles, const std::string& sub,
                               const std::string& nik, absl::Duration ttl,
                               const std::string& issuer) const {
  return rsa_signer_->Sign(TokenClaims(roles, sub, nik, ttl, issuer));
}

std::string TestPki::MintEcToken(const std::vector<std::string>& roles, const std::string& sub,
                                 const std::string& nik, absl::Duration ttl,
                                 const std::string& issuer) const {
  return ec_signer_->Sign(TokenClaims(roles, sub, nik, ttl, issuer));
}

absl::Status GenerateIssuingCa(const std::string& dir, const std::string& algorithm,
                               const std::string& common_name) {
  absl::StatusOr<EvpPkeyPtr> key = MakeKey(algorithm);
  if (!key.ok()) return key.status();
  CertSpec spec = CaSpec(common_name);
  spec.organization = "sertel tests";
  spec.country = "ID";
  spec.validity = absl::Hours(24 * 3653);
  absl::StatusOr<X509Ptr> cert = BuildCertificate(key->get(), spec);
  if (!cert.ok()) return cert.status();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat(dir, ": ", ec.message()));
  std::string key_pem = PrivateKeyToPem(key->get());
  if (key_pem.empty()) return OpenSslFailure("private key PEM");
  absl::Status s = WriteFile(dir + "/key.pem", key_pem, 0600);
  OPENSSL_cleanse(key_pem.data(), key_pem.size());
  if (!s.ok()) return s;
  return WriteFile(dir + "/cert.pem", CertificateToPem(cert->get()), 0644);
}

std::string MakeEd25519KeyPem() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (key == nullptr) Die("Ed25519 key", absl::InternalError(OpenSslErrorString()));
  EvpPkeyPtr owned(key);
  std::string pem = PrivateKeyToPem(owned.get());
  if (pem.empty()) Die("Ed25519 PEM", absl::InternalError(OpenSslErrorString()));
  return pem;
}

}  // namespace sertel::testing
