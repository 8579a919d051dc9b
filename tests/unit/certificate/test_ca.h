// Test-only PKI helpers for certificate-service tests: an issuing CA (key + self-signed
// certificate) written to a temp folder, hand-made certificates with any profile (for
// CheckCertificate findings), and a runner for the `openssl` command line.
//
//   TempDir dir;
//   TestCa ca = TestCa::Create(dir.path(), "ec-p256");
//   auto cert = ca.Craft({.cn = "X", .nik = "3171...", .email = "x@y", .key_usage = false});
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "openssl_util.h"

namespace sertel::certificate::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sertel-cert-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  void Write(const std::string& name, const std::string& content) const {
    std::ofstream(File(name), std::ios::binary) << content;
  }

 private:
  std::string path_;
};

// Runs a shell command; returns the exit code and fills `output` (stdout + stderr).
inline int RunCommand(const std::string& command, std::string* output = nullptr) {
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return -1;
  std::array<char, 4096> buf;
  std::string out;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int rc = pclose(p);
  if (output != nullptr) *output = out;
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

inline EvpPkeyPtr MakeKey(const std::string& alg) {
  if (alg == "rsa-2048")
    return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
  if (alg == "rsa-3072")
    return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{3072}));
  if (alg == "ec-p384") return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  return EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
}

inline std::string KeyToPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

struct CraftOptions {
  std::string cn = "Siti Aminah";
  std::string nik = "3171014101900001";
  std::string email = "siti@kota.go.id";
  std::string unit = "Dinas Kominfo";
  absl::Time not_before = absl::Now() - absl::Hours(1);
  absl::Time not_after = absl::Now() + absl::Hours(24 * 365);
  bool key_usage = true;
  // The contract's profile: emailProtection and documentSigning (RFC 9336); "" for none.
  std::string extended_key_usage = "emailProtection,1.3.6.1.5.5.7.3.36";
  int64_t serial = 0;       // 0: random
  EVP_PKEY* key = nullptr;  // the certificate's key; nullptr: a new P-256 key
};

class TestCa {
 public:
  // A self-signed CA in `dir`: ca-key.pem and ca-cert.pem.
  static TestCa Create(const std::string& dir, const std::string& alg = "ec-p256",
                       const std::string& cn = "Sertel Test Issuing CA") {
    TestCa ca;
    ca.key_ = MakeKey(alg);
    ca.cert_.reset(X509_new());
    X509* c = ca.cert_.get();
    X509_set_version(c, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(c), 1);
    SetAsn1Time(X509_getm_notBefore(c), absl::Now() - absl::Hours(24));
    SetAsn1Time(X509_getm_notAfter(c), absl::Now() + absl::Hours(24 * 365 * 10));
    X509_NAME* name = X509_get_subject_name(c);
    X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("ID"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(c, name);
    X509_set_pubkey(c, ca.key_.get());
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, c, c, nullptr, nullptr, 0);
    for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE"},
                              std::pair{NID_key_usage, "critical,keyCertSign,cRLSign"},
                              std::pair{NID_subject_key_identifier, "hash"}}) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
      X509_add_ext(c, ext, -1);
      X509_EXTENSION_free(ext);
    }
    X509_sign(c, ca.key_.get(), EVP_sha256());
    ca.key_file_ = dir + "/ca-key.pem";
    ca.cert_file_ = dir + "/ca-cert.pem";
    std::ofstream(ca.key_file_) << KeyToPem(ca.key_.get());
    std::ofstream(ca.cert_file_) << CertificateToPem(c);
    return ca;
  }

  const std::string& key_file() const { return key_file_; }
  const std::string& cert_file() const { return cert_file_; }
  X509* cert() const { return cert_.get(); }
  std::string CertPem() const { return CertificateToPem(cert_.get()); }

  // A holder certificate signed by this CA with whatever profile the test needs.
  X509Ptr Craft(const CraftOptions& o) const {
    EvpPkeyPtr made = o.key == nullptr ? MakeKey("ec-p256") : nullptr;
    EVP_PKEY* key = o.key != nullptr ? o.key : made.get();
    X509Ptr cert(X509_new());
    X509* c = cert.get();
    X509_set_version(c, X509_VERSION_3);
    if (o.serial != 0) {
      ASN1_INTEGER_set_int64(X509_get_serialNumber(c), o.serial);
    } else {
      unsigned char bytes[16];
      RAND_bytes(bytes, sizeof(bytes));
      bytes[0] = (bytes[0] & 0x7f) | 0x10;
      BIGNUM* bn = BN_bin2bn(bytes, 16, nullptr);
      BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c));
      BN_free(bn);
    }
    SetAsn1Time(X509_getm_notBefore(c), o.not_before);
    SetAsn1Time(X509_getm_notAfter(c), o.not_after);
    X509_NAME* name = X509_get_subject_name(c);
    auto add = [&](int nid, const std::string& v) {
      if (!v.empty()) {
        X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(v.c_str()), -1, -1, 0);
      }
    };
    add(NID_countryName, "ID");
    add(NID_organizationalUnitName, o.unit);
    add(NID_commonName, o.cn);
    add(NID_serialNumber, o.nik);
    X509_set_issuer_name(c, X509_get_subject_name(cert_.get()));
    X509_set_pubkey(c, key);
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, cert_.get(), c, nullptr, nullptr, 0);
    std::string san = "email:" + o.email;
    std::vector<std::pair<int, std::string>> exts = {{NID_subject_alt_name, san}};
    if (o.key_usage)
      exts.push_back({NID_key_usage, "critical,digitalSignature,nonRepudiation"});
    else
      exts.push_back({NID_key_usage, "critical,keyEncipherment"});
    if (!o.extended_key_usage.empty()) exts.push_back({NID_ext_key_usage, o.extended_key_usage});
    for (const auto& [nid, value] : exts) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
      X509_add_ext(c, ext, -1);
      X509_EXTENSION_free(ext);
    }
    X509_sign(c, key_.get(), EVP_sha256());
    return cert;
  }

 private:
  EvpPkeyPtr key_;
  X509Ptr cert_;
  std::string key_file_;
  std::string cert_file_;
};

}  // namespace sertel::certificate::testing
