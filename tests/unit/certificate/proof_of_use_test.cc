// Proof of use (issue 21): the new key signs a test document and the signature verifies as a
// validator's would, against our CA, for signing use, the signer being the holder. A key that
// is not the certificate's, a key usage without digitalSignature, a foreign CA or another
// holder each fail the report by name; HandOver's rule (RequirePassed) names the failed check.
#include "proof_of_use.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/unit/certificate/test_ca.h"

namespace sertel::certificate {
namespace {

using testing::MakeKey;
using testing::TempDir;
using testing::TestCa;

const HolderIdentity kHolder = {"Siti Aminah", "3171014101900001", "siti@kota.go.id",
                                "Dinas Kominfo"};

std::vector<X509Ptr> ChainOf(const TestCa& ca) {
  std::vector<X509Ptr> chain;
  chain.emplace_back(X509_dup(ca.cert()));
  return chain;
}

const ProofCheck* CheckNamed(const ProofReport& r, absl::string_view name) {
  for (const ProofCheck& c : r.checks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::vector<std::string> Failed(const ProofReport& r) {
  std::vector<std::string> out;
  for (const ProofCheck& c : r.checks) {
    if (!c.passed) out.push_back(c.name);
  }
  return out;
}

TEST(ProofOfUseTest, TheIssuedCertificateAndItsKeyPassEveryCheck) {
  TempDir dir;
  TestCa ca = TestCa::Create(dir.path());
  for (const char* alg : {"ec-p256", "rsa-2048"}) {
    EvpPkeyPtr key = MakeKey(alg);
    X509Ptr cert = ca.Craft({.key = key.get()});
    const absl::Time now = absl::Now();
    ProofReport r = ProofOfUse::Run(key.get(), cert.get(), ChainOf(ca), kHolder, now);
    EXPECT_TRUE(r.passed) << alg << ": " << ProofOfUse::ToJson(r);
    EXPECT_EQ(r.checks.size(), 6u);
    EXPECT_EQ(r.checked_at, now);
    EXPECT_TRUE(Failed(r).empty());
    EXPECT_TRUE(ProofOfUse::RequirePassed(r).ok());
  }
}

TEST(ProofOfUseTest, AKeyThatIsNotTheCertificatesFailsAndBlocksTheHandover) {
  TempDir dir;
  TestCa ca = TestCa::Create(dir.path());
  EvpPkeyPtr key = MakeKey("ec-p256");
  EvpPkeyPtr keystore_key = MakeKey("ec-p256");  // what a keystore with the wrong key holds
  X509Ptr cert = ca.Craft({.key = key.get()});
  ProofReport r =
      ProofOfUse::Run(keystore_key.get(), cert.get(), ChainOf(ca), kHolder, absl::Now());
  EXPECT_FALSE(r.passed);
  ASSERT_NE(CheckNamed(r, ProofOfUse::kKeyMatchesCertificate), nullptr);
  EXPECT_FALSE(CheckNamed(r, ProofOfUse::kKeyMatchesCertificate)->passed);
  // OpenSSL refuses to sign as a certificate with another key; nothing after that is claimed.
  EXPECT_EQ(Failed(r), (std::vector<std::string>{"KEY_MATCHES_CERTIFICATE", "SIGNATURE_CREATED",
                                                 "SIGNING_CERTIFICATE_ATTRIBUTE",
                                                 "SIGNATURE_VERIFIED", "SIGNER_IS_HOLDER"}));
  absl::Status s = ProofOfUse::RequirePassed(r);
  EXPECT_TRUE(absl::IsFailedPrecondition(s));
  EXPECT_TRUE(absl::StrContains(s.message(), "KEY_MATCHES_CERTIFICATE")) << s;
}

TEST(ProofOfUseTest, AKeyUsageWithoutDigitalSignatureFailsTheReport) {
  TempDir dir;
  TestCa ca = TestCa::Create(dir.path());
  EvpPkeyPtr key = MakeKey("ec-p256");
  X509Ptr cert = ca.Craft({.key_usage = false, .key = key.get()});
  ProofReport r = ProofOfUse::Run(key.get(), cert.get(), ChainOf(ca), kHolder, absl::Now());
  EXPECT_FALSE(r.passed);
  ASSERT_NE(CheckNamed(r, ProofOfUse::kKeyUsage), nullptr);
  ASSERT_NE(CheckNamed(r, ProofOfUse::kSignatureVerified), nullptr);
  EXPECT_FALSE(CheckNamed(r, ProofOfUse::kKeyUsage)->passed);
  EXPECT_TRUE(absl::StrContains(CheckNamed(r, ProofOfUse::kKeyUsage)->detail, "digitalSignature"));
  // A validator refuses it for signing too (S/MIME signing purpose).
  EXPECT_FALSE(CheckNamed(r, ProofOfUse::kSignatureVerified)->passed);
  EXPECT_TRUE(absl::StrContains(ProofOfUse::RequirePassed(r).message(), "KEY_USAGE"));
}

TEST(ProofOfUseTest, ACertificateOfAnotherCaOrAnotherHolderFails) {
  TempDir dir, other;
  TestCa ca = TestCa::Create(dir.path());
  TestCa foreign = TestCa::Create(other.path(), "ec-p256", "Sertel Test Issuing CA");
  EvpPkeyPtr key = MakeKey("ec-p256");
  X509Ptr cert = foreign.Craft({.key = key.get()});
  ProofReport r = ProofOfUse::Run(key.get(), cert.get(), ChainOf(ca), kHolder, absl::Now());
  EXPECT_EQ(Failed(r), (std::vector<std::string>{"SIGNATURE_VERIFIED", "SIGNER_IS_HOLDER"}));
  ASSERT_NE(CheckNamed(r, ProofOfUse::kSignerIsHolder), nullptr);
  EXPECT_TRUE(absl::StrContains(CheckNamed(r, ProofOfUse::kSignerIsHolder)->detail, "not run"));

  X509Ptr ours = ca.Craft({.nik = "3171014101900002", .key = key.get()});
  r = ProofOfUse::Run(key.get(), ours.get(), ChainOf(ca), kHolder, absl::Now());
  EXPECT_EQ(Failed(r), std::vector<std::string>{"SIGNER_IS_HOLDER"});
  EXPECT_TRUE(
      absl::StrContains(CheckNamed(r, ProofOfUse::kSignerIsHolder)->detail, "NIK_MISMATCH"));
}

TEST(ProofOfUseTest, AnExpiredCertificateDoesNotVerifyAtTheProofsTime) {
  TempDir dir;
  TestCa ca = TestCa::Create(dir.path());
  EvpPkeyPtr key = MakeKey("ec-p256");
  const absl::Time now = absl::Now();
  X509Ptr cert = ca.Craft(
      {.not_before = now - absl::Hours(48), .not_after = now - absl::Hours(1), .key = key.get()});
  ProofReport r = ProofOfUse::Run(key.get(), cert.get(), ChainOf(ca), kHolder, now);
  EXPECT_EQ(Failed(r), (std::vector<std::string>{"SIGNATURE_VERIFIED", "SIGNER_IS_HOLDER"}));
}

TEST(ProofOfUseTest, NoReportBlocksTheHandoverAndTheStoredFormRoundTrips) {
  EXPECT_TRUE(absl::IsFailedPrecondition(ProofOfUse::RequirePassed(std::nullopt)));
  TempDir dir;
  TestCa ca = TestCa::Create(dir.path());
  EvpPkeyPtr key = MakeKey("ec-p256");
  X509Ptr cert = ca.Craft({.key_usage = false, .key = key.get()});
  ProofReport r = ProofOfUse::Run(key.get(), cert.get(), ChainOf(ca), kHolder,
                                  absl::FromUnixSeconds(1796277103));
  absl::StatusOr<ProofReport> back = ProofOfUse::FromJson(ProofOfUse::ToJson(r));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->passed, r.passed);
  EXPECT_EQ(back->checked_at, r.checked_at);
  ASSERT_EQ(back->checks.size(), r.checks.size());
  for (size_t i = 0; i < r.checks.size(); ++i) {
    EXPECT_EQ(back->checks[i].name, r.checks[i].name);
    EXPECT_EQ(back->checks[i].passed, r.checks[i].passed);
    EXPECT_EQ(back->checks[i].detail, r.checks[i].detail);
  }
  EXPECT_TRUE(absl::IsDataLoss(ProofOfUse::FromJson("{\"passed\":1}").status()));
  // A check whose detail is not a string is unreadable, not an exception.
  EXPECT_TRUE(absl::IsDataLoss(
      ProofOfUse::FromJson("{\"passed\":true,\"checked_at\":\"2026-12-03T00:00:00Z\","
                           "\"checks\":[{\"name\":\"KEY_USAGE\",\"passed\":true,\"detail\":null}]}")
          .status()));
  EXPECT_TRUE(absl::IsDataLoss(ProofOfUse::FromJson("not json").status()));
}

// The stored flag is never trusted on its own: a report that says passed but lacks a check, or
// holds a failed one, blocks the handover (a database writer cannot make a report PASSED by
// flipping one field).
TEST(ProofOfUseTest, RequirePassedWorksTheVerdictOutFromTheChecks) {
  TempDir dir;
  TestCa ca = TestCa::Create(dir.path());
  EvpPkeyPtr key = MakeKey("ec-p256");
  X509Ptr cert = ca.Craft({.key = key.get()});
  const ProofReport good =
      ProofOfUse::Run(key.get(), cert.get(), ChainOf(ca), kHolder, absl::Now());
  ASSERT_TRUE(ProofOfUse::RequirePassed(good).ok());

  ProofReport empty = good;
  empty.checks.clear();
  EXPECT_TRUE(absl::IsFailedPrecondition(ProofOfUse::RequirePassed(empty)));

  ProofReport one_failed = good;
  one_failed.checks[4].passed = false;
  one_failed.checks[4].detail = "changed";
  absl::Status s = ProofOfUse::RequirePassed(one_failed);
  EXPECT_TRUE(absl::IsFailedPrecondition(s));
  EXPECT_TRUE(absl::StrContains(s.message(), "SIGNATURE_VERIFIED")) << s;

  ProofReport missing = good;
  missing.checks.pop_back();
  EXPECT_TRUE(absl::IsFailedPrecondition(ProofOfUse::RequirePassed(missing)));

  ProofReport reordered = good;
  std::swap(reordered.checks[0], reordered.checks[1]);
  EXPECT_TRUE(absl::IsFailedPrecondition(ProofOfUse::RequirePassed(reordered)));
}

}  // namespace
}  // namespace sertel::certificate
