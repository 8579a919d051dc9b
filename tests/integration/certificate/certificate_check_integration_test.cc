// The SOP's warning (CheckCertificate: every finding code on a certificate crafted to have it),
// revocation with the CRL (also over HTTP), and the SOP's recorded figure (GetStatistics before
// and after issue, revoke and expiry).
#include <atomic>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "common/metrics.h"
#include "crl_route.h"
#include "tests/integration/certificate/certificate_fixture.h"

namespace sertel::certificate::testing {
namespace {

std::vector<v1::FindingCode> Codes(const v1::CheckResult& r) {
  std::vector<v1::FindingCode> out;
  for (const auto& f : r.findings()) out.push_back(f.code());
  return out;
}

bool HasCode(const v1::CheckResult& r, v1::FindingCode c) {
  for (const auto& f : r.findings()) {
    if (f.code() == c) return true;
  }
  return false;
}

// A crafted certificate from our CA with the holder's identity, changed as the test needs.
CraftOptions Holder() {
  v1::Applicant a = TestApplicant();
  return {.cn = a.full_name(), .nik = a.nik(), .email = a.email(), .unit = a.certificate_ou()};
}

TEST_F(CertificateIntegrationTest, CheckSaysOkWithNoFindingsOnAGoodCertificate) {
  v1::Certificate c = Issue("app-1");
  v1::CheckResult r;
  grpc::Status s = Check(c.certificate_pem(), &r, "3171014101900001");
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.findings_size(), 0);
  EXPECT_EQ(r.certificate().serial(), c.serial());
}

TEST_F(CertificateIntegrationTest, CheckFindsMalformedInput) {
  v1::CheckResult r;
  ASSERT_TRUE(Check("-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n", &r).ok());
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(Codes(r), std::vector<v1::FindingCode>{v1::FINDING_CODE_MALFORMED});
  EXPECT_EQ(Check("", &r).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(CertificateIntegrationTest, CheckFindsACertificateOfAnotherCa) {
  Issue("app-1");
  TempDir other;
  TestCa foreign = TestCa::Create(other.path(), "ec-p256", "Sertel Test Issuing CA");
  v1::CheckResult r;
  ASSERT_TRUE(Check(CertificateToPem(foreign.Craft(Holder()).get()), &r).ok());
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(Codes(r), std::vector<v1::FindingCode>{v1::FINDING_CODE_NOT_ISSUED_BY_CA});
  EXPECT_FALSE(r.has_certificate());
}

// Attack: a self-made certificate naming an enrolled holder's NIK with another name and email,
// to learn from NAME_MISMATCH / EMAIL_MISMATCH who holds the NIK. The answer tells nothing.
TEST_F(CertificateIntegrationTest, ASelfMadeCertificateNamingAHoldersNikLearnsNothing) {
  Issue("app-1");
  TempDir other;
  TestCa self_made = TestCa::Create(other.path(), "ec-p256", "Sertel Test Issuing CA");
  for (const auto& [cn, email] : std::vector<std::pair<std::string, std::string>>{
           {"Budi Santoso", "budi@example.org"},
           {TestApplicant().full_name(), "x@example.org"},
           {TestApplicant().full_name(), TestApplicant().email()}}) {
    CraftOptions o = Holder();
    o.cn = cn;
    o.email = email;
    v1::CheckResult r;
    ASSERT_TRUE(Check(CertificateToPem(self_made.Craft(o).get()), &r, o.nik).ok());
    EXPECT_EQ(Codes(r), std::vector<v1::FindingCode>{v1::FINDING_CODE_NOT_ISSUED_BY_CA}) << cn;
    EXPECT_FALSE(r.has_certificate());
  }
}

// Attack: our certificate followed by another one (or a key) that a careless reader would skip.
TEST_F(CertificateIntegrationTest, APemWithMoreThanOneBlockIsMalformed) {
  v1::Certificate c = Issue("app-1");
  TempDir other;
  TestCa foreign = TestCa::Create(other.path(), "ec-p256", "Other CA");
  for (const std::string& pem :
       {c.certificate_pem() + CertificateToPem(foreign.Craft(Holder()).get()),
        CertificateToPem(foreign.Craft(Holder()).get()) + c.certificate_pem(),
        c.certificate_pem() + c.certificate_pem(),
        c.certificate_pem() + sertel::testing::MakeEd25519KeyPem()}) {  // a key made now
    v1::CheckResult r;
    ASSERT_TRUE(Check(pem, &r).ok());
    EXPECT_EQ(Codes(r), std::vector<v1::FindingCode>{v1::FINDING_CODE_MALFORMED});
  }
}

// Attack: a second certificate hidden inside the one PEM block, after our certificate's DER.
TEST_F(CertificateIntegrationTest, TrailingBytesInsideTheBlockAreMalformed) {
  v1::Certificate c = Issue("app-1");
  absl::StatusOr<X509Ptr> cert = LoadCertificatePem(c.certificate_pem());
  ASSERT_TRUE(cert.ok());
  unsigned char* der = nullptr;
  int len = i2d_X509(cert->get(), &der);
  ASSERT_GT(len, 0);
  std::string bytes(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  std::string b64 = absl::Base64Escape(bytes + bytes);
  std::string pem = "-----BEGIN CERTIFICATE-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
  pem += "-----END CERTIFICATE-----\n";
  v1::CheckResult r;
  ASSERT_TRUE(Check(pem, &r).ok());
  EXPECT_EQ(Codes(r), std::vector<v1::FindingCode>{v1::FINDING_CODE_MALFORMED});
}

// Attack: a certificate of our CA that names no NIK, checked with expected_nik set to an enrolled
// holder's: the records of that NIK are not compared (no NAME_MISMATCH telling who holds it).
TEST_F(CertificateIntegrationTest, ExpectedNikDoesNotChooseWhoseRecordIsCompared) {
  Issue("app-1");
  CraftOptions o = Holder();
  o.nik = "";
  o.cn = "Someone Else";
  v1::CheckResult r;
  ASSERT_TRUE(Check(CertificateToPem(test_ca_->Craft(o).get()), &r, TestApplicant().nik()).ok());
  EXPECT_FALSE(HasCode(r, v1::FINDING_CODE_NAME_MISMATCH));
  EXPECT_FALSE(HasCode(r, v1::FINDING_CODE_EMAIL_MISMATCH));
  EXPECT_TRUE(HasCode(r, v1::FINDING_CODE_UNKNOWN_HOLDER));
  EXPECT_TRUE(HasCode(r, v1::FINDING_CODE_NIK_MISMATCH));  // the cert's own NIK vs the input
}

TEST_F(CertificateIntegrationTest, CheckFindsAMissingExtendedKeyUsage) {
  for (const char* eku : {"", "emailProtection", "1.3.6.1.5.5.7.3.36", "clientAuth"}) {
    CraftOptions o = Holder();
    o.extended_key_usage = eku;
    v1::CheckResult r;
    ASSERT_TRUE(Check(CertificateToPem(test_ca_->Craft(o).get()), &r).ok());
    EXPECT_TRUE(HasCode(r, v1::FINDING_CODE_KEY_USAGE_MISSING)) << eku;
  }
}

// A CA rotation: certificates the retired CA issued while it was valid still check as ours;
// ones it "issued" after its end do not.
TEST_F(CertificateIntegrationTest, ARetiredIssuingCaStillVouchesForWhatItIssuedWhileValid) {
  TempDir old_dir;
  TestCa retired = TestCa::Create(old_dir.path(), "ec-p256", "Sertel Retired Issuing CA");
  CraftOptions o = Holder();
  o.nik = "3171014101900077";
  std::string pem = CertificateToPem(retired.Craft(o).get());
  v1::CheckResult before;
  ASSERT_TRUE(Check(pem, &before).ok());
  EXPECT_EQ(Codes(before), std::vector<v1::FindingCode>{v1::FINDING_CODE_NOT_ISSUED_BY_CA});

  std::vector<X509Ptr> issuers;
  issuers.push_back(X509Ptr(X509_dup(retired.cert())));
  managers_->checks.SetRetiredIssuers(std::move(issuers));
  v1::CheckResult after;
  ASSERT_TRUE(Check(pem, &after).ok());
  EXPECT_EQ(Codes(after), std::vector<v1::FindingCode>{v1::FINDING_CODE_UNKNOWN_HOLDER});

  CraftOptions late = o;
  late.not_before = absl::Now() + absl::Hours(24 * 365 * 11);  // after the retired CA ended
  late.not_after = late.not_before + absl::Hours(24);
  v1::CheckResult forged;
  ASSERT_TRUE(Check(CertificateToPem(retired.Craft(late).get()), &forged).ok());
  EXPECT_EQ(Codes(forged), std::vector<v1::FindingCode>{v1::FINDING_CODE_NOT_ISSUED_BY_CA});
}

TEST_F(CertificateIntegrationTest, CheckFindsExpiryOfAnIssuedCertificate) {
  v1::Certificate c = Issue("app-1");
  clock_.Advance(absl::Hours(24 * 731));
  v1::CheckResult r;
  ASSERT_TRUE(Check(c.certificate_pem(), &r).ok());
  EXPECT_EQ(Codes(r), std::vector<v1::FindingCode>{v1::FINDING_CODE_EXPIRED});
  EXPECT_EQ(r.certificate().status(), v1::CERTIFICATE_STATUS_EXPIRED);
}

// Issue 22: a certificate of ours is parsed and verified once (verified_certificate_cache.h),
// and what changes is still judged on every call: a revocation after the first check, then the
// clock past its notAfter. A certificate of another CA is never remembered.
TEST_F(CertificateIntegrationTest, OursIsVerifiedOnceAndStillJudgedOnEveryCall) {
  v1::Certificate c = Issue("app-1");
  const VerifiedCertificateCache& cache = managers_->checks.verified_cache();
  v1::CheckResult r;
  ASSERT_TRUE(Check(c.certificate_pem(), &r).ok());
  EXPECT_TRUE(r.ok());
  ASSERT_TRUE(Check(c.certificate_pem(), &r).ok());
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.certificate().certificate_pem(), c.certificate_pem());
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.hits(), 1u);
  v1::Certificate revoked;
  ASSERT_TRUE(Revoke(c.serial(), v1::REVOCATION_REASON_KEY_COMPROMISE, &revoked).ok());
  ASSERT_TRUE(Check(c.certificate_pem(), &r).ok());
  EXPECT_EQ(Codes(r), std::vector<v1::FindingCode>{v1::FINDING_CODE_REVOKED});
  clock_.Advance(absl::Hours(24 * 731));
  ASSERT_TRUE(Check(c.certificate_pem(), &r).ok());
  EXPECT_TRUE(HasCode(r, v1::FINDING_CODE_EXPIRED));
  EXPECT_TRUE(HasCode(r, v1::FINDING_CODE_REVOKED));
  EXPECT_EQ(cache.hits(), 3u);

  TempDir other;
  TestCa foreign = TestCa::Create(other.path(), "ec-p256", "Sertel Test Issuing CA");
  const std::string forged = CertificateToPem(foreign.Craft(Holder()).get());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(Check(forged, &r).ok());
    EXPECT_EQ(Codes(r), std::vector<v1::FindingCode>{v1::FINDING_CODE_NOT_ISSUED_BY_CA});
  }
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.hits(), 3u);
}

