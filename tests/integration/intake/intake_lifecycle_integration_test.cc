// After submission: the whole-SOP status (merged with a fake disposition, best effort when it is
// down), listing with keyset paging and the applicant's own-only view, documents, resubmission
// only when RETURNED (versions kept, ResumeCase queued), withdrawal through disposition first, and
// the OpenCase outbox row that waits while disposition is UNIMPLEMENTED or down.
#include <google/protobuf/util/time_util.h>

#include <set>

#include "intake_fixture.h"

namespace sertel::intake::itest {
namespace {

using namespace sertel::intake::testdata;
using sertel::testing::ContextWithToken;

grpc::Status Resubmit(v1::IntakeService::Stub* stub, const std::string& token,
                      const v1::ResubmitDocumentsRequest& r, v1::Application* out) {
  auto ctx = ContextWithToken(token);
  return stub->ResubmitDocuments(ctx.get(), r, out);
}
grpc::Status Withdraw(v1::IntakeService::Stub* stub, const std::string& token,
                      const std::string& id, v1::Application* out) {
  auto ctx = ContextWithToken(token);
  v1::WithdrawApplicationRequest r;
  r.set_application_id(id);
  r.set_reason("salah unit");
  return stub->WithdrawApplication(ctx.get(), r, out);
}
v1::ResubmitDocumentsRequest NewKtp(const std::string& id) {
  v1::ResubmitDocumentsRequest r;
  r.set_application_id(id);
  r.set_request_id("resubmit-1");
  *r.add_documents() = Doc(v1::DOCUMENT_KIND_KTP_COPY, Jpeg(999), "ktp-baru.jpg");
  return r;
}

TEST_F(IntakeFixture, GetApplicationIsIntakesViewWhileTheCaseDoesNotExist) {
  v1::Application a = SubmitOk();
  v1::Application got;
  ASSERT_TRUE(Get(a.id(), ApplicantToken(), &got).ok());
  EXPECT_EQ(got.status(), v1::APPLICATION_STATUS_SUBMITTED);
  EXPECT_EQ(got.current_step(), v1::STEP_SUBMISSION);
  EXPECT_EQ(got.timeline_size(), 1);
  EXPECT_GE(fake_disposition_.get_case_calls(), 1);
}

TEST_F(IntakeFixture, GetApplicationMergesTheCaseStatusStepAndTimeline) {
  v1::Application a = SubmitOk();
  v1::Case c = CaseIn(v1::CASE_STATUS_IN_REVIEW, v1::STEP_HEAD_OF_DIVISION_REVIEW);
  // The case was opened a second after the submission (the intake fixture's clock is its own).
  *c.mutable_timeline(0)->mutable_at() =
      a.created_at() + google::protobuf::util::TimeUtil::SecondsToDuration(1);
  fake_disposition_.SetCase(c);
  v1::Application got;
  ASSERT_TRUE(Get(a.id(), Token("HEAD_OF_AGENCY"), &got).ok());
  EXPECT_EQ(got.status(), v1::APPLICATION_STATUS_IN_REVIEW);
  EXPECT_EQ(got.current_step(), v1::STEP_HEAD_OF_DIVISION_REVIEW);
  ASSERT_EQ(got.timeline_size(), 2);
  EXPECT_EQ(got.timeline(0).action(), "SUBMITTED");
  EXPECT_EQ(got.timeline(1).action(), "OPENED");
}

TEST_F(IntakeFixture, GetApplicationWithDispositionDownIsIntakesOwnViewPromptly) {
  v1::Application a = SubmitOk();
  disposition_server_->Shutdown();
  absl::Time start = absl::Now();
  v1::Application got;
  grpc::Status s = Get(a.id(), Token("AUDITOR"), &got);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(got.status(), v1::APPLICATION_STATUS_SUBMITTED);
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
}

TEST_F(IntakeFixture, UnknownOrMalformedIdIsNotFoundOrInvalidArgument) {
  v1::Application got;
  EXPECT_EQ(Get("6f1c2a8e-0000-4000-8000-000000000001", Token("VERIFIER"), &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  grpc::Status s = Get("'; DROP TABLE applications; --", Token("VERIFIER"), &got);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadRequestFields(s), std::vector<std::string>{"id"});
}

TEST_F(IntakeFixture, ApplicantCannotReadOrChangeAnotherPersonsApplication) {
  v1::Application mine = SubmitOk("mine", kNik);
  v1::Application theirs = SubmitOk("theirs", kOtherNik);
  fake_disposition_.SetCase(CaseIn(v1::CASE_STATUS_RETURNED, v1::STEP_HEAD_OF_AGENCY_REVIEW));
  std::string token = ApplicantToken(kNik);
  v1::Application out;
  EXPECT_EQ(Get(theirs.id(), token, &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::GetDocumentRequest dr;
  dr.set_application_id(theirs.id());
  dr.set_kind(v1::DOCUMENT_KIND_KTP_COPY);
  v1::Document d;
  auto ctx = ContextWithToken(token);
  EXPECT_EQ(stub_->GetDocument(ctx.get(), dr, &d).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Resubmit(stub_.get(), token, NewKtp(theirs.id()), &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Withdraw(stub_.get(), token, theirs.id(), &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Their own works; the other person's application is untouched.
  EXPECT_TRUE(Get(mine.id(), token, &out).ok());
  dr.set_application_id(mine.id());
  auto ctx2 = ContextWithToken(token);
  EXPECT_TRUE(stub_->GetDocument(ctx2.get(), dr, &d).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM documents WHERE version > 1"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM applications WHERE status = 'WITHDRAWN'"), 0);

  // The list shows an applicant only their own, whatever nik they ask for.
  v1::ListApplicationsRequest lr;
  lr.set_nik(kOtherNik);
  v1::ListApplicationsResponse list;
  auto ctx3 = ContextWithToken(token);
  ASSERT_TRUE(stub_->ListApplications(ctx3.get(), lr, &list).ok());
  ASSERT_EQ(list.applications_size(), 1);
  EXPECT_EQ(list.applications(0).id(), mine.id());
}

TEST_F(IntakeFixture, ListIsNewestFirstWithKeysetPagingAndFilters) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(SubmitClosed("list-" + std::to_string(i)).id());
  v1::Application other;
  v1::SubmitApplicationRequest r = ValidRequest("list-other", kOtherNik);
  r.mutable_applicant()->set_unit("DINKES");
  ASSERT_TRUE(Submit(r, Token("OPERATOR"), &other).ok());

  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    v1::ListApplicationsRequest lr;
    lr.set_page_size(2);
    lr.set_page_token(token);
    lr.set_nik(kNik);
    v1::ListApplicationsResponse resp;
    auto ctx = ContextWithToken(Token("VERIFIER"));
    grpc::Status s = stub_->ListApplications(ctx.get(), lr, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    for (const auto& a : resp.applications()) seen.push_back(a.id());
    token = resp.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, std::vector<std::string>(ids.rbegin(), ids.rend()));

  v1::ListApplicationsRequest by_unit;
  by_unit.set_unit("DINKES");
  v1::ListApplicationsResponse resp;
  auto ctx = ContextWithToken(Token("AUDITOR"));
  ASSERT_TRUE(stub_->ListApplications(ctx.get(), by_unit, &resp).ok());
  ASSERT_EQ(resp.applications_size(), 1);
  EXPECT_EQ(resp.applications(0).id(), other.id());

  v1::ListApplicationsRequest bad;
  bad.set_page_token("not-a-token!");
  auto ctx2 = ContextWithToken(Token("AUDITOR"));
  grpc::Status s = stub_->ListApplications(ctx2.get(), bad, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadRequestFields(s), std::vector<std::string>{"page_token"});
}

TEST_F(IntakeFixture, ResubmissionWhenNotReturnedIsFailedPrecondition) {
  v1::Application a = SubmitOk();
  v1::Application out;
  // No case yet.
  EXPECT_EQ(Resubmit(stub_.get(), ApplicantToken(), NewKtp(a.id()), &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  fake_disposition_.SetCase(CaseIn(v1::CASE_STATUS_IN_REVIEW, v1::STEP_HEAD_OF_AGENCY_REVIEW));
  grpc::Status s = Resubmit(stub_.get(), ApplicantToken(), NewKtp(a.id()), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_NE(s.error_message().find("RETURNED"), std::string::npos) << s.error_message();
  EXPECT_EQ(Count("SELECT count(*) FROM documents"), 4);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE topic = 'disposition.ResumeCase'"), 0);
}

TEST_F(IntakeFixture, ResubmissionWithDispositionDownIsUnavailableAndChangesNothing) {
  v1::Application a = SubmitOk();
  disposition_server_->Shutdown();
  v1::Application out;
  grpc::Status s = Resubmit(stub_.get(), ApplicantToken(), NewKtp(a.id()), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  EXPECT_EQ(Count("SELECT count(*) FROM documents"), 4);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log"), 1);
}

TEST_F(IntakeFixture, ResubmissionWhenReturnedAddsAVersionKeepsTheOldAndQueuesResume) {
  v1::Application a = SubmitOk();
  std::string old_sha;
  for (const auto& d : a.documents()) {
    if (d.kind() == v1::DOCUMENT_KIND_KTP_COPY) old_sha = d.sha256();
  }
  v1::Case returned = CaseIn(v1::CASE_STATUS_RETURNED, v1::STEP_HEAD_OF_SECTION_REVIEW);
  returned.set_return_reason("KTP buram");
  returned.add_missing_documents(v1::DOCUMENT_KIND_KTP_COPY);
  fake_disposition_.SetCase(returned);

  v1::Application before;
  ASSERT_TRUE(Get(a.id(), ApplicantToken(), &before).ok());
  EXPECT_EQ(before.status(), v1::APPLICATION_STATUS_RETURNED);
  EXPECT_EQ(before.return_reason(), "KTP buram");

  v1::Application out;
  grpc::Status s = Resubmit(stub_.get(), ApplicantToken(), NewKtp(a.id()), &out);
  ASSERT_TRUE(s.ok()) << s.error_message() << BadRequestText(s);
  EXPECT_EQ(out.status(), v1::APPLICATION_STATUS_IN_REVIEW);  // resuming
  for (const auto& d : out.documents()) {
    EXPECT_EQ(d.version(), d.kind() == v1::DOCUMENT_KIND_KTP_COPY ? 2 : 1);
  }
  // Old version kept; only the listed kind replaced.
  EXPECT_EQ(Count("SELECT count(*) FROM documents"), 5);
  EXPECT_EQ(Count("SELECT count(*) FROM documents WHERE kind = 3 AND version = 1 AND sha256 = '" +
                  old_sha + "'"),
            1);
  EXPECT_EQ(
      Count("SELECT count(*) FROM audit_log WHERE action = 'RESUBMITTED' AND details LIKE '%" +
            old_sha + "%'"),
      1);
  pqxx::result o =
      Query("SELECT idempotency_key FROM outbox WHERE topic = 'disposition.ResumeCase'");
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0][0].as<std::string>(), "intake:resume:" + a.id() + ":1");

  // The same resubmission again changes nothing.
  ASSERT_TRUE(Resubmit(stub_.get(), ApplicantToken(), NewKtp(a.id()), &out).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM documents"), 5);

  // The reviewer reads the new version.
  v1::GetDocumentRequest dr;
  dr.set_application_id(a.id());
  dr.set_kind(v1::DOCUMENT_KIND_KTP_COPY);
  v1::Document d;
  auto ctx = ContextWithToken(Token("HEAD_OF_SECTION"));
  ASSERT_TRUE(stub_->GetDocument(ctx.get(), dr, &d).ok());
  EXPECT_EQ(d.version(), 2);
  EXPECT_EQ(d.size_bytes(), 999);
}

TEST_F(IntakeFixture, BadResubmissionIsInvalidArgumentAndChangesNothing) {
  v1::Application a = SubmitOk();
  fake_disposition_.SetCase(CaseIn(v1::CASE_STATUS_RETURNED, v1::STEP_HEAD_OF_AGENCY_REVIEW));
  v1::ResubmitDocumentsRequest r = NewKtp(a.id());
  r.mutable_documents(0)->set_content("GIF89a not allowed");
  v1::Application out;
  grpc::Status s = Resubmit(stub_.get(), Token("OPERATOR"), r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadRequestFields(s), std::vector<std::string>{"documents[0].content"});
  EXPECT_EQ(Count("SELECT count(*) FROM documents"), 4);
}

TEST_F(IntakeFixture, WithdrawCallsDispositionFirstThenWritesWithdrawnAndQueuesNothing) {
  v1::Application a = SubmitOk();
  fake_disposition_.SetCase(CaseIn(v1::CASE_STATUS_IN_REVIEW, v1::STEP_HEAD_OF_AGENCY_REVIEW));
  v1::Application out;
  grpc::Status s = Withdraw(stub_.get(), ApplicantToken(), a.id(), &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(out.status(), v1::APPLICATION_STATUS_WITHDRAWN);
  // Disposition was asked synchronously, with the idempotent key and the reason.
  ASSERT_EQ(fake_disposition_.withdrawn().size(), 1u);
  EXPECT_EQ(fake_disposition_.withdrawn()[0].request_id(), "intake:withdraw:" + a.id());
  EXPECT_EQ(fake_disposition_.withdrawn()[0].reason(), "salah unit");
  // No WithdrawCase outbox row any more; intake wrote WITHDRAWN with disposition's case version.
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE topic = 'disposition.WithdrawCase'"), 0);
  pqxx::result row = Query(
      "SELECT status, sop_status, case_status, case_version, withdraw_reason FROM applications");
  EXPECT_EQ(row[0]["status"].as<std::string>(), "WITHDRAWN");
  EXPECT_EQ(row[0]["sop_status"].as<std::string>(), "WITHDRAWN");
  EXPECT_EQ(row[0]["case_status"].as<std::string>(), "WITHDRAWN");
  EXPECT_EQ(row[0]["case_version"].as<int64_t>(), 4);
  EXPECT_EQ(row[0]["withdraw_reason"].as<std::string>(), "salah unit");
  // Twice is refused: it is final (and disposition is not asked again).
  EXPECT_EQ(Withdraw(stub_.get(), ApplicantToken(), a.id(), &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(fake_disposition_.withdrawn().size(), 1u);
}

TEST_F(IntakeFixture, WithdrawRefusedByDispositionChangesNothingAndSaysWhy) {
  v1::Application a = SubmitOk();
  v1::Application out;
  fake_disposition_.SetCase(CaseIn(v1::CASE_STATUS_SENT_TO_CA, v1::STEP_VERIFICATION));
  fake_disposition_.SetWithdrawCode(grpc::StatusCode::FAILED_PRECONDITION,
                                    "the case was already sent to the CA (SENT_TO_CA) and can no "
                                    "longer be withdrawn; ask the verifier to revoke the "
                                    "certificate instead");
  grpc::Status s = Withdraw(stub_.get(), Token("OPERATOR"), a.id(), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("revoke"), std::string::npos) << s.error_message();
  // A concurrent change of the case: ABORTED, as disposition said.
  fake_disposition_.SetWithdrawCode(grpc::StatusCode::ABORTED, "the case changed meanwhile");
  EXPECT_EQ(Withdraw(stub_.get(), Token("OPERATOR"), a.id(), &out).error_code(),
            grpc::StatusCode::ABORTED);
  // Anything else from disposition: UNAVAILABLE, nothing changed.
  fake_disposition_.SetWithdrawCode(grpc::StatusCode::INTERNAL, "boom");
  EXPECT_EQ(Withdraw(stub_.get(), Token("OPERATOR"), a.id(), &out).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Count("SELECT count(*) FROM applications WHERE status = 'WITHDRAWN'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM application_timeline WHERE action = 'WITHDRAWN'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'WITHDRAWN'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), 2);
}

TEST_F(IntakeFixture, WithdrawWithDispositionDownIsUnavailableAndChangesNothing) {
  v1::Application a = SubmitOk();
  disposition_server_->Shutdown();
  v1::Application out;
  EXPECT_EQ(Withdraw(stub_.get(), ApplicantToken(), a.id(), &out).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Count("SELECT count(*) FROM applications WHERE status = 'WITHDRAWN'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), 2);
}

TEST_F(IntakeFixture, OpenCaseRowWaitsWhileDispositionIsUnimplementedAndIsDeliveredWhenItIsUp) {
  v1::Application a = SubmitOk();
  OutboxConfig config;
  config.base_backoff = absl::Milliseconds(1);
  config.max_backoff = absl::Milliseconds(2);
  OutboxDispatcher dispatcher(pool_.get(), config);
  dispatcher.Register(kOpenCaseTopic, [this](const OutboxMessage& m) {
    return disposition_->Deliver(m.topic, m.payload);
  });
  dispatcher.Register(kSendNotificationTopic,
                      [](const OutboxMessage&) { return absl::OkStatus(); });

  auto open_row = [this] {
    return Query("SELECT status, attempts FROM outbox WHERE topic = 'disposition.OpenCase'")[0];
  };
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(dispatcher.RunOnce().ok());
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(open_row()[0].as<std::string>(), "PENDING");
  EXPECT_EQ(open_row()[1].as<int>(), 3);
  EXPECT_TRUE(fake_disposition_.opened().empty());

  fake_disposition_.SetOpenCaseCode(grpc::StatusCode::OK);
  ASSERT_TRUE(dispatcher.RunOnce().ok());
  EXPECT_EQ(open_row()[0].as<std::string>(), "DELIVERED");
  ASSERT_EQ(fake_disposition_.opened().size(), 1u);
  EXPECT_EQ(fake_disposition_.opened()[0].application_id(), a.id());
  EXPECT_EQ(fake_disposition_.opened()[0].request_id(), "intake:open:" + a.id());
}

TEST_F(IntakeFixture, OpenCaseRowWaitsWhileDispositionIsDown) {
  SubmitOk();
  disposition_server_->Shutdown();
  OutboxConfig config;
  config.base_backoff = absl::Milliseconds(1);
  config.max_backoff = absl::Milliseconds(2);
  OutboxDispatcher dispatcher(pool_.get(), config);
  dispatcher.Register(kOpenCaseTopic, [this](const OutboxMessage& m) {
    return disposition_->Deliver(m.topic, m.payload);
  });
  ASSERT_TRUE(dispatcher.RunOnce().ok());
  pqxx::result r =
      Query("SELECT status, attempts FROM outbox WHERE topic = 'disposition.OpenCase'");
  EXPECT_EQ(r[0][0].as<std::string>(), "PENDING");
  EXPECT_EQ(r[0][1].as<int>(), 1);
}

}  // namespace
}  // namespace sertel::intake::itest
