// Intake's mirror of the later steps without a database: reports are checked (a status the
// source can report, a step, a version, a time), applied per source in version order (a late or
// repeated report changes nothing), and the status across the SOP is derived from them by the
// same rule as GetApplication's (the certificate's report wins over the case's, which wins over
// intake's SUBMITTED; intake's WITHDRAWN stays unless the certificate reported).
#include "progress_mirror.h"

#include <set>

#include "common/field_violations.h"
#include "gtest/gtest.h"

namespace sertel::intake {
namespace {

constexpr char kId[] = "6f1c2a8e-0000-4000-8000-000000000001";
const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

ProgressInput Report(int source, int64_t version, ApplicationStatus status, int step,
                     absl::Time at = kT0) {
  return {.application_id = kId,
          .source = source,
          .version = version,
          .status = status,
          .step = step,
          .at = at,
          .request_id = "disposition:progress:x:1"};
}
ProgressInput Case(int64_t version, ApplicationStatus status, int step, absl::Time at = kT0) {
  return Report(kProgressFromDisposition, version, status, step, at);
}
ProgressInput Enrollment(int64_t version, ApplicationStatus status, int step) {
  return Report(kProgressFromCertificate, version, status, step);
}

std::set<std::string> Fields(const absl::Status& s) {
  std::set<std::string> out;
  for (const FieldViolation& v : FieldViolations::FromStatus(s)) out.insert(v.field);
  return out;
}

ApplicationRecord Submitted() {
  ApplicationRecord a;
  a.id = kId;
  a.status = ApplicationStatus::kSubmitted;
  return a;
}

// Applies `in` to `a` and derives again; whether it changed anything.
bool Apply(ApplicationRecord& a, const ProgressInput& in) {
  EXPECT_TRUE(CheckProgressReport(in).ok()) << CheckProgressReport(in);
  bool changed = ApplyProgressReport(in, &a.progress);
  Rederive(&a);
  return changed;
}

TEST(ProgressMirrorTest, AReportNamesAStatusItsSourceCanHaveAStepAVersionAndATime) {
  EXPECT_TRUE(CheckProgressReport(Case(1, ApplicationStatus::kInReview, 2)).ok());
  EXPECT_TRUE(CheckProgressReport(Enrollment(1, ApplicationStatus::kAwaitingPassphrase, 6)).ok());
  // A case is never HANDED_OVER, an enrollment never RETURNED.
  EXPECT_EQ(Fields(CheckProgressReport(Case(1, ApplicationStatus::kHandedOver, 7))),
            std::set<std::string>{"status"});
  EXPECT_EQ(Fields(CheckProgressReport(Enrollment(1, ApplicationStatus::kReturned, 3))),
            std::set<std::string>{"status"});
  EXPECT_EQ(Fields(CheckProgressReport(Case(1, ApplicationStatus::kSubmitted, 1))),
            std::set<std::string>{"status"});
  ProgressInput bad = Case(0, ApplicationStatus::kInReview, 8);
  bad.application_id = "'; DROP TABLE applications; --";
  bad.at.reset();
  bad.request_id = "has space";
  EXPECT_EQ(
      Fields(CheckProgressReport(bad)),
      (std::set<std::string>{"application_id", "version", "current_step", "at", "request_id"}));
  EXPECT_EQ(Fields(CheckProgressReport(Report(0, 1, ApplicationStatus::kInReview, 2))),
            std::set<std::string>{"source"});
}

TEST(ProgressMirrorTest, ReportsApplyInVersionOrderPerSourceAndRepeatsChangeNothing) {
  ApplicationRecord a = Submitted();
  EXPECT_EQ(a.sop_status, ApplicationStatus::kSubmitted);
  EXPECT_TRUE(Apply(a, Case(1, ApplicationStatus::kInReview, 2)));
  EXPECT_TRUE(Apply(a, Case(3, ApplicationStatus::kInReview, 4)));
  // Version 2 arrives late, version 3 again: nothing changes.
  EXPECT_FALSE(Apply(a, Case(2, ApplicationStatus::kInReview, 3)));
  EXPECT_FALSE(Apply(a, Case(3, ApplicationStatus::kReturned, 4)));
  EXPECT_EQ(a.progress.case_version, 3);
  EXPECT_EQ(a.sop_status, ApplicationStatus::kInReview);
  EXPECT_EQ(a.sop_step, 4);
  // The enrollment's versions are its own: its version 1 is newer than nothing.
  EXPECT_TRUE(Apply(a, Enrollment(1, ApplicationStatus::kAwaitingPassphrase, 6)));
  EXPECT_EQ(a.progress.case_version, 3);
  EXPECT_EQ(a.progress.enrollment_version, 1);
}

TEST(ProgressMirrorTest, TheCertificateWinsOverTheCaseWhichWinsOverSubmitted) {
  ApplicationRecord a = Submitted();
  Apply(a, Case(1, ApplicationStatus::kInReview, 2));
  EXPECT_EQ(a.sop_status, ApplicationStatus::kInReview);
  EXPECT_EQ(a.sop_step, 2);
  // The enrollment's report can arrive before the case's SENT_TO_CA: it wins anyway.
  Apply(a, Enrollment(2, ApplicationStatus::kIssued, 7));
  EXPECT_EQ(a.sop_status, ApplicationStatus::kIssued);
  EXPECT_EQ(a.sop_step, 7);
  Apply(a, Case(9, ApplicationStatus::kSentToCa, 5));
  EXPECT_EQ(a.sop_status, ApplicationStatus::kIssued);
  Apply(a, Enrollment(3, ApplicationStatus::kHandedOver, 7));
  EXPECT_EQ(a.sop_status, ApplicationStatus::kHandedOver);
  EXPECT_FALSE(IsOpenStatus(a.sop_status));
  Apply(a, Enrollment(4, ApplicationStatus::kRevoked, 7));
  EXPECT_EQ(a.sop_status, ApplicationStatus::kRevoked);
}

TEST(ProgressMirrorTest, IntakesWithdrawnStaysUnlessTheCertificateReported) {
  ApplicationRecord a = Submitted();
  a.status = ApplicationStatus::kWithdrawn;
  Apply(a, Case(2, ApplicationStatus::kInReview, 3));  // an older report, delivered late
  EXPECT_EQ(a.sop_status, ApplicationStatus::kWithdrawn);
  EXPECT_EQ(a.sop_step, 1);
  Apply(a, Enrollment(1, ApplicationStatus::kAwaitingPassphrase, 6));
  EXPECT_EQ(a.sop_status, ApplicationStatus::kAwaitingPassphrase);
  EXPECT_EQ(a.sop_step, 6);
}

TEST(ProgressMirrorTest, ACaseWithdrawnOrRejectedDownstreamClosesTheApplication) {
  for (ApplicationStatus final_status :
       {ApplicationStatus::kWithdrawn, ApplicationStatus::kRejected}) {
    ApplicationRecord a = Submitted();
    Apply(a, Case(4, final_status, 3));
    EXPECT_EQ(a.sop_status, final_status);
    EXPECT_EQ(a.sop_step, 3);
    EXPECT_FALSE(IsOpenStatus(a.sop_status));
  }
}

TEST(ProgressMirrorTest, AReturnedCaseWithTheDocumentsBackSinceIsInReview) {
  ApplicationRecord a = Submitted();
  Apply(a, Case(3, ApplicationStatus::kReturned, 4, kT0));
  EXPECT_EQ(a.sop_status, ApplicationStatus::kReturned);
  a.last_resubmitted_at = kT0 + absl::Minutes(2);
  Rederive(&a);
  EXPECT_EQ(a.sop_status, ApplicationStatus::kInReview);
  EXPECT_EQ(a.sop_step, 4);
  // Returned again later (after an earlier resubmission): RETURNED.
  Apply(a, Case(5, ApplicationStatus::kReturned, 4, kT0 + absl::Minutes(30)));
  EXPECT_EQ(a.sop_status, ApplicationStatus::kReturned);
}

TEST(ProgressMirrorTest, TheMirroredCaseAndEnrollmentAreWhatWasReported) {
  ApplicationRecord a = Submitted();
  EXPECT_FALSE(MirroredCase(a).has_value());
  EXPECT_FALSE(MirroredEnrollment(a).has_value());
  Apply(a, Case(3, ApplicationStatus::kSentToCa, 5));
  std::optional<CaseView> c = MirroredCase(a);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->status, CaseStatus::kSentToCa);
  EXPECT_EQ(c->current_step, 5);
  EXPECT_EQ(c->version, 3);
  Apply(a, Enrollment(1, ApplicationStatus::kAwaitingPassphrase, 6));
  std::optional<EnrollmentView> e = MirroredEnrollment(a);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->status, EnrollmentStatus::kAwaitingPassphrase);
  EXPECT_EQ(e->current_step, 6);
}

}  // namespace
}  // namespace sertel::intake
