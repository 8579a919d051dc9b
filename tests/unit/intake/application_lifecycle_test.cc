// SOP step 1's state rules without a database: a submission is idempotent on request_id and owes
// OpenCase and the receipt; a resubmission only when RETURNED, adding versions and owing
// ResumeCase; a withdrawal only before SENT_TO_CA and only once; and the timeline and audit
// entry of each change.
#include "application_lifecycle.h"

#include "common/notification_order.h"
#include "gtest/gtest.h"
#include "intake_payloads.h"
#include "intake_proto.h"
#include "intake_records.h"
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
  for (CaseStatus no : {CaseStatus::kSentToCa, CaseStatus::kRejected}) {
    CaseView c = CaseWith(no, kVerification);
    EXPECT_TRUE(absl::IsFailedPrecondition(
        ApplicationLifecycle::CheckCanWithdraw(ApplicationStatus::kSubmitted, &c, nullptr)))
        << static_cast<int>(no);
  }
  // Disposition withdrew the case but intake did not follow yet: the withdrawal completes.
  CaseView withdrawn = CaseWith(CaseStatus::kWithdrawn, kHeadOfAgency);
  EXPECT_TRUE(
      ApplicationLifecycle::CheckCanWithdraw(ApplicationStatus::kSubmitted, &withdrawn, nullptr)
          .ok());
  // After SENT_TO_CA the caller is told to ask for a revocation.
  CaseView sent = CaseWith(CaseStatus::kSentToCa, kVerification);
  EXPECT_NE(ApplicationLifecycle::CheckCanWithdraw(ApplicationStatus::kSubmitted, &sent, nullptr)
                .message()
                .find("revoke"),
            std::string::npos);
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
  absl::StatusOr<ApplicationChange> c = lifecycle_.Submit({}, draft, applicant_);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->kind, ApplicationChange::Kind::kInsert);
  EXPECT_EQ(c->after.sop_status, ApplicationStatus::kSubmitted);
  EXPECT_EQ(c->after.sop_step, 1);
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
  for (const OutboxItem& o : c->outbox) EXPECT_EQ(o.application_id, "id-1") << o.topic;
  v1::SendNotificationRequest receipt;
  ASSERT_TRUE(receipt.ParseFromString(c->outbox[1].payload));
  EXPECT_EQ(receipt.template_(), v1::NOTIFICATION_TEMPLATE_SUBMISSION_RECEIVED);
  EXPECT_EQ(receipt.params().at("application_id"), "id-1");
}

TEST_F(ApplicationLifecycleTest, SubmitAgainIsTheSameApplicationOtherPayloadAlreadyExists) {
  ApplicationRecord draft = lifecycle_.Draft(FromProto(ValidRequest()), "id-2", "hash-1");
  absl::StatusOr<ApplicationChange> same =
      lifecycle_.Submit({.request = SeenRequest{"id-1", "hash-1"}}, draft, applicant_);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->kind, ApplicationChange::Kind::kNone);
  EXPECT_EQ(same->application_id, "id-1");
  EXPECT_TRUE(same->outbox.empty());
  absl::StatusOr<ApplicationChange> other =
      lifecycle_.Submit({.request = SeenRequest{"id-1", "hash-0"}}, draft, applicant_);
  EXPECT_TRUE(absl::IsAlreadyExists(other.status())) << other.status();
}

TEST_F(ApplicationLifecycleTest, ASecondOpenApplicationIsRefusedNamingTheOpenOne) {
  ApplicationRecord draft = lifecycle_.Draft(FromProto(ValidRequest("req-2")), "id-2", "hash-2");
  OpenApplication open{.id = "id-1", .status = ApplicationStatus::kInReview};
  absl::StatusOr<ApplicationChange> c =
      lifecycle_.Submit({.request = std::nullopt, .open_application = open}, draft, applicant_);
  EXPECT_TRUE(absl::IsFailedPrecondition(c.status())) << c.status();
  EXPECT_NE(c.status().message().find("id-1"), std::string::npos) << c.status();
  EXPECT_NE(c.status().message().find("IN_REVIEW"), std::string::npos) << c.status();
  // Idempotency wins: the request that made the open application is answered with it.
  absl::StatusOr<ApplicationChange> repeat = lifecycle_.Submit(
      {.request = SeenRequest{"id-1", "hash-2"}, .open_application = open}, draft, applicant_);
  ASSERT_TRUE(repeat.ok()) << repeat.status();
  EXPECT_EQ(repeat->application_id, "id-1");
}

