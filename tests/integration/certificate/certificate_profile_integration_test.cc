// Issue 15 at certificate-service's end of the SOP, through the real gRPC service and
// PostgreSQL: the certificate profile's limits come from the one table (common/field_rules.h),
// so what StartEnrollment refuses is refused with the same bilingual violation intake gives at
// step 1, and the largest values step 1 accepts (64 characters, multi-byte, apostrophes) reach
// the certificate; the OU is the unit registry's certificate_ou (the unit for older callers) and
// the unit is its code, which statistics group by while counting distinct people; and every
// enrollment change reports its progress to intake with the enrollment's version.
#include <optional>

#include "absl/strings/match.h"
#include "certificate_matcher.h"
#include "common/field_rules.h"
#include "common/field_violations.h"
#include "common/grpc_status.h"
#include "tests/integration/certificate/certificate_fixture.h"

namespace sertel::certificate::testing {
namespace {

// The issue's real unit name: longer than X.509's 64-character OU.
constexpr char kLongUnitName[] =
    "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan Keluarga "
    "Berencana";
// 64 code points each, more bytes than that.
constexpr char kLongestName[] = "Ni Putu Ayu Déwí Ṡrí O'Connor-Ñúñez Wahyuningsih, Kusumawardhani";
constexpr char kLongestOu[] = "Dinas Pemberdayaan Perempuan, Perlindungan Anak, dan KB Kota Ööö";

std::vector<FieldViolation> Violations(const grpc::Status& s) {
  return FieldViolations::FromStatus(FromGrpcStatus(s));
}

// A copy, so that it outlives the vector (often a temporary) it was found in.
std::optional<FieldViolation> Find(const std::vector<FieldViolation>& v, const std::string& field) {
  for (const FieldViolation& x : v) {
    if (x.field == field) return x;
  }
  return std::nullopt;
}

class ProfileTest : public CertificateIntegrationTest {
 protected:
  // Nothing was stored for `app`: no enrollment, no outbox row.
  void ExpectNothingStored(const std::string& app) {
    EXPECT_EQ(Scalar("SELECT count(*) FROM enrollments WHERE application_id = '" + app + "'"), "0");
    EXPECT_EQ(Scalar("SELECT count(*) FROM outbox"), "0");
  }
};

TEST_F(ProfileTest, AnOuLongerThan64CharactersIsRefusedWithTheBilingualViolation) {
  v1::Enrollment e;
  grpc::Status s = Start("app-1", TestApplicant("3171014101900001", "DP3AP2KB", kLongUnitName), &e);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  std::vector<FieldViolation> v = Violations(s);
  std::optional<FieldViolation> ou = Find(v, "applicant.certificate_ou");
  ASSERT_TRUE(ou.has_value()) << s.error_message();
  EXPECT_EQ(ou->reason, "TOO_LONG");
  EXPECT_TRUE(absl::StrContains(ou->description, "64")) << ou->description;
  EXPECT_TRUE(absl::StrContains(ou->description_id, "paling banyak 64")) << ou->description_id;
  // The same rule object intake applies at step 1 gives the same violation.
  std::optional<FieldViolation> same =
      CheckField("applicant.certificate_ou", field_rules::kCertificateOu, kLongUnitName, true);
  ASSERT_TRUE(same.has_value());
  EXPECT_EQ(ou->description, same->description);
  EXPECT_EQ(ou->description_id, same->description_id);
  ExpectNothingStored("app-1");

  // An older caller that sends the name as the unit (no certificate_ou): the unit is the OU.
  v1::Applicant old = TestApplicant("3171014101900001", kLongUnitName, "");
  s = Start("app-2", old, &e);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::optional<FieldViolation> unit = Find(Violations(s), "applicant.unit");
  ASSERT_TRUE(unit.has_value()) << s.error_message();
  EXPECT_EQ(unit->reason, "TOO_LONG");
  ExpectNothingStored("app-2");
}

TEST_F(ProfileTest, TheLongestNameAndOuStepOneAcceptsReachTheCertificate) {
  ASSERT_EQ(CountCodePoints(kLongestName), 64u);
  ASSERT_GT(std::string(kLongestName).size(), 64u);
  ASSERT_EQ(CountCodePoints(kLongestOu), 64u);
  v1::Applicant a = TestApplicant("3171014101900001", "DP3AP2KB", kLongestOu);
  a.set_full_name(kLongestName);
  v1::Certificate c = Issue("app-1", a);
  ASSERT_FALSE(c.certificate_pem().empty());
  EXPECT_EQ(c.full_name(), kLongestName);
  EXPECT_EQ(c.unit(), "DP3AP2KB");
  absl::StatusOr<X509Ptr> x509 = LoadCertificatePem(c.certificate_pem());
  ASSERT_TRUE(x509.ok()) << x509.status();
  CertificateFacts facts = CertificateMatcher::ReadFacts(x509->get());
  EXPECT_EQ(facts.full_name, kLongestName);
  EXPECT_EQ(facts.unit, kLongestOu);
  v1::CheckResult r;
  ASSERT_TRUE(Check(c.certificate_pem(), &r, a.nik()).ok());
  EXPECT_TRUE(r.ok()) << r.DebugString();
  v1::Enrollment e;
  ASSERT_TRUE(HandOver("app-1", v1::CHANNEL_EMAIL, &e).ok());
  EXPECT_EQ(e.status(), v1::ENROLLMENT_STATUS_HANDED_OVER);
  EXPECT_EQ(e.applicant().unit(), "DP3AP2KB");
  EXPECT_EQ(e.applicant().certificate_ou(), kLongestOu);
}

TEST_F(ProfileTest, ANameOneCharacterTooLongOrNotANameIsRefusedOnTheFullName) {
  v1::Applicant a = TestApplicant();
  a.set_full_name(std::string(kLongestName) + "a");
  v1::Enrollment e;
  grpc::Status s = Start("app-1", a, &e);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::optional<FieldViolation> name = Find(Violations(s), "applicant.full_name");
  ASSERT_TRUE(name.has_value()) << s.error_message();
  EXPECT_EQ(name->reason, "TOO_LONG");
  EXPECT_FALSE(name->description_id.empty());
  a.set_full_name("Siti\nAminah");
  s = Start("app-1", a, &e);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(Find(Violations(s), "applicant.full_name").has_value());
  ExpectNothingStored("app-1");
}

TEST_F(ProfileTest, WithTheRegistrysOuTheUnitMustBeACode) {
  v1::Enrollment e;
  grpc::Status s =
      Start("app-1", TestApplicant("3171014101900001", "Dinas Kominfo", "Dinas Kominfo"), &e);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::optional<FieldViolation> unit = Find(Violations(s), "applicant.unit");
  ASSERT_TRUE(unit.has_value()) << s.error_message();
  EXPECT_EQ(unit->reason, "NOT_A_CODE");
  ExpectNothingStored("app-1");
}

TEST_F(ProfileTest, AnOlderCallersUnitIsTheOu) {
  v1::Certificate c = Issue("app-1", TestApplicant("3171014101900001", "Dinas Kominfo", ""));
  EXPECT_EQ(c.unit(), "Dinas Kominfo");
  EXPECT_TRUE(absl::StrContains(c.subject(), "OU=Dinas Kominfo")) << c.subject();
  // A redelivery of the same request is the same holder: no conflict, no second code.
  v1::Enrollment e;
  ASSERT_TRUE(Start("app-1", TestApplicant("3171014101900001", "Dinas Kominfo", ""), &e).ok());
}

// The SOP's figure counts people: one person with valid certificates in two units counts once
// at the top, once in each unit.
TEST_F(ProfileTest, StatisticsGroupByUnitCodeAndCountDistinctPeople) {
  Issue("app-a", TestApplicant("3171014101900001", "DISKOMINFO", "Dinas Kominfo"));
  Issue("app-b", TestApplicant("3171014101900001", "DINKES", "Dinas Kesehatan"));
  Issue("app-c", TestApplicant("3171014101900002", "DISKOMINFO", "Dinas Kominfo"));
  clock_.Advance(absl::Minutes(1));
  v1::Statistics st = Stats(clock_.Now());
  EXPECT_EQ(st.holders_with_valid_certificate(), 2);  // not 3, the sum of the units
  EXPECT_EQ(st.issued_total(), 3);
  ASSERT_EQ(st.by_unit_size(), 2);
  EXPECT_EQ(st.by_unit(0).unit(), "DINKES");
  EXPECT_EQ(st.by_unit(0).holders_with_valid_certificate(), 1);
  EXPECT_EQ(st.by_unit(1).unit(), "DISKOMINFO");
  EXPECT_EQ(st.by_unit(1).holders_with_valid_certificate(), 2);
  EXPECT_EQ(Stats(clock_.Now(), "DISKOMINFO").holders_with_valid_certificate(), 2);
  EXPECT_EQ(Stats(clock_.Now(), "DINKES").holders_with_valid_certificate(), 1);

  // A second application of the same person after a revoke, in the same unit: still one person.
  v1::Certificate a;
  v1::GetCertificateRequest g;
  g.set_application_id("app-a");
  auto ctx = Ctx(Token("AUDITOR"));
  ASSERT_TRUE(stub_->GetCertificate(ctx.get(), g, &a).ok());
  v1::Certificate revoked;
  ASSERT_TRUE(Revoke(a.serial(), v1::REVOCATION_REASON_SUPERSEDED, &revoked).ok());
  Issue("app-d", TestApplicant("3171014101900001", "DISKOMINFO", "Dinas Kominfo"));
  clock_.Advance(absl::Minutes(1));
  st = Stats(clock_.Now());
  EXPECT_EQ(st.holders_with_valid_certificate(), 2);
  EXPECT_EQ(st.issued_total(), 4);
  EXPECT_EQ(st.revoked_total(), 1);
  EXPECT_EQ(Stats(clock_.Now(), "DISKOMINFO").holders_with_valid_certificate(), 2);

  // The filter is a code.
  v1::GetStatisticsRequest req;
  req.set_unit("Dinas Kominfo");
  v1::Statistics out;
  auto ctx2 = Ctx(Token("AUDITOR"));
  EXPECT_EQ(stub_->GetStatistics(ctx2.get(), req, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// Intake learns every step (common/progress_report.h), ordered by the enrollment's version; a
// resend keeps AWAITING_PASSPHRASE and reports nothing.
TEST_F(ProfileTest, EveryEnrollmentChangeReportsItsProgressToIntake) {
  v1::Enrollment e;
  ASSERT_TRUE(Start("app-1", TestApplicant(), &e).ok());
  DeliverOutbox();
  std::vector<v1::RecordProgressRequest> r = intake_.reports("app-1");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].source(), v1::PROGRESS_SOURCE_CERTIFICATE);
  EXPECT_EQ(r[0].status(), v1::APPLICATION_STATUS_AWAITING_PASSPHRASE);
  EXPECT_EQ(r[0].current_step(), v1::STEP_PASSPHRASE);
  EXPECT_EQ(r[0].version(), e.version());
  EXPECT_EQ(r[0].request_id(), absl::StrCat("certificate:progress:app-1:", e.version()));

  ASSERT_TRUE(Resend(Token("VERIFIER"), "app-1", "resend-1", &e).ok());
  std::string code = LatestCode("app-1");
  EXPECT_EQ(intake_.reports("app-1").size(), 1u);

  v1::Certificate c;
  ASSERT_TRUE(SetPassphrase(ApplicantToken(), "app-1", code, kPassphrase, &c).ok());
  ASSERT_TRUE(HandOver("app-1", v1::CHANNEL_EMAIL, &e).ok());
  const int64_t handed_over = e.version();
  v1::Certificate revoked;
  ASSERT_TRUE(Revoke(c.serial(), v1::REVOCATION_REASON_CESSATION_OF_OPERATION, &revoked).ok());
  const int64_t revoked_version = Enrollment("app-1").version();
  DeliverOutbox();
  r = intake_.reports("app-1");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[1].status(), v1::APPLICATION_STATUS_ISSUED);
  EXPECT_EQ(r[1].current_step(), v1::STEP_HANDOVER);
  EXPECT_EQ(r[2].status(), v1::APPLICATION_STATUS_HANDED_OVER);
  EXPECT_EQ(r[2].version(), handed_over);
  EXPECT_EQ(r[3].status(), v1::APPLICATION_STATUS_REVOKED);
  EXPECT_EQ(r[3].current_step(), v1::STEP_HANDOVER);
  EXPECT_EQ(r[3].version(), revoked_version);
  for (size_t i = 1; i < r.size(); ++i) {
    EXPECT_GT(r[i].version(), r[i - 1].version()) << i;
    EXPECT_EQ(r[i].source(), v1::PROGRESS_SOURCE_CERTIFICATE);
  }
  // Each report was written with its change: one outbox row each, all delivered.
  EXPECT_EQ(Scalar("SELECT count(*) FROM outbox WHERE topic = 'intake.RecordProgress'"), "4");
  EXPECT_EQ(Scalar("SELECT count(*) FROM outbox WHERE status <> 'DELIVERED'"), "0");
}

}  // namespace
}  // namespace sertel::certificate::testing
