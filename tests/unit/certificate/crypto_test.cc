// certificate-service's crypto classes without a server: key generation per algorithm, the
// embedded CA's profile and CRL, the PKCS#12 seal (opened by the openssl CLI), the match check.
#include <openssl/pkcs12.h>
#include <openssl/x509v3.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "certificate_matcher.h"
#include "embedded_ca.h"
#include "gtest/gtest.h"
#include "key_generator.h"
#include "pkcs12_sealer.h"
#include "tests/unit/certificate/test_ca.h"

namespace sertel::certificate {
namespace {

using testing::RunCommand;
using testing::TempDir;
using testing::TestCa;

const HolderIdentity kHolder = {"Siti Aminah Putri", "3171014101900001", "siti@kota.go.id",
                                "Dinas Komunikasi dan Informatika"};

std::unique_ptr<EmbeddedCa> LoadCa(const TestCa& ca, const std::string& crl_url = "") {
  auto loaded = EmbeddedCa::Load({.key_file = ca.key_file(),
                                  .chain_file = ca.cert_file(),
                                  .organization = "Pemerintah Kota Contoh",
                                  .crl_url = crl_url});
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  return std::move(*loaded);
}

IssuedCertificate IssueFor(EmbeddedCa& ca, EVP_PKEY* key, absl::Time now = absl::Now()) {
  auto issued = ca.Issue({.public_key = key,
                          .holder = kHolder,
                          .not_before = now,
                          .not_after = now + absl::Hours(24 * 730)});
  EXPECT_TRUE(issued.ok()) << issued.status();
  return std::move(*issued);
}

TEST(KeyGeneratorTest, ParsesEveryConfiguredAlgorithmAndRejectsOthers) {
  EXPECT_EQ(*ParseKeyAlgorithm("RSA-2048"), KeyAlgorithm::kRsa2048);
  EXPECT_EQ(*ParseKeyAlgorithm("rsa-3072"), KeyAlgorithm::kRsa3072);
  EXPECT_EQ(*ParseKeyAlgorithm("EC-P256"), KeyAlgorithm::kEcP256);
  EXPECT_EQ(*ParseKeyAlgorithm("ecdsa-p384"), KeyAlgorithm::kEcP384);
  EXPECT_FALSE(ParseKeyAlgorithm("RSA-1024").ok());
  EXPECT_FALSE(ParseKeyAlgorithm("").ok());
}

TEST(KeyGeneratorTest, GeneratesTheConfiguredAlgorithm) {
  for (KeyAlgorithm a : {KeyAlgorithm::kEcP256, KeyAlgorithm::kEcP384, KeyAlgorithm::kRsa2048}) {
    auto key = KeyGenerator(a).Generate();
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(DescribeKey(key->get()), KeyAlgorithmName(a));
  }
}

TEST(EmbeddedCaTest, LoadFailsForMissingFilesAndForAKeyOfAnotherCa) {
  TempDir dir, other;
  TestCa ca = TestCa::Create(dir.path());
  TestCa ca2 = TestCa::Create(other.path());
  EXPECT_TRUE(absl::IsFailedPrecondition(
      EmbeddedCa::Load({.key_file = dir.File("nope.pem"), .chain_file = ca.cert_file()}).status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(
      EmbeddedCa::Load({.key_file = ca2.key_file(), .chain_file = ca.cert_file()}).status()));
  dir.Write("garbage.pem", "not a certificate");
  EXPECT_TRUE(absl::IsFailedPrecondition(
      EmbeddedCa::Load({.key_file = ca.key_file(), .chain_file = dir.File("garbage.pem")})
          .status()));
}

TEST(EmbeddedCaTest, IssuedCertificateFollowsTheContractProfile) {
  TempDir dir;
  TestCa test_ca = TestCa::Create(dir.path(), "ec-p256");
  auto ca = LoadCa(test_ca, "http://127.0.0.1:51053/crl.der");
  EvpPkeyPtr key = testing::MakeKey("ec-p256");
  IssuedCertificate c = IssueFor(*ca, key.get());
  X509* x = c.certificate.get();
  const X509_NAME* s = X509_get_subject_name(x);
  EXPECT_EQ(NameEntry(s, NID_commonName), kHolder.full_name);
  EXPECT_EQ(NameEntry(s, NID_serialNumber), kHolder.nik);
  EXPECT_EQ(NameEntry(s, NID_organizationName), "Pemerintah Kota Contoh");
  EXPECT_EQ(NameEntry(s, NID_organizationalUnitName), kHolder.unit);
  EXPECT_EQ(NameEntry(s, NID_countryName), "ID");
  CertificateFacts f = CertificateMatcher::ReadFacts(x);
  EXPECT_EQ(f.email, kHolder.email);
  EXPECT_TRUE(f.digital_signature);
  EXPECT_TRUE(f.non_repudiation);
  // keyUsage is critical and holds nothing else.
  int ku_idx = X509_get_ext_by_NID(x, NID_key_usage, -1);
  ASSERT_GE(ku_idx, 0);
  EXPECT_EQ(X509_EXTENSION_get_critical(X509_get_ext(x, ku_idx)), 1);
  EXPECT_EQ(X509_get_key_usage(x),
            static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION));
  EXPECT_EQ(X509_get_extended_key_usage(x) & XKU_SMIME, static_cast<uint32_t>(XKU_SMIME));
  // Document signing (RFC 9336) is in the EKU.
  auto* eku =
      static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(x, NID_ext_key_usage, nullptr, nullptr));
  ASSERT_NE(eku, nullptr);
  bool doc_signing = false;
  for (int i = 0; i < sk_ASN1_OBJECT_num(eku); ++i) {
    char buf[64];
    OBJ_obj2txt(buf, sizeof(buf), sk_ASN1_OBJECT_value(eku, i), 1);
    if (std::string(buf) == "1.3.6.1.5.5.7.3.36") doc_signing = true;
  }
  EXTENDED_KEY_USAGE_free(eku);
  EXPECT_TRUE(doc_signing);
  EXPECT_NE(X509_get0_subject_key_id(x), nullptr);
  EXPECT_NE(X509_get0_authority_key_id(x), nullptr);
  EXPECT_EQ(X509_check_ca(x), 0);
  EXPECT_GE(X509_get_ext_by_NID(x, NID_crl_distribution_points, -1), 0);
  // 128 random bits, positive: 16 octets, top bit clear.
  const ASN1_INTEGER* serial = X509_get0_serialNumber(x);
  EXPECT_EQ(ASN1_STRING_length(serial), 16);
  EXPECT_EQ(ASN1_STRING_type(serial), V_ASN1_INTEGER);
  EXPECT_EQ(c.serial_hex.size(), 32u);
  EXPECT_EQ(c.sha256_fingerprint.size(), 64u);
  EXPECT_LE(absl::AbsDuration(c.not_after - c.not_before - absl::Hours(24 * 730)),
            absl::Seconds(1));
}

TEST(EmbeddedCaTest, SerialsDiffer) {
  TempDir dir;
  TestCa test_ca = TestCa::Create(dir.path());
  auto ca = LoadCa(test_ca);
  EvpPkeyPtr key = testing::MakeKey("ec-p256");
  EXPECT_NE(IssueFor(*ca, key.get()).serial_hex, IssueFor(*ca, key.get()).serial_hex);
}

TEST(EmbeddedCaTest, OpensslVerifyAcceptsTheCertificateForEachCaAlgorithm) {
  for (const char* alg : {"ec-p256", "ec-p384", "rsa-2048"}) {
    TempDir dir;
    TestCa test_ca = TestCa::Create(dir.path(), alg);
    auto ca = LoadCa(test_ca);
    EvpPkeyPtr key = testing::MakeKey("ec-p256");
    dir.Write("holder.pem", IssueFor(*ca, key.get()).pem);
    std::string out;
    EXPECT_EQ(RunCommand("openssl verify -purpose smimesign -CAfile " + test_ca.cert_file() + " " +
                             dir.File("holder.pem"),
                         &out),
              0)
        << alg << ": " << out;
  }
}

TEST(EmbeddedCaTest, CrlListsRevokedSerialsWithReasonsAndVerifies) {
  TempDir dir;
  TestCa test_ca = TestCa::Create(dir.path());
  auto ca = LoadCa(test_ca);
  EvpPkeyPtr key = testing::MakeKey("ec-p256");
  IssuedCertificate c = IssueFor(*ca, key.get());
  absl::Time now = absl::Now();
  auto der = ca->MakeCrl({{c.serial_hex, now, 1}}, 7, now, now + absl::Hours(24 * 7));
  ASSERT_TRUE(der.ok()) << der.status();
  dir.Write("crl.der", *der);
  dir.Write("holder.pem", c.pem);
  std::string out;
  ASSERT_EQ(RunCommand("openssl crl -inform DER -in " + dir.File("crl.der") +
                           " -noout -text -CAfile " + test_ca.cert_file(),
                       &out),
            0)
      << out;
  EXPECT_TRUE(absl::StrContains(out, "verify OK")) << out;
  EXPECT_TRUE(absl::StrContains(absl::AsciiStrToLower(out), c.serial_hex)) << out;
  EXPECT_TRUE(absl::StrContains(out, "Key Compromise")) << out;
  EXPECT_TRUE(absl::StrContains(out, "X509v3 CRL Number")) << out;
  // openssl verify with the CRL rejects the revoked certificate.
  RunCommand("openssl crl -inform DER -in " + dir.File("crl.der") + " -out " + dir.File("crl.pem"));
  EXPECT_NE(RunCommand("openssl verify -crl_check -CRLfile " + dir.File("crl.pem") + " -CAfile " +
                           test_ca.cert_file() + " " + dir.File("holder.pem"),
                       &out),
            0);
  EXPECT_TRUE(absl::StrContains(out, "revoked")) << out;
}

class Pkcs12Test : public ::testing::TestWithParam<const char*> {};

// The issue's first test: the PKCS#12 opens with the passphrase in `openssl pkcs12` and not
// with a wrong one, for each key algorithm, and carries AES-256-CBC/PBKDF2-SHA256/MAC SHA-256.
TEST_P(Pkcs12Test, OpensslOpensWithThePassphraseOnlyAndUsesModernAlgorithms) {
  TempDir dir;
  TestCa test_ca = TestCa::Create(dir.path());
  auto ca = LoadCa(test_ca);
  auto alg = ParseKeyAlgorithm(GetParam());
  ASSERT_TRUE(alg.ok());
  auto key = KeyGenerator(*alg).Generate();
  ASSERT_TRUE(key.ok());
  IssuedCertificate c = IssueFor(*ca, key->get());
  std::string pass = "Kuda-Lari#2024x";
  auto p12 = Pkcs12Sealer({.iterations = 4096})
                 .Seal(key->get(), c.certificate.get(), ca->chain(), pass, kHolder.full_name);
  ASSERT_TRUE(p12.ok()) << p12.status();
  dir.Write("k.p12", *p12);
  dir.Write("pass.txt", pass);
  dir.Write("wrong.txt", "Kuda-Lari#2024y");
  std::string out;
  ASSERT_EQ(RunCommand("openssl pkcs12 -in " + dir.File("k.p12") +
                           " -passin file:" + dir.File("pass.txt") + " -nodes -info",
                       &out),
            0)
      << out;
  EXPECT_TRUE(absl::StrContains(out, "MAC: sha256")) << out;
  EXPECT_TRUE(absl::StrContains(out, "PBKDF2")) << out;
  EXPECT_TRUE(absl::StrContains(out, "AES-256-CBC")) << out;
  EXPECT_TRUE(absl::StrContains(out, "hmacWithSHA256")) << out;
  EXPECT_TRUE(absl::StrContains(out, "PRIVATE KEY")) << out;
  EXPECT_TRUE(absl::StrContains(out, kHolder.nik)) << out;
  EXPECT_NE(RunCommand("openssl pkcs12 -in " + dir.File("k.p12") +
                           " -passin file:" + dir.File("wrong.txt") + " -nodes",
                       &out),
            0)
      << out;
  // The certificate verifies and has the profile's subject, SAN, key usage and EKU.
  dir.Write("holder.pem", c.pem);
  ASSERT_EQ(
      RunCommand("openssl verify -CAfile " + test_ca.cert_file() + " " + dir.File("holder.pem"),
                 &out),
      0)
      << out;
  ASSERT_EQ(RunCommand("openssl x509 -in " + dir.File("holder.pem") +
                           " -noout -text -nameopt "
                           "RFC2253",
                       &out),
            0)
      << out;
  EXPECT_TRUE(absl::StrContains(out, "Digital Signature, Non Repudiation")) << out;
  EXPECT_TRUE(absl::StrContains(out, "E-mail Protection, 1.3.6.1.5.5.7.3.36")) << out;
  EXPECT_TRUE(absl::StrContains(out, "email:" + kHolder.email)) << out;
  EXPECT_TRUE(absl::StrContains(out, "serialNumber=" + kHolder.nik + ",CN=" + kHolder.full_name))
      << out;
  // The key inside is the one that was generated.
  PKCS12* parsed = nullptr;
  const unsigned char* p = reinterpret_cast<const unsigned char*>(p12->data());
  parsed = d2i_PKCS12(nullptr, &p, static_cast<long>(p12->size()));
  ASSERT_NE(parsed, nullptr);
  EVP_PKEY* got_key = nullptr;
  X509* got_cert = nullptr;
  ASSERT_EQ(PKCS12_parse(parsed, pass.c_str(), &got_key, &got_cert, nullptr), 1);
  EXPECT_EQ(EVP_PKEY_eq(got_key, key->get()), 1);
  EXPECT_EQ(X509_cmp(got_cert, c.certificate.get()), 0);
  EVP_PKEY_free(got_key);
  X509_free(got_cert);
  PKCS12_free(parsed);
}

INSTANTIATE_TEST_SUITE_P(EachKeyAlgorithm, Pkcs12Test,
                         ::testing::Values("EC-P256", "EC-P384", "RSA-2048", "RSA-3072"));

TEST(Pkcs12LegacyTest, LegacyModeUses3DesAndSha1ForOlderClients) {
  TempDir dir;
  TestCa test_ca = TestCa::Create(dir.path());
  auto ca = LoadCa(test_ca);
  EvpPkeyPtr key = testing::MakeKey("ec-p256");
  IssuedCertificate c = IssueFor(*ca, key.get());
  auto p12 = Pkcs12Sealer({.iterations = 2048, .legacy = true})
                 .Seal(key.get(), c.certificate.get(), ca->chain(), "Kuda-Lari#2024x", "x");
  ASSERT_TRUE(p12.ok());
  dir.Write("k.p12", *p12);
  std::string out;
  ASSERT_EQ(RunCommand("openssl pkcs12 -in " + dir.File("k.p12") +
                           " -passin pass:Kuda-Lari#2024x -nodes -info",
                       &out),
            0)
      << out;
  EXPECT_TRUE(absl::StrContains(out, "MAC: sha1")) << out;
  EXPECT_TRUE(absl::StrContains(out, "pbeWithSHA1And3-KeyTripleDES-CBC")) << out;
}

TEST(CertificateMatcherTest, GoodCertificateHasNoFindings) {
  TempDir dir;
  TestCa test_ca = TestCa::Create(dir.path());
  auto ca = LoadCa(test_ca);
  EvpPkeyPtr key = testing::MakeKey("ec-p256");
  IssuedCertificate c = IssueFor(*ca, key.get());
  EXPECT_TRUE(
      CertificateMatcher::CheckAgainstCa(c.certificate.get(), ca->chain(), absl::Now()).empty());
  EXPECT_TRUE(
      CertificateMatcher::CompareHolder(CertificateMatcher::ReadFacts(c.certificate.get()), kHolder)
          .empty());
  EXPECT_TRUE(CertificateMatcher::VerifyMatches(c.certificate.get(), key.get(), ca->chain(),
                                                kHolder, absl::Now())
                  .ok());
}

TEST(CertificateMatcherTest, VerifyMatchesRefusesAnotherKeyAndAnotherHolder) {
  TempDir dir;
  TestCa test_ca = TestCa::Create(dir.path());
  auto ca = LoadCa(test_ca);
  EvpPkeyPtr key = testing::MakeKey("ec-p256");
  EvpPkeyPtr other = testing::MakeKey("ec-p256");
  IssuedCertificate c = IssueFor(*ca, key.get());
  absl::Status s = CertificateMatcher::VerifyMatches(c.certificate.get(), other.get(), ca->chain(),
                                                     kHolder, absl::Now());
  EXPECT_TRUE(absl::IsFailedPrecondition(s));
  EXPECT_TRUE(absl::StrContains(s.message(), "KEY_MISMATCH")) << s;
  HolderIdentity wrong = kHolder;
  wrong.nik = "3171014101900002";
  wrong.email = "other@kota.go.id";
  s = CertificateMatcher::VerifyMatches(c.certificate.get(), key.get(), ca->chain(), wrong,
                                        absl::Now());
  EXPECT_TRUE(absl::StrContains(s.message(), "NIK_MISMATCH")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "EMAIL_MISMATCH")) << s;
}