TEST(ApplicationStatusesTest, OpenUntilRejectedWithdrawnHandedOverOrRevoked) {
  for (int i = 1; i <= 10; ++i) {
    ApplicationStatus s = static_cast<ApplicationStatus>(i);
    bool closed = s == ApplicationStatus::kRejected || s == ApplicationStatus::kWithdrawn ||
                  s == ApplicationStatus::kHandedOver || s == ApplicationStatus::kRevoked;
    EXPECT_EQ(IsOpenStatus(s), !closed) << ApplicationStatusName(s);
    EXPECT_EQ(ParseSopStatusColumn(SopStatusColumn(s)), s);
  }
  EXPECT_EQ(SopStatusColumn(ApplicationStatus::kHandedOver), "HANDED_OVER");
  EXPECT_EQ(ParseSopStatusColumn("nonsense"), ApplicationStatus::kUnspecified);
}

TEST_F(ApplicationLifecycleTest, ResubmitAddsTheNextVersionNamesWhatItReplacedAndOwesResume) {
  ApplicationRecord a = Stored();
  a.resubmissions = 1;
  std::string old_sha = a.documents[2].sha256;
  ResubmissionInput in{
      .application_id = a.id, .request_id = "resubmit-2", .documents = {KtpCopy(Jpeg(999))}};
  const std::string hash = ApplicationLifecycle::ResubmissionHash(in);
  CaseView returned = CaseWith(CaseStatus::kReturned, kHeadOfAgency);
  returned.step_entered_at = clock_.Now() - absl::Minutes(5);
  absl::StatusOr<ApplicationChange> c =
      lifecycle_.Resubmit(&a, std::nullopt, in, hash, returned, applicant_);
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
  EXPECT_EQ(c->outbox[0].application_id, a.id);
  ASSERT_TRUE(c->resubmission_key.has_value());
  EXPECT_EQ(c->resubmission_key->request_id, "resubmit-2");
  EXPECT_EQ(c->resubmission_key->request_hash, hash);

  // The same resubmission again (its key seen with the same payload) changes nothing; the
  // same key with other documents is ALREADY_EXISTS.
  absl::StatusOr<ApplicationChange> again =
      lifecycle_.Resubmit(&a, SeenRequest{a.id, hash}, in, hash, returned, applicant_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->kind, ApplicationChange::Kind::kNone);
  ResubmissionInput other = in;
  other.documents = {KtpCopy(Jpeg(1000))};
  const std::string other_hash = ApplicationLifecycle::ResubmissionHash(other);
  EXPECT_NE(other_hash, hash);
  EXPECT_TRUE(absl::IsAlreadyExists(
      lifecycle_.Resubmit(&a, SeenRequest{a.id, hash}, other, other_hash, returned, applicant_)
          .status()));
  EXPECT_TRUE(absl::IsAlreadyExists(
      ApplicationLifecycle::IsRepeatedResubmission(SeenRequest{"another-app", hash}, a.id, hash)
          .status()));
  // Documents already back since the case was returned: a second resubmission would resume it
  // twice.
  ApplicationRecord resubmitted = c->after;
  EXPECT_TRUE(absl::IsFailedPrecondition(
      lifecycle_.Resubmit(&resubmitted, std::nullopt, other, other_hash, returned, applicant_)
          .status()));
}

TEST(ApplicationLifecycleRulesTest, ResubmissionHashIgnoresTheOrderButNotTheContent) {
  ResubmissionInput a{.application_id = "id-1",
                      .request_id = "k",
                      .documents = {KtpCopy(Jpeg(600)), KtpCopy(Jpeg(700))}};
  ResubmissionInput b = a;
  std::swap(b.documents[0], b.documents[1]);
  EXPECT_EQ(ApplicationLifecycle::ResubmissionHash(a), ApplicationLifecycle::ResubmissionHash(b));
  b.request_id = "another key";  // the key is not the payload
  EXPECT_EQ(ApplicationLifecycle::ResubmissionHash(a), ApplicationLifecycle::ResubmissionHash(b));
  b.documents[0].filename = "ktp2.jpg";
  EXPECT_NE(ApplicationLifecycle::ResubmissionHash(a), ApplicationLifecycle::ResubmissionHash(b));
  ResubmissionInput c = a;
  c.application_id = "id-2";
  EXPECT_NE(ApplicationLifecycle::ResubmissionHash(a), ApplicationLifecycle::ResubmissionHash(c));
}

