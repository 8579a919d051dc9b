// The whole-SOP status: the certificate's enrollment wins over the case, the case over intake's
// SUBMITTED; intake's WITHDRAWN is final; the timelines merge by time. (The resubmit / withdraw
// preconditions are application_lifecycle_test.cc's.)
#include "sop_status.h"

#include "gtest/gtest.h"

namespace sertel::intake {
namespace {

TimelineRecord Entry(int step, const std::string& action, int64_t at_seconds) {
  TimelineRecord e;
  e.step = step;
  e.action = action;
  e.at = absl::FromUnixSeconds(at_seconds);
  return e;
}

IntakeView Submitted() {
  IntakeView v;
  v.status = ApplicationStatus::kSubmitted;
  v.timeline.push_back(Entry(kStepSubmission, "SUBMITTED", 100));
  return v;
}

// sertel.v1.Step numbers.
constexpr int kHeadOfAgency = 2, kHeadOfDivision = 3, kHeadOfSection = 4, kVerification = 5;

CaseView CaseWith(CaseStatus status, int step) {
  CaseView c;
  c.status = status;
  c.current_step = step;
  c.step_entered_at = absl::FromUnixSeconds(300);
  c.timeline.push_back(Entry(kHeadOfAgency, "OPENED", 200));
  c.timeline.push_back(Entry(kHeadOfAgency, "FORWARDED", 300));
  return c;
}

TEST(SopStatusTest, WithoutDownstreamKnowledgeIntakesOwnViewIsReported) {
  SopView v = SopStatus::Merge(Submitted(), nullptr, nullptr);
  EXPECT_EQ(v.status, ApplicationStatus::kSubmitted);
  EXPECT_EQ(v.current_step, kStepSubmission);
  ASSERT_EQ(v.timeline.size(), 1u);
  EXPECT_EQ(v.timeline[0].action, "SUBMITTED");
}

TEST(SopStatusTest, CaseStatusAndStepWinOverSubmitted) {
  CaseView c = CaseWith(CaseStatus::kInReview, kHeadOfDivision);
  SopView v = SopStatus::Merge(Submitted(), &c, nullptr);
  EXPECT_EQ(v.status, ApplicationStatus::kInReview);
  EXPECT_EQ(v.current_step, kHeadOfDivision);
}

TEST(SopStatusTest, EnrollmentStatusWinsOverCaseStatus) {
  CaseView c = CaseWith(CaseStatus::kSentToCa, kVerification);
  EnrollmentView e;
  e.status = EnrollmentStatus::kIssued;
  e.current_step = kStepHandover;
  SopView v = SopStatus::Merge(Submitted(), &c, &e);
  EXPECT_EQ(v.status, ApplicationStatus::kIssued);
  EXPECT_EQ(v.current_step, kStepHandover);
}

TEST(SopStatusTest, EnrollmentWithoutStepAwaitingPassphraseIsStepSix) {
  EnrollmentView e;
  e.status = EnrollmentStatus::kAwaitingPassphrase;
  SopView v = SopStatus::Merge(Submitted(), nullptr, &e);
  EXPECT_EQ(v.status, ApplicationStatus::kAwaitingPassphrase);
  EXPECT_EQ(v.current_step, kStepPassphrase);
}

TEST(SopStatusTest, UnspecifiedDownstreamStatusesFallBackToTheNextSource) {
  CaseView c = CaseWith(CaseStatus::kUnspecified, kStepUnspecified);
  EnrollmentView e;  // UNSPECIFIED
  SopView v = SopStatus::Merge(Submitted(), &c, &e);
  EXPECT_EQ(v.status, ApplicationStatus::kSubmitted);
  EXPECT_EQ(v.current_step, kStepSubmission);
}

TEST(SopStatusTest, IntakeWithdrawnStaysWithdrawnWhileTheCaseHasNotHeardOfIt) {
  IntakeView own = Submitted();
  own.status = ApplicationStatus::kWithdrawn;
  CaseView c = CaseWith(CaseStatus::kInReview, kHeadOfAgency);
  EXPECT_EQ(SopStatus::Merge(own, &c, nullptr).status, ApplicationStatus::kWithdrawn);
}

TEST(SopStatusTest, TimelinesOfAllThreeServicesAreSortedByTime) {
  IntakeView own = Submitted();
  own.timeline.push_back(Entry(kStepSubmission, "RESUBMITTED", 250));
  CaseView c = CaseWith(CaseStatus::kSentToCa, kVerification);
  EnrollmentView e;
  e.status = EnrollmentStatus::kAwaitingPassphrase;
  e.timeline.push_back(Entry(kVerification, "SENT_TO_CA", 150));
  SopView v = SopStatus::Merge(own, &c, &e);
  std::vector<std::string> actions;
  for (const auto& t : v.timeline) actions.push_back(t.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"SUBMITTED", "SENT_TO_CA", "OPENED", "RESUBMITTED",
                                               "FORWARDED"}));
}

TEST(SopStatusTest, ReturnedCaseCarriesReasonAndMissingDocuments) {
  CaseView c = CaseWith(CaseStatus::kReturned, kHeadOfSection);
  c.return_reason = "KTP tidak terbaca";
  c.missing_documents.push_back(3);  // KTP_COPY
  SopView v = SopStatus::Merge(Submitted(), &c, nullptr);
  EXPECT_EQ(v.status, ApplicationStatus::kReturned);
  EXPECT_EQ(v.return_reason, "KTP tidak terbaca");
  ASSERT_EQ(v.missing_documents.size(), 1u);
  EXPECT_EQ(v.missing_documents[0], 3);  // KTP_COPY
}

TEST(SopStatusTest, ReturnedCaseResubmittedSinceIsReportedInReview) {
  IntakeView own = Submitted();
  own.last_resubmitted_at = absl::FromUnixSeconds(400);  // after step_entered_at (300)
  CaseView c = CaseWith(CaseStatus::kReturned, kHeadOfSection);
  EXPECT_EQ(SopStatus::Merge(own, &c, nullptr).status, ApplicationStatus::kInReview);
  own.last_resubmitted_at = absl::FromUnixSeconds(200);  // an earlier return's resubmission
  EXPECT_EQ(SopStatus::Merge(own, &c, nullptr).status, ApplicationStatus::kReturned);
}

TEST(SopStatusTest, OwnViewIsStepOneWithNoWaitAgainstTheStandardTime) {
  ApplicationRecord a;
  a.status = ApplicationStatus::kWithdrawn;
  a.last_resubmitted_at = absl::FromUnixSeconds(50);
  a.timeline.push_back(Entry(kStepSubmission, "SUBMITTED", 10));
  IntakeView own = SopStatus::OwnView(a);
  EXPECT_EQ(own.status, ApplicationStatus::kWithdrawn);
  EXPECT_EQ(own.last_resubmitted_at, absl::FromUnixSeconds(50));
  ASSERT_EQ(own.timeline.size(), 1u);
  EXPECT_EQ(own.timeline[0].duration, absl::ZeroDuration());
  EXPECT_EQ(own.timeline[0].standard_duration, absl::Minutes(15));
  EXPECT_TRUE(own.timeline[0].within_standard);
}

}  // namespace
}  // namespace sertel::intake
