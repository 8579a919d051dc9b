// SOP step 1's state rules without a database: a submission is idempotent on request_id and owes
// OpenCase and the receipt; a resubmission only when RETURNED, adding versions and owing
// ResumeCase; a withdrawal only before SENT_TO_CA and only once; and the timeline and audit
// entry of each change.
#include "application_lifecycle.h"

#include "common/notification_order.h"
#include "gtest/gtest.h"
#include "intake_payloads.h"
#include "intake_proto.h"
#include "sertel/v1/notification.pb.h"
#include "tests/unit/intake/test_applications.h"

namespace sertel::intake {
namespace {

using namespace testdata;

constexpr int kHeadOfAgency = 2, kVerification = 5;  // sertel.v1.Step

DocumentInput KtpCopy(std::string content) {
  DocumentInput d;
  d.kind = 3;  // KTP_COPY
  d.filename = "ktp.jpg";
  d.content = std::move(content);
  return d;
}

CaseView CaseWith(CaseStatus status, int step) {
  CaseView c;
  c.status = status;
  c.current_step = step;
  return c;
}

class ApplicationLifecycleTest : public ::testing::Test {
 protected:
  ApplicationRecord Stored() {
    ApplicationRecord a = lifecycle_.Draft(FromProto(ValidRequest("req-1")),
                                           "6f1c2a8e-0000-4000-8000-000000000001", "hash-1");
    for (DocumentRecord& d : a.documents) d.content.clear();  // as the store reads it
    return a;
  }