TEST_F(ApplicationLifecycleTest, ResubmitOfAWithdrawnOrMissingApplicationIsRefused) {
  ApplicationRecord a = Stored();
  a.status = ApplicationStatus::kWithdrawn;
  ResubmissionInput in{.application_id = a.id, .request_id = "", .documents = {KtpCopy(Jpeg())}};
  CaseView returned = CaseWith(CaseStatus::kReturned, kHeadOfAgency);
  absl::StatusOr<ApplicationChange> c =
      lifecycle_.Resubmit(&a, std::nullopt, in, "h", returned, applicant_);
  EXPECT_EQ(c.status(), absl::FailedPreconditionError(
                            "the application is WITHDRAWN; nothing can be resubmitted"));
  EXPECT_TRUE(absl::IsNotFound(
      lifecycle_.Resubmit(nullptr, std::nullopt, in, "h", returned, applicant_).status()));
}

TEST_F(ApplicationLifecycleTest, WithdrawFollowsDispositionsWithdrawnCaseAndOwesNothing) {
  ApplicationRecord a = Stored();
  WithdrawalInput in{.application_id = a.id, .reason = "salah unit"};
  CaseView withdrawn = CaseWith(CaseStatus::kWithdrawn, 3);
  withdrawn.version = 4;
  absl::StatusOr<ApplicationChange> c = lifecycle_.Withdraw(&a, in, withdrawn, applicant_);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->kind, ApplicationChange::Kind::kWithdraw);
  EXPECT_EQ(c->after.status, ApplicationStatus::kWithdrawn);
  EXPECT_EQ(c->after.withdraw_reason, "salah unit");
  EXPECT_EQ(c->after.sop_status, ApplicationStatus::kWithdrawn);
  EXPECT_EQ(c->after.sop_step, 1);
  // Disposition's answer is the case's report.
  EXPECT_EQ(c->after.progress.case_status, CaseStatus::kWithdrawn);
  EXPECT_EQ(c->after.progress.case_version, 4);
  EXPECT_EQ(c->entry->action, "WITHDRAWN");
  EXPECT_EQ(c->audit->details["reason"], "salah unit");
  EXPECT_TRUE(c->outbox.empty());  // disposition withdrew already, synchronously

  // A concurrent withdrawal got there first: nothing to write.
  a.status = ApplicationStatus::kWithdrawn;
  absl::StatusOr<ApplicationChange> again = lifecycle_.Withdraw(&a, in, withdrawn, applicant_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->kind, ApplicationChange::Kind::kNone);
}

TEST_F(ApplicationLifecycleTest, ProgressIsAppliedInVersionOrderAndDerivesTheStatus) {
  ApplicationRecord a = Stored();
  ProgressInput review{.application_id = a.id,
                       .source = kProgressFromDisposition,
                       .version = 2,
                       .status = ApplicationStatus::kInReview,
                       .step = 3,
                       .at = clock_.Now(),
                       .request_id = ""};
  absl::StatusOr<ApplicationChange> c = lifecycle_.RecordProgress(&a, review);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->kind, ApplicationChange::Kind::kProgress);
  EXPECT_EQ(c->after.sop_status, ApplicationStatus::kInReview);
  EXPECT_EQ(c->after.sop_step, 3);
  EXPECT_FALSE(c->entry.has_value());
  EXPECT_TRUE(c->outbox.empty());
  ApplicationRecord reviewed = c->after;
  // The same report again, or an older one: nothing.
  for (int64_t v : {2, 1}) {
    ProgressInput old = review;
    old.version = v;
    old.status = ApplicationStatus::kReturned;
    absl::StatusOr<ApplicationChange> none = lifecycle_.RecordProgress(&reviewed, old);
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(none->kind, ApplicationChange::Kind::kNone) << v;
  }
  EXPECT_TRUE(absl::IsNotFound(lifecycle_.RecordProgress(nullptr, review).status()));
}

}  // namespace
}  // namespace sertel::intake
