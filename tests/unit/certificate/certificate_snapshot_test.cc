// CheckCertificate's in-memory snapshot (issue 22): nothing answers before the first load, a
// version not confirmed fresh within max_staleness is UNAVAILABLE (bounded staleness), a change
// of some NIKs replaces their rows only, and a reader keeps the version it took while a writer
// publishes the next.
#include "certificate_snapshot.h"

#include "gtest/gtest.h"

namespace sertel::certificate {
namespace {

HolderRecord Holder(const std::string& nik, const std::string& name) {
  return {.nik = nik, .full_name = name, .email = "x@kota.go.id", .unit = "DISKOMINFO"};
}

SnapshotCertificate Certificate(const std::string& serial, const std::string& nik) {
  SnapshotCertificate c;
  c.certificate.serial = serial;
  c.certificate.nik = nik;
  c.certificate.sha256_fingerprint = "fp-" + serial;
  c.holder = Holder(nik, "Siti");
  return c;
}

class CertificateSnapshotTest : public ::testing::Test {
 protected:
  FakeClock clock_{absl::FromUnixSeconds(1800000000)};
  CertificateSnapshot snapshot_{absl::Seconds(10), &clock_};
};

TEST_F(CertificateSnapshotTest, NothingAnswersBeforeTheFirstLoad) {
  absl::StatusOr<CertificateSnapshot::Version> v = snapshot_.Current();
  EXPECT_TRUE(absl::IsUnavailable(v.status())) << v.status();
  snapshot_.ConfirmFresh(clock_.Now());  // a confirmation without data is no load
  EXPECT_TRUE(absl::IsUnavailable(snapshot_.Current().status()));
}

TEST_F(CertificateSnapshotTest, AVersionNotConfirmedWithinMaxStalenessIsUnavailable) {
  snapshot_.ReplaceAll({.certificates = {Certificate("a1", "3171014101900001")}}, clock_.Now());
  clock_.Advance(absl::Seconds(10));
  ASSERT_TRUE(snapshot_.Current().ok()) << snapshot_.Current().status();
  clock_.Advance(absl::Seconds(1));
  absl::StatusOr<CertificateSnapshot::Version> stale = snapshot_.Current();
  ASSERT_TRUE(absl::IsUnavailable(stale.status())) << stale.status();
  EXPECT_NE(stale.status().message().find("not current"), std::string::npos);
  snapshot_.ConfirmFresh(clock_.Now() - absl::Seconds(2));
  ASSERT_TRUE(snapshot_.Current().ok());
  // An older confirmation never moves freshness back.
  snapshot_.ConfirmFresh(clock_.Now() - absl::Minutes(5));
  EXPECT_EQ(snapshot_.fresh_as_of(), clock_.Now() - absl::Seconds(2));
}

TEST_F(CertificateSnapshotTest, AChangeOfSomeNiksReplacesTheirRowsOnly) {
  const std::string siti = "3171014101900001", budi = "3171014101900002";
  snapshot_.ReplaceAll({.certificates = {Certificate("a1", siti), Certificate("b1", budi)},
                        .latest_holders = {Holder(siti, "Siti"), Holder(budi, "Budi")}},
                       clock_.Now());
  SnapshotCertificate revoked = Certificate("a1", siti);
  revoked.certificate.revoked_at = clock_.Now();
  // Siti's rows again: her first certificate revoked, a second one, a new latest enrollment.
  snapshot_.ReplaceNiks({siti}, {.certificates = {revoked, Certificate("a2", siti)},
                                 .latest_holders = {Holder(siti, "Siti Aminah")}});
  absl::StatusOr<CertificateSnapshot::Version> v = snapshot_.Current();
  ASSERT_TRUE(v.ok());
  ASSERT_NE((*v)->Find("a1"), nullptr);
  EXPECT_TRUE((*v)->Find("a1")->certificate.revoked_at.has_value());
  ASSERT_NE((*v)->Find("a2"), nullptr);
  ASSERT_NE((*v)->Find("b1"), nullptr);
  EXPECT_EQ((*v)->certificates(), 3u);
  EXPECT_EQ((*v)->LatestHolder(siti)->full_name, "Siti Aminah");
  EXPECT_EQ((*v)->LatestHolder(budi)->full_name, "Budi");
  EXPECT_EQ((*v)->Find("zz"), nullptr);
  // A NIK read again without a latest holder loses it.
  snapshot_.ReplaceNiks({budi}, {});
  EXPECT_EQ((*snapshot_.Current())->LatestHolder(budi), nullptr);
}

TEST_F(CertificateSnapshotTest, AReaderKeepsTheVersionItTook) {
  const std::string siti = "3171014101900001";
  snapshot_.ReplaceAll({.certificates = {Certificate("a1", siti)}}, clock_.Now());
  CertificateSnapshot::Version taken = *snapshot_.Current();
  SnapshotCertificate revoked = Certificate("a1", siti);
  revoked.certificate.revoked_at = clock_.Now();
  snapshot_.ReplaceNiks({siti}, {.certificates = {revoked}});
  EXPECT_FALSE(taken->Find("a1")->certificate.revoked_at.has_value());
  EXPECT_TRUE((*snapshot_.Current())->Find("a1")->certificate.revoked_at.has_value());
}

TEST_F(CertificateSnapshotTest, AFullReloadDropsWhatIsGone) {
  snapshot_.ReplaceAll({.certificates = {Certificate("a1", "3171014101900001")}}, clock_.Now());
  snapshot_.ReplaceAll({.certificates = {Certificate("b1", "3171014101900002")}}, clock_.Now());
  CertificateSnapshot::Version v = *snapshot_.Current();
  EXPECT_EQ(v->Find("a1"), nullptr);
  EXPECT_NE(v->Find("b1"), nullptr);
}

}  // namespace
}  // namespace sertel::certificate
