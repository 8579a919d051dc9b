// sertel-naive-issue: the issuance baseline of issue 9 - what a straightforward libcrypto
// program does per certificate: generate the key, build and sign the certificate with the CA,
// and seal both in a PKCS#12 with PKCS12_create_ex and OpenSSL's defaults (every bag encrypted,
// MAC on) at the given iteration count (key bag, certificate bag and MAC all at `iterations`).
// Closed loop on --threads threads (2 = both cores busy), one JSON line.
//
//   sertel-naive-issue --ca-key ca/key.pem --ca-cert ca/cert.pem --alg rsa-2048
//       --iterations 100000 --threads 2 --warmup 2 --duration 15
//
// --sealer sertel seals with the service's Pkcs12Sealer instead (the same loop, for the
// analysis); `--kdf` prints the cost of one derivation with OpenSSL and with fast_kdf.h.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <iostream>
#include <thread>

#include "bench_common.h"
#include "fast_kdf.h"
#include "pkcs12_sealer.h"

namespace sertel::bench {
namespace {

EVP_PKEY* ReadKey(const std::string& path) {
  std::string pem = ReadFileOrDie(path);
  BIO* b = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* k = PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr);
  BIO_free(b);
  if (!k) throw std::runtime_error("cannot read key " + path);
  return k;
}

X509* ReadCert(const std::string& path) {
  std::string pem = ReadFileOrDie(path);
  BIO* b = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* c = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
  BIO_free(b);
  if (!c) throw std::runtime_error("cannot read certificate " + path);
  return c;
}

EVP_PKEY* Keygen(const std::string& alg) {
  if (alg == "rsa-2048") return EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
  if (alg == "rsa-3072") return EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{3072});
  if (alg == "ec-p256") return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (alg == "ec-p384") return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
  throw std::runtime_error("unknown --alg " + alg);
}

void AddExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext) {
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
}