std::vector<FindingCode> Codes(const std::vector<Finding>& f) {
  std::vector<FindingCode> out;
  for (const Finding& x : f) out.push_back(x.code);
  return out;
}

TEST(CertificateMatcherTest, FindsForeignCaExpiryNotYetValidAndMissingKeyUsage) {
  TempDir dir, other;
  TestCa test_ca = TestCa::Create(dir.path());
  TestCa foreign = TestCa::Create(other.path(), "ec-p256", "Sertel Test Issuing CA");
  auto ca = LoadCa(test_ca);
  auto has = [](const std::vector<Finding>& f, FindingCode c) {
    for (const Finding& x : f)
      if (x.code == c) return true;
    return false;
  };
  absl::Time now = absl::Now();
  // Same issuer name, another key: only the signature tells.
  auto f = CertificateMatcher::CheckAgainstCa(foreign.Craft({}).get(), ca->chain(), now);
  EXPECT_EQ(Codes(f), std::vector<FindingCode>{FindingCode::kNotIssuedByCa});
  f = CertificateMatcher::CheckAgainstCa(
      test_ca.Craft({.not_before = now - absl::Hours(48), .not_after = now - absl::Hours(1)}).get(),
      ca->chain(), now);
  EXPECT_TRUE(has(f, FindingCode::kExpired));
  f = CertificateMatcher::CheckAgainstCa(
      test_ca.Craft({.not_before = now + absl::Hours(1), .not_after = now + absl::Hours(48)}).get(),
      ca->chain(), now);
  EXPECT_TRUE(has(f, FindingCode::kNotYetValid));
  f = CertificateMatcher::CheckAgainstCa(test_ca.Craft({.key_usage = false}).get(), ca->chain(),
                                         now);
  EXPECT_EQ(Codes(f), std::vector<FindingCode>{FindingCode::kKeyUsageMissing});
}

TEST(CertificateMatcherTest, ComparesNameNikAndEmailWithTheHolderRecord) {
  TempDir dir;
  TestCa test_ca = TestCa::Create(dir.path());
  CertificateFacts facts = CertificateMatcher::ReadFacts(
      test_ca.Craft({.cn = "Siti  Aminah Putri", .nik = kHolder.nik, .email = "SITI@kota.go.id"})
          .get());
  // Whitespace runs and email case do not count as a mismatch.
  EXPECT_TRUE(CertificateMatcher::CompareHolder(facts, kHolder).empty());
  facts.full_name = "Siti Aminah";
  facts.nik = "3171014101900009";
  facts.email = "siti@evil.example";
  EXPECT_EQ(Codes(CertificateMatcher::CompareHolder(facts, kHolder)),
            (std::vector<FindingCode>{FindingCode::kNameMismatch, FindingCode::kNikMismatch,
                                      FindingCode::kEmailMismatch}));
}

}  // namespace
}  // namespace sertel::certificate
