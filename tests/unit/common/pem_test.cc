// common/pem.h (files, PEM parsing, strict base64url, SHA-256) and the TestPki harness the other
// tests trust: its certificates must chain, carry the right extensions, and the rogue must not.
#include "common/pem.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/harness/test_pki.h"

namespace sertel {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = "/tmp/sertel-pem-test-XXXXXX";
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  std::string Write(const std::string& name, const std::string& content) const {
    std::ofstream(File(name), std::ios::binary) << content;
    return File(name);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Base64url.

TEST(Base64UrlTest, MatchesRfc4648Vectors) {
  // RFC 4648 §10, without padding, and the two characters that differ from base64.
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff\xbf"), "-_-_");
  EXPECT_EQ(*Base64UrlDecode("-_-_"), "\xfb\xff\xbf");
  EXPECT_EQ(*Base64UrlDecode(""), "");
}

TEST(Base64UrlTest, RoundTripsEveryLengthAndByte) {
  std::string data;
  for (int i = 0; i < 300; ++i) {
    absl::StatusOr<std::string> back = Base64UrlDecode(Base64UrlEncode(data));
    ASSERT_TRUE(back.ok()) << "length " << i << ": " << back.status();
    EXPECT_EQ(*back, data);
    data.push_back(static_cast<char>((i * 131 + 7) & 0xff));
  }
}

TEST(Base64UrlTest, DecodeIsStrict) {
  for (const char* bad : {"Zm9v+", "Zm+v", "Zm/v", "Zm8=", "Zg==", "Zm9v YmFy", "Zm9v\nYmFy",
                          " Zm9v", "Zm9v\t", "Zm9v."}) {
    EXPECT_FALSE(Base64UrlDecode(bad).ok()) << "'" << bad << "'";
  }
  EXPECT_FALSE(Base64UrlDecode(absl::string_view("Zm\0v", 4)).ok()) << "NUL inside";
  EXPECT_FALSE(Base64UrlDecode("Z").ok()) << "a lone character encodes no byte";
  EXPECT_FALSE(Base64UrlDecode("Zm9vY").ok());
  // "Zh" and "Zg" would both mean "f" to a lax decoder; only the canonical one is accepted.
  EXPECT_TRUE(Base64UrlDecode("Zg").ok());
  EXPECT_FALSE(Base64UrlDecode("Zh").ok());
  EXPECT_FALSE(Base64UrlDecode("Zm9").ok());
  EXPECT_TRUE(Base64UrlDecode("Zm8").ok());
}

// SHA-256 and OpenSSL errors.

TEST(Sha256HexTest, MatchesFips180Vectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(OpenSslErrorStringTest, DescribesAndDrainsTheQueue) {
  ERR_clear_error();
  EXPECT_EQ(OpenSslErrorString(), "unknown OpenSSL error");
  ERR_raise(ERR_LIB_PEM, PEM_R_NO_START_LINE);
  ERR_raise(ERR_LIB_X509, X509_R_CERT_ALREADY_IN_HASH_TABLE);
  std::string s = OpenSslErrorString();
  EXPECT_TRUE(absl::StrContains(s, "no start line")) << s;
  EXPECT_TRUE(absl::StrContains(s, "; ")) << s;
  EXPECT_EQ(ERR_peek_error(), 0u);
}

// ReadFile.

TEST(ReadFileTest, ReadsBinaryContent) {
  TempDir dir;
  std::string content("a\0b\nc", 5);
  absl::StatusOr<std::string> r = ReadFile(dir.Write("f", content));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, content);
}

TEST(ReadFileTest, MissingFileIsNotFoundWithPath) {
  absl::StatusOr<std::string> r = ReadFile("/nonexistent/sertel/key.pem");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(r.status().message(), "/nonexistent/sertel/key.pem"));
}

TEST(ReadFileTest, RefusesDirectoriesAndOversizedFiles) {
  TempDir dir;
  EXPECT_EQ(ReadFile(dir.path()).status().code(), absl::StatusCode::kFailedPrecondition);
  std::string big = dir.File("big");
  int fd = open(big.c_str(), O_WRONLY | O_CREAT, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, static_cast<off_t>(kMaxReadFileBytes) + 1), 0);  // sparse
  close(fd);
  absl::StatusOr<std::string> r = ReadFile(big);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(r.status().message(), big));
}

// PEM.

class PemTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new testing::TestPki(); }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }
  static testing::TestPki* pki_;
};
testing::TestPki* PemTest::pki_ = nullptr;