// An end-entity certificate with the same profile as the service's (subject with serialNumber,
// email SAN, key usage, EKU), signed with SHA-256.
X509* Sign(EVP_PKEY* key, X509* ca_cert, EVP_PKEY* ca_key) {
  X509* c = X509_new();
  X509_set_version(c, 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(c), 0);
  X509_gmtime_adj(X509_getm_notAfter(c), 730L * 24 * 3600);
  X509_set_pubkey(c, key);
  X509_NAME* n = X509_get_subject_name(c);
  X509_NAME_add_entry_by_txt(n, "C", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("ID"),
                             -1, -1, 0);
  X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("Pemerintah Kota"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(n, "serialNumber", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("3171014101900001"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("Siti Aminah Bench"), -1, -1,
                             0);
  X509_set_issuer_name(c, X509_get_subject_name(ca_cert));
  AddExt(c, ca_cert, NID_basic_constraints, "critical,CA:FALSE");
  AddExt(c, ca_cert, NID_key_usage, "critical,digitalSignature,nonRepudiation");
  AddExt(c, ca_cert, NID_ext_key_usage, "emailProtection");
  AddExt(c, ca_cert, NID_subject_alt_name, "email:bench@kota.go.id");
  AddExt(c, ca_cert, NID_subject_key_identifier, "hash");
  AddExt(c, ca_cert, NID_authority_key_identifier, "keyid:always");
  if (X509_sign(c, ca_key, EVP_sha256()) <= 0) throw std::runtime_error("X509_sign failed");
  return c;
}

int Main(int argc, char** argv) {
  Args a(argc, argv);
  const int iterations = static_cast<int>(a.Num("iterations", 2048));
  const std::string pass = "Kupu-kupu Terbang#Tinggi 7392";

  if (a.Get("kdf") == "true") {
    // One derivation, each way, averaged over a few runs.
    const int runs = static_cast<int>(a.Num("runs", 5));
    unsigned char salt[16] = {1, 2, 3};
    unsigned char out[32];
    auto time_it = [&](auto&& f) {
      auto t0 = Clock::now();
      for (int i = 0; i < runs; ++i) f();
      return std::chrono::duration<double, std::milli>(Clock::now() - t0).count() / runs;
    };
    double ossl_pbkdf2 = time_it([&] {
      PKCS5_PBKDF2_HMAC(pass.data(), static_cast<int>(pass.size()), salt, 16, iterations,
                        EVP_sha256(), 32, out);
    });
    absl::Status ours_ok;
    double ours_pbkdf2 = time_it([&] {
      ours_ok.Update(certificate::fast_kdf::Pbkdf2HmacSha256(
          pass, absl::string_view(reinterpret_cast<char*>(salt), 16),
          static_cast<uint32_t>(iterations), absl::MakeSpan(out, 32)));
    });
    double ossl_p12 = time_it([&] {
      PKCS12_key_gen_utf8_ex(pass.c_str(), -1, salt, 16, 3, iterations, 32, out, EVP_sha256(),
                             nullptr, nullptr);
    });
    unsigned char* bmp = nullptr;
    int bmp_len = 0;
    OPENSSL_utf82uni(pass.data(), static_cast<int>(pass.size()), &bmp, &bmp_len);
    std::string bmp_pass(reinterpret_cast<char*>(bmp), static_cast<size_t>(bmp_len));
    OPENSSL_free(bmp);
    double ours_p12 = time_it([&] {
      ours_ok.Update(certificate::fast_kdf::Pkcs12KdfSha256(
          bmp_pass, absl::string_view(reinterpret_cast<char*>(salt), 16),
          certificate::fast_kdf::Pkcs12KdfPurpose::kMac, static_cast<uint32_t>(iterations),
          absl::MakeSpan(out, 32)));
    });
    if (!ours_ok.ok()) {
      std::cerr << "fast KDF failed: " << ours_ok << "\n";
      return 1;
    }
    std::cout << JsonLine()
                     .Str("scenario", "kdf")
                     .Num("iterations", iterations)
                     .Num("openssl_pbkdf2_sha256_ms", ossl_pbkdf2)
                     .Num("sertel_pbkdf2_sha256_ms", ours_pbkdf2)
                     .Num("openssl_pkcs12kdf_sha256_ms", ossl_p12)
                     .Num("sertel_pkcs12kdf_sha256_ms", ours_p12)
                     .Done()
              << std::endl;
    return 0;
  }

  const std::string alg = a.Get("alg", "rsa-2048");
  const std::string sealer = a.Get("sealer", "openssl");
  const int threads = static_cast<int>(a.Num("threads", 2));
  const double warmup = a.Num("warmup", 2), duration = a.Num("duration", 15);
  EVP_PKEY* ca_key = ReadKey(a.Need("ca-key"));
  X509* ca_cert = ReadCert(a.Need("ca-cert"));
  std::vector<sertel::X509Ptr> chain;
  X509_up_ref(ca_cert);
  chain.emplace_back(ca_cert);
  certificate::Pkcs12Sealer ours({.iterations = iterations});

  auto start = Clock::now();
  auto measure_from =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(warmup));
  auto end = measure_from +
             std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(duration));
  std::vector<Histogram> hist(static_cast<size_t>(threads));
  std::atomic<int64_t> failures{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      while (Clock::now() < end) {
        auto t0 = Clock::now();
        EVP_PKEY* key = Keygen(alg);
        X509* cert = Sign(key, ca_cert, ca_key);
        bool ok = false;
        if (sealer == "sertel") {
          ok = ours.Seal(key, cert, chain, pass, "Siti Aminah Bench").ok();
        } else {
          STACK_OF(X509)* ca = sk_X509_new_null();
          sk_X509_push(ca, ca_cert);
          // OpenSSL's defaults: nid_key = nid_cert = 0 (AES-256-CBC, PBKDF2-HMAC-SHA256 in 3.x),
          // the MAC with the default digest; every derivation at `iterations`.
          PKCS12* p12 = PKCS12_create_ex(pass.c_str(), "Siti Aminah Bench", key, cert, ca, 0, 0,
                                         iterations, iterations, 0, nullptr, nullptr);
          sk_X509_free(ca);
          if (p12) {
            unsigned char* der = nullptr;
            ok = i2d_PKCS12(p12, &der) > 0;
            OPENSSL_free(der);
            PKCS12_free(p12);
          }
        }
        X509_free(cert);
        EVP_PKEY_free(key);
        auto t1 = Clock::now();
        if (!ok) ++failures;
        if (t1 >= measure_from && t1 <= end) {  // completions inside the window
          hist[static_cast<size_t>(t)].Record(
              std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  Histogram all;
  for (const auto& h : hist) all.Merge(h);
  std::cout << JsonLine()
                   .Str("scenario", "naive_issue")
                   .Str("label", a.Get("label", "naive_issue"))
                   .Str("sealer", sealer)
                   .Str("alg", alg)
                   .Num("iterations", iterations)
                   .Num("concurrency", threads)
                   .Num("duration_s", duration)
                   .Num("ops", static_cast<double>(all.count()))
                   .Str("unit", "certificate")
                   .Num("rate", static_cast<double>(all.count()) / duration)
                   .Num("errors", static_cast<double>(failures.load()))
                   .Latency("", all)
                   .Done()
            << std::endl;
  EVP_PKEY_free(ca_key);
  return 0;
}

}  // namespace
}  // namespace sertel::bench

int main(int argc, char** argv) {
  try {
    return sertel::bench::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "sertel-naive-issue: " << e.what() << "\n";
    return 1;
  }
}