TEST_F(CertificateIntegrationTest, CheckFindsANotYetValidCertificate) {
  Issue("app-1");
  CraftOptions o = Holder();
  o.not_before = clock_.Now() + absl::Hours(24);
  o.not_after = clock_.Now() + absl::Hours(48);
  v1::CheckResult r;
  ASSERT_TRUE(Check(CertificateToPem(test_ca_->Craft(o).get()), &r).ok());
  EXPECT_TRUE(HasCode(r, v1::FINDING_CODE_NOT_YET_VALID));
  EXPECT_FALSE(HasCode(r, v1::FINDING_CODE_NOT_ISSUED_BY_CA));
}

TEST_F(CertificateIntegrationTest, CheckFindsARevokedCertificate) {
  v1::Certificate c = Issue("app-1");
  v1::Certificate revoked;
  ASSERT_TRUE(Revoke(c.serial(), v1::REVOCATION_REASON_KEY_COMPROMISE, &revoked).ok());
  v1::CheckResult r;
  ASSERT_TRUE(Check(c.certificate_pem(), &r).ok());
  EXPECT_EQ(Codes(r), std::vector<v1::FindingCode>{v1::FINDING_CODE_REVOKED});
}

TEST_F(CertificateIntegrationTest, CheckFindsAWrongName) {
  Issue("app-1");
  CraftOptions o = Holder();
  o.cn = "Siti Aminah";
  v1::CheckResult r;
  ASSERT_TRUE(Check(CertificateToPem(test_ca_->Craft(o).get()), &r).ok());
  EXPECT_TRUE(HasCode(r, v1::FINDING_CODE_NAME_MISMATCH));
  EXPECT_TRUE(HasCode(r, v1::FINDING_CODE_UNKNOWN_HOLDER));
  EXPECT_FALSE(HasCode(r, v1::FINDING_CODE_NIK_MISMATCH));
  EXPECT_FALSE(HasCode(r, v1::FINDING_CODE_EMAIL_MISMATCH));
}

