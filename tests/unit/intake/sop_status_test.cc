// The whole-SOP status: the certificate's enrollment wins over the case, the case over intake's
// SUBMITTED; intake's WITHDRAWN is final; the timelines merge by time; and the resubmit /
// withdraw preconditions.
#include "sop_status.h"

#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"

namespace sertel::intake {
namespace {

using google::protobuf::util::TimeUtil;

v1::TimelineEntry Entry(v1::Step step, const std::string& action, int64_t at_seconds) {
  v1::TimelineEntry e;
  e.set_step(step);
  e.set_action(action);
  *e.mutable_at() = TimeUtil::SecondsToTimestamp(at_seconds);
  return e;
}

IntakeView Submitted() {
  IntakeView v;
  v.status = v1::APPLICATION_STATUS_SUBMITTED;
  v.timeline.push_back(Entry(v1::STEP_SUBMISSION, "SUBMITTED", 100));
  return v;
}

v1::Case CaseWith(v1::CaseStatus status, v1::Step step) {
  v1::Case c;
  c.set_status(status);
  c.set_current_step(step);
  *c.mutable_step_entered_at() = TimeUtil::SecondsToTimestamp(300);
  *c.add_timeline() = Entry(v1::STEP_HEAD_OF_AGENCY_REVIEW, "OPENED", 200);
  *c.add_timeline() = Entry(v1::STEP_HEAD_OF_AGENCY_REVIEW, "FORWARDED", 300);
  return c;
}

TEST(SopStatusTest, WithoutDownstreamKnowledgeIntakesOwnViewIsReported) {
  SopView v = SopStatus::Merge(Submitted(), nullptr, nullptr);
  EXPECT_EQ(v.status, v1::APPLICATION_STATUS_SUBMITTED);
  EXPECT_EQ(v.current_step, v1::STEP_SUBMISSION);
  ASSERT_EQ(v.timeline.size(), 1u);
  EXPECT_EQ(v.timeline[0].action(), "SUBMITTED");
}

TEST(SopStatusTest, CaseStatusAndStepWinOverSubmitted) {
  v1::Case c = CaseWith(v1::CASE_STATUS_IN_REVIEW, v1::STEP_HEAD_OF_DIVISION_REVIEW);
  SopView v = SopStatus::Merge(Submitted(), &c, nullptr);
  EXPECT_EQ(v.status, v1::APPLICATION_STATUS_IN_REVIEW);
  EXPECT_EQ(v.current_step, v1::STEP_HEAD_OF_DIVISION_REVIEW);
}

TEST(SopStatusTest, EnrollmentStatusWinsOverCaseStatus) {
  v1::Case c = CaseWith(v1::CASE_STATUS_SENT_TO_CA, v1::STEP_VERIFICATION);
  v1::Enrollment e;
  e.set_status(v1::ENROLLMENT_STATUS_ISSUED);
  e.set_current_step(v1::STEP_HANDOVER);
  SopView v = SopStatus::Merge(Submitted(), &c, &e);
  EXPECT_EQ(v.status, v1::APPLICATION_STATUS_ISSUED);
  EXPECT_EQ(v.current_step, v1::STEP_HANDOVER);
}

TEST(SopStatusTest, EnrollmentWithoutStepAwaitingPassphraseIsStepSix) {
  v1::Enrollment e;
  e.set_status(v1::ENROLLMENT_STATUS_AWAITING_PASSPHRASE);
  SopView v = SopStatus::Merge(Submitted(), nullptr, &e);
  EXPECT_EQ(v.status, v1::APPLICATION_STATUS_AWAITING_PASSPHRASE);
  EXPECT_EQ(v.current_step, v1::STEP_PASSPHRASE);
}

TEST(SopStatusTest, UnspecifiedDownstreamStatusesFallBackToTheNextSource) {
  v1::Case c = CaseWith(v1::CASE_STATUS_UNSPECIFIED, v1::STEP_UNSPECIFIED);
  v1::Enrollment e;  // UNSPECIFIED
  SopView v = SopStatus::Merge(Submitted(), &c, &e);
  EXPECT_EQ(v.status, v1::APPLICATION_STATUS_SUBMITTED);
  EXPECT_EQ(v.current_step, v1::STEP_SUBMISSION);
}

TEST(SopStatusTest, IntakeWithdrawnStaysWithdrawnWhileTheCaseHasNotHeardOfIt) {
  IntakeView own = Submitted();
  own.status = v1::APPLICATION_STATUS_WITHDRAWN;
  v1::Case c = CaseWith(v1::CASE_STATUS_IN_REVIEW, v1::STEP_HEAD_OF_AGENCY_REVIEW);
  EXPECT_EQ(SopStatus::Merge(own, &c, nullptr).status, v1::APPLICATION_STATUS_WITHDRAWN);
}

TEST(SopStatusTest, TimelinesOfAllThreeServicesAreSortedByTime) {
  IntakeView own = Submitted();
  own.timeline.push_back(Entry(v1::STEP_SUBMISSION, "RESUBMITTED", 250));
  v1::Case c = CaseWith(v1::CASE_STATUS_SENT_TO_CA, v1::STEP_VERIFICATION);
  v1::Enrollment e;
  e.set_status(v1::ENROLLMENT_STATUS_AWAITING_PASSPHRASE);
  *e.add_timeline() = Entry(v1::STEP_VERIFICATION, "SENT_TO_CA", 150);
  SopView v = SopStatus::Merge(own, &c, &e);
  std::vector<std::string> actions;
  for (const auto& t : v.timeline) actions.push_back(t.action());
  EXPECT_EQ(actions, (std::vector<std::string>{"SUBMITTED", "SENT_TO_CA", "OPENED", "RESUBMITTED",
                                               "FORWARDED"}));
}

TEST(SopStatusTest, ReturnedCaseCarriesReasonAndMissingDocuments) {
  v1::Case c = CaseWith(v1::CASE_STATUS_RETURNED, v1::STEP_HEAD_OF_SECTION_REVIEW);
  c.set_return_reason("KTP tidak terbaca");
  c.add_missing_documents(v1::DOCUMENT_KIND_KTP_COPY);
  SopView v = SopStatus::Merge(Submitted(), &c, nullptr);
  EXPECT_EQ(v.status, v1::APPLICATION_STATUS_RETURNED);
  EXPECT_EQ(v.return_reason, "KTP tidak terbaca");
  ASSERT_EQ(v.missing_documents.size(), 1u);
  EXPECT_EQ(v.missing_documents[0], v1::DOCUMENT_KIND_KTP_COPY);
}

TEST(SopStatusTest, ReturnedCaseResubmittedSinceIsReportedInReview) {
  IntakeView own = Submitted();
  own.last_resubmitted_at = absl::FromUnixSeconds(400);  // after step_entered_at (300)
  v1::Case c = CaseWith(v1::CASE_STATUS_RETURNED, v1::STEP_HEAD_OF_SECTION_REVIEW);
  EXPECT_EQ(SopStatus::Merge(own, &c, nullptr).status, v1::APPLICATION_STATUS_IN_REVIEW);
  own.last_resubmitted_at = absl::FromUnixSeconds(200);  // an earlier return's resubmission
  EXPECT_EQ(SopStatus::Merge(own, &c, nullptr).status, v1::APPLICATION_STATUS_RETURNED);
}

TEST(SopStatusTest, ResubmitOnlyWhenTheCaseIsReturned) {
  v1::Case returned = CaseWith(v1::CASE_STATUS_RETURNED, v1::STEP_HEAD_OF_AGENCY_REVIEW);
  EXPECT_TRUE(SopStatus::CheckCanResubmit(v1::APPLICATION_STATUS_SUBMITTED, &returned).ok());
  v1::Case review = CaseWith(v1::CASE_STATUS_IN_REVIEW, v1::STEP_HEAD_OF_AGENCY_REVIEW);
  EXPECT_TRUE(absl::IsFailedPrecondition(
      SopStatus::CheckCanResubmit(v1::APPLICATION_STATUS_SUBMITTED, &review)));
  EXPECT_TRUE(absl::IsFailedPrecondition(
      SopStatus::CheckCanResubmit(v1::APPLICATION_STATUS_SUBMITTED, nullptr)));
  EXPECT_TRUE(absl::IsFailedPrecondition(
      SopStatus::CheckCanResubmit(v1::APPLICATION_STATUS_WITHDRAWN, &returned)));
}

TEST(SopStatusTest, WithdrawOnlyBeforeSentToCaAndNotAfterRejection) {
  EXPECT_TRUE(SopStatus::CheckCanWithdraw(v1::APPLICATION_STATUS_SUBMITTED, nullptr, nullptr).ok());
  for (v1::CaseStatus ok : {v1::CASE_STATUS_IN_REVIEW, v1::CASE_STATUS_RETURNED}) {
    v1::Case c = CaseWith(ok, v1::STEP_HEAD_OF_AGENCY_REVIEW);
    EXPECT_TRUE(SopStatus::CheckCanWithdraw(v1::APPLICATION_STATUS_SUBMITTED, &c, nullptr).ok());
  }
  for (v1::CaseStatus no : {v1::CASE_STATUS_SENT_TO_CA, v1::CASE_STATUS_REJECTED,
                            v1::CASE_STATUS_WITHDRAWN}) {
    v1::Case c = CaseWith(no, v1::STEP_VERIFICATION);
    EXPECT_TRUE(absl::IsFailedPrecondition(
        SopStatus::CheckCanWithdraw(v1::APPLICATION_STATUS_SUBMITTED, &c, nullptr)))
        << v1::CaseStatus_Name(no);
  }
  v1::Enrollment e;
  e.set_status(v1::ENROLLMENT_STATUS_AWAITING_PASSPHRASE);
  EXPECT_TRUE(absl::IsFailedPrecondition(
      SopStatus::CheckCanWithdraw(v1::APPLICATION_STATUS_SUBMITTED, nullptr, &e)));
  EXPECT_TRUE(absl::IsFailedPrecondition(
      SopStatus::CheckCanWithdraw(v1::APPLICATION_STATUS_WITHDRAWN, nullptr, nullptr)));
}

}  // namespace
}  // namespace sertel::intake