  FakeClock clock_{absl::FromUnixSeconds(1700000000) + absl::Nanoseconds(1500)};
  ApplicationLifecycle lifecycle_{&clock_};
  Actor applicant_{.sub = "applicant-1", .role = "APPLICANT"};
};

TEST(ApplicationLifecycleRulesTest, ResubmitOnlyWhenTheCaseIsReturned) {
  CaseView returned = CaseWith(CaseStatus::kReturned, kHeadOfAgency);
  EXPECT_TRUE(
      ApplicationLifecycle::CheckCanResubmit(ApplicationStatus::kSubmitted, &returned).ok());
  CaseView review = CaseWith(CaseStatus::kInReview, kHeadOfAgency);
  EXPECT_TRUE(absl::IsFailedPrecondition(
      ApplicationLifecycle::CheckCanResubmit(ApplicationStatus::kSubmitted, &review)));
  EXPECT_TRUE(absl::IsFailedPrecondition(
      ApplicationLifecycle::CheckCanResubmit(ApplicationStatus::kSubmitted, nullptr)));
  EXPECT_TRUE(absl::IsFailedPrecondition(
      ApplicationLifecycle::CheckCanResubmit(ApplicationStatus::kWithdrawn, &returned)));
}

TEST(ApplicationLifecycleRulesTest, ResubmitRefusalNamesTheApiStatus) {
  CaseView review = CaseWith(CaseStatus::kInReview, kHeadOfAgency);
  EXPECT_EQ(
      ApplicationLifecycle::CheckCanResubmit(ApplicationStatus::kSubmitted, &review).message(),
      "documents can be resubmitted only when the application is RETURNED; it is "
      "APPLICATION_STATUS_IN_REVIEW");
}

TEST(ApplicationLifecycleRulesTest, WithdrawOnlyBeforeSentToCaAndNotAfterRejection) {
  EXPECT_TRUE(
      ApplicationLifecycle::CheckCanWithdraw(ApplicationStatus::kSubmitted, nullptr, nullptr).ok());
  for (CaseStatus ok : {CaseStatus::kInReview, CaseStatus::kReturned}) {
    CaseView c = CaseWith(ok, kHeadOfAgency);
    EXPECT_TRUE(
        ApplicationLifecycle::CheckCanWithdraw(ApplicationStatus::kSubmitted, &c, nullptr).ok());
  }
  for (CaseStatus no : {CaseStatus::kSentToCa, CaseStatus::kRejected, CaseStatus::kWithdrawn}) {
    CaseView c = CaseWith(no, kVerification);
    EXPECT_TRUE(absl::IsFailedPrecondition(
        ApplicationLifecycle::CheckCanWithdraw(ApplicationStatus::kSubmitted, &c, nullptr)))
        << static_cast<int>(no);
  }
  EnrollmentView e;
  e.status = EnrollmentStatus::kAwaitingPassphrase;
  EXPECT_TRUE(absl::IsFailedPrecondition(
      ApplicationLifecycle::CheckCanWithdraw(ApplicationStatus::kSubmitted, nullptr, &e)));
  EXPECT_TRUE(absl::IsFailedPrecondition(
      ApplicationLifecycle::CheckCanWithdraw(ApplicationStatus::kWithdrawn, nullptr, nullptr)));
}

TEST_F(ApplicationLifecycleTest, DraftIsSubmittedNowWithSniffedHashedVersionOneDocuments) {
  ApplicationRecord a = lifecycle_.Draft(FromProto(ValidRequest("req-1")), "id-1", "hash-1");
  EXPECT_EQ(a.status, ApplicationStatus::kSubmitted);
  EXPECT_EQ(a.created_at, absl::FromUnixSeconds(1700000000) + absl::Microseconds(1));
  EXPECT_EQ(a.updated_at, a.created_at);
  ASSERT_EQ(a.documents.size(), 4u);
  EXPECT_EQ(a.documents[2].content_type, "image/jpeg");
  for (const DocumentRecord& d : a.documents) {
    EXPECT_EQ(d.version, 1);
    EXPECT_EQ(d.sha256.size(), 64u);
    EXPECT_EQ(d.size_bytes, static_cast<int64_t>(d.content.size()));
    EXPECT_EQ(d.uploaded_at, a.created_at);
  }
}

TEST_F(ApplicationLifecycleTest, SubmitInsertsWithTimelineAuditOpenCaseAndReceipt) {
  ApplicationRecord draft = lifecycle_.Draft(FromProto(ValidRequest("req-1")), "id-1", "hash-1");
  absl::StatusOr<ApplicationChange> c = lifecycle_.Submit(std::nullopt, draft, applicant_);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->kind, ApplicationChange::Kind::kInsert);
  EXPECT_EQ(c->application_id, "id-1");
  EXPECT_EQ(c->new_documents.size(), 4u);
  ASSERT_TRUE(c->entry.has_value());
  EXPECT_EQ(c->entry->action, "SUBMITTED");
  EXPECT_EQ(c->entry->actor_role, "APPLICANT");
  EXPECT_EQ(c->entry->note, "Mohon diproses");
  ASSERT_TRUE(c->audit.has_value());
  EXPECT_EQ(c->audit->action, "SUBMITTED");
  EXPECT_EQ(c->audit->entity_type, "application");
  EXPECT_EQ(c->audit->entity_id, "id-1");
  EXPECT_EQ(c->audit->details["nik"], kNik);
  EXPECT_EQ(c->audit->details["documents"].size(), 4u);
  ASSERT_EQ(c->outbox.size(), 2u);
  EXPECT_EQ(c->outbox[0].topic, kOpenCaseTopic);
  EXPECT_EQ(c->outbox[0].key, "intake:open:id-1");
  EXPECT_EQ(c->outbox[1].topic, kSendNotificationTopic);
  EXPECT_EQ(c->outbox[1].key, "intake:receipt:id-1");
  v1::SendNotificationRequest receipt;
  ASSERT_TRUE(receipt.ParseFromString(c->outbox[1].payload));
  EXPECT_EQ(receipt.template_(), v1::NOTIFICATION_TEMPLATE_SUBMISSION_RECEIVED);
  EXPECT_EQ(receipt.params().at("application_id"), "id-1");
}

TEST_F(ApplicationLifecycleTest, SubmitAgainIsTheSameApplicationOtherPayloadAlreadyExists) {
  ApplicationRecord draft = lifecycle_.Draft(FromProto(ValidRequest()), "id-2", "hash-1");
  absl::StatusOr<ApplicationChange> same =
      lifecycle_.Submit(SeenRequest{"id-1", "hash-1"}, draft, applicant_);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->kind, ApplicationChange::Kind::kNone);
  EXPECT_EQ(same->application_id, "id-1");
  EXPECT_TRUE(same->outbox.empty());
  absl::StatusOr<ApplicationChange> other =
      lifecycle_.Submit(SeenRequest{"id-1", "hash-0"}, draft, applicant_);
  EXPECT_TRUE(absl::IsAlreadyExists(other.status())) << other.status();
}