TEST_F(CertificateIntegrationTest, CheckFindsAWrongNikAgainstTheExpectedOne) {
  v1::Certificate c = Issue("app-1");
  v1::CheckResult r;
  ASSERT_TRUE(Check(c.certificate_pem(), &r, "3171014101900009").ok());
  EXPECT_EQ(Codes(r), std::vector<v1::FindingCode>{v1::FINDING_CODE_NIK_MISMATCH});
}

TEST_F(CertificateIntegrationTest, CheckFindsAWrongEmail) {
  Issue("app-1");
  CraftOptions o = Holder();
  o.email = "siti@evil.example";
  v1::CheckResult r;
  ASSERT_TRUE(Check(CertificateToPem(test_ca_->Craft(o).get()), &r).ok());
  EXPECT_TRUE(HasCode(r, v1::FINDING_CODE_EMAIL_MISMATCH));
  EXPECT_FALSE(HasCode(r, v1::FINDING_CODE_NAME_MISMATCH));
}

TEST_F(CertificateIntegrationTest, CheckFindsMissingKeyUsage) {
  Issue("app-1");
  CraftOptions o = Holder();
  o.key_usage = false;
  v1::CheckResult r;
  ASSERT_TRUE(Check(CertificateToPem(test_ca_->Craft(o).get()), &r).ok());
  EXPECT_TRUE(HasCode(r, v1::FINDING_CODE_KEY_USAGE_MISSING));
}