TEST_F(PemTest, PublicKeyFromSpkiAndFromCertificateAgree) {
  absl::StatusOr<EvpPkeyPtr> spki = LoadPublicKeyPem(pki_->jwt_public_key_pem());
  ASSERT_TRUE(spki.ok()) << spki.status();
  EXPECT_TRUE(EVP_PKEY_is_a(spki->get(), "RSA"));
  EXPECT_EQ(ToPem(spki->get()), pki_->jwt_public_key_pem());

  absl::StatusOr<EvpPkeyPtr> from_cert = LoadPublicKeyPem(pki_->client_cert_pem());
  ASSERT_TRUE(from_cert.ok()) << from_cert.status();
  absl::StatusOr<EvpPkeyPtr> private_key = LoadPrivateKeyPem(pki_->client_key_pem());
  ASSERT_TRUE(private_key.ok()) << private_key.status();
  EXPECT_EQ(EVP_PKEY_eq(from_cert->get(), private_key->get()), 1);
}

TEST_F(PemTest, GarbageDoesNotParse) {
  for (const std::string& bad :
       {std::string(""), std::string("hello"),
        std::string("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")}) {
    EXPECT_EQ(LoadPublicKeyPem(bad).status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(LoadPrivateKeyPem(bad).status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(LoadCertificatePem(bad).status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(LoadCertificateChainPem(bad).status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_FALSE(LoadPrivateKeyPem(pki_->jwt_public_key_pem()).ok());
  EXPECT_EQ(ERR_peek_error(), 0u) << "failures drain the OpenSSL error queue";
}

TEST_F(PemTest, EncryptedPrivateKeyIsRefusedWithoutPrompting) {
  absl::StatusOr<EvpPkeyPtr> key = LoadPrivateKeyPem(pki_->client_key_pem());
  ASSERT_TRUE(key.ok());
  BioPtr bio(BIO_new(BIO_s_mem()));
  static const char kPass[] = "secret-passphrase";
  ASSERT_EQ(PEM_write_bio_PKCS8PrivateKey(bio.get(), key->get(), EVP_aes_256_cbc(), kPass,
                                          sizeof(kPass) - 1, nullptr, nullptr),
            1);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  std::string encrypted(data, static_cast<size_t>(len));
  ASSERT_TRUE(absl::StrContains(encrypted, "ENCRYPTED PRIVATE KEY"));
  EXPECT_EQ(LoadPrivateKeyPem(encrypted).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(PemTest, CertificateChainKeepsOrderAndRejectsBrokenEntries) {
  std::string bundle = pki_->client_cert_pem() + pki_->ca_cert_pem();
  absl::StatusOr<std::vector<X509Ptr>> chain = LoadCertificateChainPem(bundle);
  ASSERT_TRUE(chain.ok()) << chain.status();
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_EQ(CertificateToPem((*chain)[0].get()), pki_->client_cert_pem());
  EXPECT_EQ(CertificateToPem((*chain)[1].get()), pki_->ca_cert_pem());

  absl::StatusOr<X509Ptr> first = LoadCertificatePem(bundle);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(CertificateToPem(first->get()), pki_->client_cert_pem());

  std::string broken = pki_->client_cert_pem() +
                       "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n";
  EXPECT_EQ(LoadCertificateChainPem(broken).status().code(), absl::StatusCode::kInvalidArgument);
}

// TestPki.

// X509_verify_cert of `leaf_pem` against the TestPki's CA with `purpose`; the error string or "".
std::string VerifyAgainstCa(const std::string& ca_pem, const std::string& leaf_pem, int purpose,
                            const char* host = nullptr, const char* ip = nullptr) {
  X509StorePtr store(X509_STORE_new());
  absl::StatusOr<X509Ptr> ca = LoadCertificatePem(ca_pem);
  absl::StatusOr<X509Ptr> leaf = LoadCertificatePem(leaf_pem);
  if (!ca.ok() || !leaf.ok()) return "does not parse";
  X509_STORE_add_cert(store.get(), ca->get());
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store.get(), leaf->get(), nullptr);
  X509_STORE_CTX_set_purpose(ctx, purpose);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx);
  if (host != nullptr) X509_VERIFY_PARAM_set1_host(param, host, 0);
  if (ip != nullptr) X509_VERIFY_PARAM_set1_ip_asc(param, ip);
  std::string error;
  if (X509_verify_cert(ctx) != 1) {
    error = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx));
  }
  X509_STORE_CTX_free(ctx);
  ERR_clear_error();
  return error;
}

TEST_F(PemTest, TestPkiServerAndClientCertificatesChainToTheCa) {
  const std::string& ca = pki_->ca_cert_pem();
  EXPECT_EQ(VerifyAgainstCa(ca, pki_->server_cert_pem(), X509_PURPOSE_SSL_SERVER, "localhost"), "");
  EXPECT_EQ(
      VerifyAgainstCa(ca, pki_->server_cert_pem(), X509_PURPOSE_SSL_SERVER, nullptr, "127.0.0.1"),
      "");
  EXPECT_EQ(VerifyAgainstCa(ca, pki_->server_cert_pem(), X509_PURPOSE_SSL_CLIENT), "")
      << "services present the server certificate when calling each other";
  EXPECT_NE(VerifyAgainstCa(ca, pki_->server_cert_pem(), X509_PURPOSE_SSL_SERVER, "evil.test"), "");
  EXPECT_EQ(VerifyAgainstCa(ca, pki_->client_cert_pem(), X509_PURPOSE_SSL_CLIENT), "");
  EXPECT_NE(VerifyAgainstCa(ca, pki_->client_cert_pem(), X509_PURPOSE_SSL_SERVER), "")
      << "the client certificate is not a server identity";
  EXPECT_NE(VerifyAgainstCa(ca, pki_->rogue_cert_pem(), X509_PURPOSE_SSL_CLIENT), "")
      << "the rogue client must not chain to the internal CA";

  absl::StatusOr<X509Ptr> client = LoadCertificatePem(pki_->client_cert_pem());
  ASSERT_TRUE(client.ok());
  char cn[64] = {0};
  X509_NAME_get_text_by_NID(X509_get_subject_name(client->get()), NID_commonName, cn, sizeof(cn));
  EXPECT_STREQ(cn, "test-service");
  // 128-bit random serial: 16 octets.
  EXPECT_EQ(ASN1_STRING_length(X509_get0_serialNumber(client->get())), 16);
}

TEST_F(PemTest, TestPkiFilesMatchItsPemsAndKeysArePrivate) {
  EXPECT_EQ(*ReadFile(pki_->ca_cert_path()), pki_->ca_cert_pem());
  EXPECT_EQ(*ReadFile(pki_->client_cert_path()), pki_->client_cert_pem());
  EXPECT_EQ(*ReadFile(pki_->client_key_path()), pki_->client_key_pem());
  EXPECT_EQ(*ReadFile(pki_->jwt_public_key_path()), pki_->jwt_public_key_pem());
  absl::StatusOr<std::string> server_key = ReadFile(pki_->server_key_path());
  ASSERT_TRUE(server_key.ok());
  absl::StatusOr<EvpPkeyPtr> key = LoadPrivateKeyPem(*server_key);
  ASSERT_TRUE(key.ok());
  absl::StatusOr<X509Ptr> cert = LoadCertificatePem(*ReadFile(pki_->server_cert_path()));
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(X509_check_private_key(cert->get(), key->get()), 1);
  struct stat st;
  ASSERT_EQ(stat(pki_->server_key_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(TestPkiTest, DestructorRemovesTheFolder) {
  std::string dir;
  {
    testing::TestPki pki;
    dir = pki.dir();
    EXPECT_TRUE(std::filesystem::is_directory(dir));
  }
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(GenerateIssuingCaTest, WritesASelfSignedCaForEachAlgorithm) {
  TempDir tmp;
  for (const char* alg : {"rsa-2048", "ec-p256", "ec-p384"}) {
    std::string dir = tmp.File(alg);
    ASSERT_TRUE(testing::GenerateIssuingCa(dir, alg, "Unit Test CA").ok()) << alg;
    absl::StatusOr<X509Ptr> cert = LoadCertificatePem(*ReadFile(dir + "/cert.pem"));
    ASSERT_TRUE(cert.ok()) << alg;
    absl::StatusOr<EvpPkeyPtr> key = LoadPrivateKeyPem(*ReadFile(dir + "/key.pem"));
    ASSERT_TRUE(key.ok()) << alg;
    EXPECT_EQ(X509_check_private_key(cert->get(), key->get()), 1) << alg;
    EXPECT_EQ(X509_check_ca(cert->get()), 1) << alg;
    EXPECT_EQ(X509_get_key_usage(cert->get()),
              static_cast<uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN))
        << alg;
    int crit = 0;
    BASIC_CONSTRAINTS* bc = static_cast<BASIC_CONSTRAINTS*>(
        X509_get_ext_d2i(cert->get(), NID_basic_constraints, &crit, nullptr));
    ASSERT_NE(bc, nullptr);
    EXPECT_TRUE(bc->ca);
    EXPECT_EQ(crit, 1) << "basicConstraints must be critical";
    BASIC_CONSTRAINTS_free(bc);
    EXPECT_EQ(X509_check_issued(cert->get(), cert->get()), X509_V_OK) << "self-signed";
    char cn[64] = {0};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert->get()), NID_commonName, cn, sizeof(cn));
    EXPECT_STREQ(cn, "Unit Test CA");
    struct stat st;
    ASSERT_EQ(stat((dir + "/key.pem").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  }
  EXPECT_EQ(testing::GenerateIssuingCa(tmp.File("x"), "dsa-1024").code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sertel