TEST_F(ApplicationLifecycleTest, ResubmitAddsTheNextVersionNamesWhatItReplacedAndOwesResume) {
  ApplicationRecord a = Stored();
  a.resubmissions = 1;
  std::string old_sha = a.documents[2].sha256;
  ResubmissionInput in{
      .application_id = a.id, .request_id = "resubmit-2", .documents = {KtpCopy(Jpeg(999))}};
  absl::StatusOr<ApplicationChange> c = lifecycle_.Resubmit(&a, in, applicant_);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->kind, ApplicationChange::Kind::kResubmit);
  ASSERT_EQ(c->new_documents.size(), 1u);
  EXPECT_EQ(c->new_documents[0].version, 2);
  EXPECT_EQ(c->after.resubmissions, 2);
  EXPECT_EQ(c->after.last_resubmit_key, "resubmit-2");
  EXPECT_EQ(c->entry->note, "KTP_COPY");
  EXPECT_EQ(c->audit->details["resubmission"], 2);
  EXPECT_EQ(c->audit->details["documents"][0]["replaced_sha256"], old_sha);
  ASSERT_EQ(c->outbox.size(), 1u);
  EXPECT_EQ(c->outbox[0].topic, kResumeCaseTopic);
  EXPECT_EQ(c->outbox[0].key, "intake:resume:" + a.id + ":2");

  a.last_resubmit_key = "resubmit-2";  // the same resubmission again
  absl::StatusOr<ApplicationChange> again = lifecycle_.Resubmit(&a, in, applicant_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->kind, ApplicationChange::Kind::kNone);
}

TEST_F(ApplicationLifecycleTest, ResubmitOfAWithdrawnOrMissingApplicationIsRefused) {
  ApplicationRecord a = Stored();
  a.status = ApplicationStatus::kWithdrawn;
  ResubmissionInput in{.application_id = a.id, .request_id = "", .documents = {KtpCopy(Jpeg())}};
  absl::StatusOr<ApplicationChange> c = lifecycle_.Resubmit(&a, in, applicant_);
  EXPECT_EQ(c.status(), absl::FailedPreconditionError(
                            "the application is WITHDRAWN; nothing can be resubmitted"));
  EXPECT_TRUE(absl::IsNotFound(lifecycle_.Resubmit(nullptr, in, applicant_).status()));
}

TEST_F(ApplicationLifecycleTest, WithdrawOnceOwingWithdrawCaseWithTheReason) {
  ApplicationRecord a = Stored();
  WithdrawalInput in{.application_id = a.id, .reason = "salah unit"};
  absl::StatusOr<ApplicationChange> c = lifecycle_.Withdraw(&a, in, applicant_);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->kind, ApplicationChange::Kind::kWithdraw);
  EXPECT_EQ(c->after.status, ApplicationStatus::kWithdrawn);
  EXPECT_EQ(c->after.withdraw_reason, "salah unit");
  EXPECT_EQ(c->entry->action, "WITHDRAWN");
  EXPECT_EQ(c->audit->details["reason"], "salah unit");
  ASSERT_EQ(c->outbox.size(), 1u);
  EXPECT_EQ(c->outbox[0].topic, kWithdrawCaseTopic);
  EXPECT_EQ(c->outbox[0].key, "intake:withdraw:" + a.id);

  a.status = ApplicationStatus::kWithdrawn;
  EXPECT_EQ(lifecycle_.Withdraw(&a, in, applicant_).status(),
            absl::FailedPreconditionError("the application is already withdrawn"));
}

}  // namespace
}  // namespace sertel::intake