TEST_F(CertificateIntegrationTest, CheckFindsAnUnknownHolder) {
  CraftOptions o = Holder();
  o.nik = "3171014101900077";
  v1::CheckResult r;
  ASSERT_TRUE(Check(CertificateToPem(test_ca_->Craft(o).get()), &r).ok());
  EXPECT_EQ(Codes(r), std::vector<v1::FindingCode>{v1::FINDING_CODE_UNKNOWN_HOLDER});
}

// Abuse limit: one caller checking faster than the limit is RESOURCE_EXHAUSTED (with the same
// finding-free refusal for any certificate), another caller is not affected.
TEST_F(CertificateIntegrationTest, CheckingFasterThanTheLimitIsResourceExhausted) {
  v1::Certificate c = Issue("app-1");
  FakeClock limiter_clock(absl::FromUnixSeconds(1'800'000'000));
  RateLimiter limiter({.burst = 2, .refill = absl::Seconds(10)}, &limiter_clock);
  impl_->SetCheckLimiter(&limiter);
  auto check_as = [&](const std::string& sub) {
    v1::CheckCertificateRequest req;
    req.set_certificate_pem(c.certificate_pem());
    v1::CheckResult r;
    auto ctx = Ctx(pki_.MintToken({"AUDITOR"}, sub));
    return stub_->CheckCertificate(ctx.get(), req, &r);
  };
  EXPECT_TRUE(check_as("scraper").ok());
  EXPECT_TRUE(check_as("scraper").ok());
  grpc::Status s = check_as("scraper");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  EXPECT_FALSE(s.error_details().empty());  // the google.rpc.RetryInfo
  EXPECT_TRUE(check_as("relying-party").ok());
  limiter_clock.Advance(absl::Seconds(10));
  EXPECT_TRUE(check_as("scraper").ok());
  impl_->SetCheckLimiter(nullptr);
}

TEST_F(CertificateIntegrationTest, CheckNeedsAToken) {
  v1::CheckCertificateRequest req;
  req.set_certificate_pem("x");
  v1::CheckResult r;
  auto ctx = Ctx("");
  EXPECT_EQ(stub_->CheckCertificate(ctx.get(), req, &r).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(CertificateIntegrationTest, RevocationUpdatesStatusEnrollmentAndTheCrlServedOverHttp) {
  v1::Certificate c = Issue("app-1");
  v1::Certificate revoked;
  grpc::Status s = Revoke(c.serial(), v1::REVOCATION_REASON_AFFILIATION_CHANGED, &revoked);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(revoked.status(), v1::CERTIFICATE_STATUS_REVOKED);
  EXPECT_EQ(revoked.revocation_reason(), v1::REVOCATION_REASON_AFFILIATION_CHANGED);
  v1::Enrollment e;
  v1::GetEnrollmentRequest req;
  req.set_application_id("app-1");
  auto ctx = Ctx(Token("VERIFIER"));
  ASSERT_TRUE(stub_->GetEnrollment(ctx.get(), req, &e).ok());
  EXPECT_EQ(e.status(), v1::ENROLLMENT_STATUS_REVOKED);

  MetricsHttpServer http("127.0.0.1:0");
  http.AddRoute("/crl.der", [this] { return CrlResponse(managers_->revocation); });
  ASSERT_TRUE(http.Start().ok());
  std::string out;
  ASSERT_EQ(RunCommand("curl -sf -o " + dir_.File("crl.der") +
                           " http://127.0.0.1:" + std::to_string(http.port()) + "/crl.der",
                       &out),
            0)
      << out;
  http.Stop();
  ASSERT_EQ(RunCommand("openssl crl -inform DER -in " + dir_.File("crl.der") +
                           " -noout -text -CAfile " + test_ca_->cert_file(),
                       &out),
            0)
      << out;
  EXPECT_TRUE(absl::StrContains(out, "verify OK")) << out;
  EXPECT_TRUE(absl::StrContains(absl::AsciiStrToLower(out), c.serial())) << out;
  EXPECT_TRUE(absl::StrContains(out, "Affiliation Changed")) << out;

  // Twice is a wrong state; bad input, unknown serial and wrong role are refused.
  EXPECT_EQ(Revoke(c.serial(), v1::REVOCATION_REASON_SUPERSEDED, &revoked).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Revoke(c.serial(), v1::REVOCATION_REASON_UNSPECIFIED, &revoked).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Revoke("zz", v1::REVOCATION_REASON_SUPERSEDED, &revoked).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Revoke("0abc", v1::REVOCATION_REASON_SUPERSEDED, &revoked).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Revoke(c.serial(), v1::REVOCATION_REASON_SUPERSEDED, &revoked, "AUDITOR").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// A CA that cannot sign a CRL (an external CA that is down, say): there is no CRL to serve.
class NoCrlCa final : public ForwardingCa {
 public:
  using ForwardingCa::ForwardingCa;
  absl::StatusOr<std::string> MakeCrl(const std::vector<RevokedEntry>&, int64_t, absl::Time,
                                      absl::Time) override {
    return absl::UnavailableError("the CA is unreachable");
  }
};

// Issue 15: /crl.der answers 503 with a short text, not 200 with an empty body, while there is no
// CRL; once there is one, 200 with the DER CRL.
TEST_F(CertificateIntegrationTest, CrlRouteAnswers503WithoutACrlAnd200WithOne) {
  NoCrlCa no_crl(ca_.get());
  RevocationManager unable(store_.get(), &no_crl, ManagerSettings{}, &clock_);
  MetricsHttpServer http("127.0.0.1:0");
  http.AddRoute("/crl.der", [&unable] { return CrlResponse(unable); });
  http.AddRoute("/crl-ok.der", [this] { return CrlResponse(managers_->revocation); });
  ASSERT_TRUE(http.Start().ok());
  std::string url = "http://127.0.0.1:" + std::to_string(http.port());
  std::string out;
  ASSERT_EQ(RunCommand("curl -s -o " + dir_.File("body.txt") +
                           " -w '%{http_code} %{content_type}' " + url + "/crl.der",
                       &out),
            0)
      << out;
  EXPECT_TRUE(absl::StartsWith(out, "503 text/plain")) << out;
  std::string body = ReadText(dir_.File("body.txt"));
  EXPECT_FALSE(body.empty());
  EXPECT_TRUE(absl::StrContains(body, "no CRL")) << body;
  EXPECT_EQ(Scalar("SELECT count(*) FROM crl"), "0");

  ASSERT_EQ(RunCommand("curl -s -o " + dir_.File("crl.der") +
                           " -w '%{http_code} %{content_type}' " + url + "/crl-ok.der",
                       &out),
            0)
      << out;
  http.Stop();
  EXPECT_TRUE(absl::StartsWith(out, "200 application/pkix-crl")) << out;
  ASSERT_EQ(RunCommand("openssl crl -inform DER -in " + dir_.File("crl.der") +
                           " -noout -text -CAfile " + test_ca_->cert_file(),
                       &out),
            0)
      << out;
  EXPECT_TRUE(absl::StrContains(out, "verify OK")) << out;
}

// A clock that moves on one second at every reading: which reading dated what shows when it was
// read.
class SteppingClock final : public Clock {
 public:
  explicit SteppingClock(absl::Time start) : start_(start) {}
  absl::Time Now() const override { return start_ + absl::Seconds(reads_++); }

 private:
  absl::Time start_;
  mutable std::atomic<int> reads_{0};
};

// Issue 23's HandOver/Revoke race: a revocation checks no version (it may follow any step), so
// it is dated when it decides under the enrollment's lock, not when the call began (a HandOver
// that held the lock meanwhile would be later on the timeline than the revocation after it); its
// CRL is dated when it is signed, under the CRL's lock, so that a higher CRL number never has an
// earlier date (two revocations, or a revocation and the refresh, in the other order).
TEST_F(CertificateIntegrationTest, ARevocationAndItsCrlAreDatedUnderTheirLocks) {
  v1::Certificate c = Issue("app-1");
  SteppingClock clock(clock_.Now() + absl::Minutes(5));
  RevocationManager revocation(store_.get(), ca_.get(), ManagerSettings{}, &clock);
  Principal verifier{.sub = "verifier-1", .nik = "", .roles = {Role::kVerifier}};
  absl::StatusOr<CertificateView> revoked =
      revocation.RevokeCertificate(verifier, c.serial(), v1::REVOCATION_REASON_KEY_COMPROMISE);
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  int64_t start = absl::ToUnixMicros(clock_.Now() + absl::Minutes(5));
  int64_t revoked_at = std::stoll(Scalar("SELECT to_micros(revoked_at) FROM certificates"));
  int64_t crl_at = std::stoll(Scalar("SELECT to_micros(this_update) FROM crl"));
  // The call's first reading (second 0) dated nothing; the decision came later, the CRL after it.
  EXPECT_GT(revoked_at, start);
  EXPECT_GT(crl_at, revoked_at);
  EXPECT_EQ(Scalar("SELECT to_micros(at) FROM enrollment_timeline WHERE action = 'REVOKED'"),
            std::to_string(revoked_at));

  // A refresh whose signer was made an hour before it took the lock is dated when it signed.
  CrlSigner early = CrlSignerOf(ca_.get(), &clock_, absl::Hours(24));
  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(store_->RebuildCrl(early).ok());
  EXPECT_EQ(Scalar("SELECT crl_number FROM crl"), "2");
  EXPECT_EQ(Scalar("SELECT to_micros(this_update) FROM crl"),
            std::to_string(absl::ToUnixMicros(clock_.Now())));
  EXPECT_EQ(Scalar("SELECT to_micros(next_update) FROM crl"),
            std::to_string(absl::ToUnixMicros(clock_.Now() + absl::Hours(24))));
  // The signed CRL says so too, not only its row.
  absl::StatusOr<std::string> der = store_->CurrentCrl();
  ASSERT_TRUE(der.ok()) << der.status();
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der->data());
  X509_CRL* parsed = d2i_X509_CRL(nullptr, &p, static_cast<long>(der->size()));
  ASSERT_NE(parsed, nullptr);
  int days = -1;
  int seconds = -1;
  ASN1_TIME* at = ASN1_TIME_set(nullptr, absl::ToTimeT(clock_.Now()));
  ASSERT_NE(at, nullptr);
  EXPECT_EQ(ASN1_TIME_diff(&days, &seconds, at, X509_CRL_get0_lastUpdate(parsed)), 1);
  EXPECT_EQ(days * 86400 + seconds, 0);
  ASN1_TIME_free(at);
  X509_CRL_free(parsed);
}

TEST_F(CertificateIntegrationTest, StatisticsCountHoldersBeforeAndAfterIssueRevokeAndExpiry) {
  absl::Time t0 = clock_.Now();
  v1::Statistics st = Stats(t0);
  EXPECT_EQ(st.holders_with_valid_certificate(), 0);
  EXPECT_EQ(st.issued_total(), 0);

  v1::Enrollment e;
  ASSERT_TRUE(
      Start("app-wait", TestApplicant("3171014101900003", "DINKES", "Dinas Kesehatan"), &e).ok());
  clock_.Advance(absl::Minutes(1));
  v1::Certificate a =
      Issue("app-a", TestApplicant("3171014101900001", "DISKOMINFO", "Dinas Kominfo"));
  v1::Certificate b =
      Issue("app-b", TestApplicant("3171014101900002", "DISKOMINFO", "Dinas Kominfo"));
  clock_.Advance(absl::Minutes(1));
  absl::Time t1 = clock_.Now();
  st = Stats(t1);
  EXPECT_EQ(st.holders_with_valid_certificate(), 2);
  EXPECT_EQ(st.issued_total(), 2);
  EXPECT_EQ(st.awaiting_passphrase(), 1);
  ASSERT_EQ(st.by_unit_size(), 2);
  EXPECT_EQ(st.by_unit(0).unit(), "DINKES");
  EXPECT_EQ(st.by_unit(0).awaiting_passphrase(), 1);
  EXPECT_EQ(st.by_unit(1).unit(), "DISKOMINFO");
  EXPECT_EQ(st.by_unit(1).holders_with_valid_certificate(), 2);
  EXPECT_EQ(Stats(t1, "DISKOMINFO").holders_with_valid_certificate(), 2);
  EXPECT_EQ(Stats(t1, "DINKES").holders_with_valid_certificate(), 0);
  // As of before the issue: nobody.
  EXPECT_EQ(Stats(t0).holders_with_valid_certificate(), 0);

  clock_.Advance(absl::Minutes(1));
  v1::Certificate revoked;
  ASSERT_TRUE(Revoke(a.serial(), v1::REVOCATION_REASON_CESSATION_OF_OPERATION, &revoked).ok());
  clock_.Advance(absl::Minutes(1));
  st = Stats(clock_.Now());
  EXPECT_EQ(st.holders_with_valid_certificate(), 1);
  EXPECT_EQ(st.revoked_total(), 1);
  EXPECT_EQ(st.issued_total(), 2);
  // The past stays as it was.
  EXPECT_EQ(Stats(t1).holders_with_valid_certificate(), 2);

  // After expiry: nobody holds a valid certificate; the one still unrevoked counts as expired.
  st = Stats(clock_.Now() + absl::Hours(24 * 731));
  EXPECT_EQ(st.holders_with_valid_certificate(), 0);
  EXPECT_EQ(st.expired_total(), 2);
  EXPECT_EQ(st.revoked_total(), 1);
}

TEST_F(CertificateIntegrationTest, StatisticsAreForOfficialsAndAuditors) {
  v1::GetStatisticsRequest req;
  v1::Statistics out;
  auto ctx = Ctx(ApplicantToken());
  EXPECT_EQ(stub_->GetStatistics(ctx.get(), req, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto head = Ctx(Token("HEAD_OF_AGENCY"));
  EXPECT_TRUE(stub_->GetStatistics(head.get(), req, &out).ok());
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

TEST_F(CertificateIntegrationTest, SlaReportTimesStepsSixAndSevenAgainstTenMinutes) {
  const absl::Time t0 = clock_.Now();
  v1::Enrollment e;
  ASSERT_TRUE(Start("app-1", TestApplicant(), &e).ok());
  std::string code = DeliveredCode("app-1");
  clock_.Advance(absl::Minutes(12));  // the owner comes in 12 minutes later: over the standard
  v1::Certificate c;
  ASSERT_TRUE(SetPassphrase(ApplicantToken(), "app-1", code, kPassphrase, &c).ok());
  clock_.Advance(absl::Minutes(3));
  ASSERT_TRUE(HandOver("app-1", v1::CHANNEL_EMAIL, &e).ok());

  v1::GetSlaReportRequest req;
  *req.mutable_from() = ToTimestamp(t0 - absl::Hours(1));
  *req.mutable_to() = ToTimestamp(t0 + absl::Hours(1));
  v1::SlaReport report;
  auto ctx = Ctx("");  // the disposition service asks with its client certificate
  grpc::Status s = service_stub_->GetSlaReport(ctx.get(), req, &report);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(report.steps_size(), 2);
  EXPECT_EQ(report.steps(0).step(), v1::STEP_PASSPHRASE);
  EXPECT_EQ(report.steps(0).count(), 1);
  EXPECT_EQ(report.steps(0).max().seconds(), 12 * 60);
  EXPECT_EQ(report.steps(0).exceeded(), 1);
  EXPECT_EQ(report.steps(0).standard_duration().seconds(), 10 * 60);
  EXPECT_EQ(report.steps(1).step(), v1::STEP_HANDOVER);
  EXPECT_EQ(report.steps(1).count(), 1);
  EXPECT_EQ(report.steps(1).p50().seconds(), 3 * 60);
  EXPECT_EQ(report.steps(1).exceeded(), 0);

  // A period before any of it: both rows, count 0. A backwards period: INVALID_ARGUMENT.
  *req.mutable_to() = ToTimestamp(t0 - absl::Minutes(30));
  auto ctx2 = Ctx(Token("AUDITOR"));
  ASSERT_TRUE(stub_->GetSlaReport(ctx2.get(), req, &report).ok());
  ASSERT_EQ(report.steps_size(), 2);
  EXPECT_EQ(report.steps(0).count() + report.steps(1).count(), 0);
  *req.mutable_to() = ToTimestamp(t0 - absl::Hours(2));
  auto ctx3 = Ctx(Token("AUDITOR"));
  EXPECT_EQ(stub_->GetSlaReport(ctx3.get(), req, &report).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  auto ctx4 = Ctx(ApplicantToken());
  EXPECT_EQ(stub_->GetSlaReport(ctx4.get(), req, &report).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(CertificateIntegrationTest, RoleTableCoversEveryRpc) {
  EXPECT_TRUE(impl_->authorizer().CheckCoversService().ok());
}

}  // namespace
}  // namespace sertel::certificate::testing
