// Issue 15 at disposition, against real PostgreSQL: every case change reports its status, step
// and version to intake through the outbox (in the change's transaction); WithdrawCase is atomic
// under the case's row lock and version (a Verify racing it: exactly one wins, and the answers
// agree with the final state), refused after SENT_TO_CA with the remedy named, and recorded as
// WITHDRAWN when intake's OpenCase has not arrived yet (which then opens nothing); the officials'
// notes and reasons follow the field rules and travel unchanged into the applicant's notice.
#include <thread>

#include "common/notification_order.h"
#include "common/progress_report.h"
#include "disposition_fixture.h"
#include "disposition_payloads.h"
#include "sertel/v1/intake.pb.h"
#include "sertel/v1/notification.pb.h"

namespace sertel::disposition::itest {
namespace {

class WithdrawFixture : public DispositionFixture {
 protected:
  grpc::Status WithdrawCase(const std::string& id, v1::Case* out,
                            const std::string& reason = "salah unit") {
    v1::WithdrawCaseRequest r;
    r.set_application_id(id);
    r.set_request_id("intake:withdraw:" + id);
    r.set_reason(reason);
    auto ctx = Ctx("");  // SERVICE
    return service_stub_->WithdrawCase(ctx.get(), r, out);
  }
  // The progress reports queued for `id`, oldest first.
  std::vector<v1::RecordProgressRequest> Reports(const std::string& id) {
    std::vector<v1::RecordProgressRequest> out;
    for (const pqxx::row& r : Query("SELECT idempotency_key, payload FROM outbox WHERE topic = '" +
                                    std::string(kRecordProgressTopic) + "' ORDER BY id")) {
      v1::RecordProgressRequest p;
      EXPECT_TRUE(p.ParseFromString(pqxx::binarystring(r["payload"]).str()));
      EXPECT_EQ(r["idempotency_key"].as<std::string>(), p.request_id());
      if (p.application_id() == id) out.push_back(p);
    }
    return out;
  }
  int64_t Rows(const std::string& topic, const std::string& id) {
    return Count("SELECT count(*) FROM outbox WHERE topic = '" + topic +
                 "' AND idempotency_key LIKE '%" + id + "%'");
  }
};

TEST_F(WithdrawFixture, EveryCaseChangeQueuesOneProgressReportWithItsVersion) {
  v1::Case c = AtStep("app-1", 3);  // opened, forwarded once
  ASSERT_TRUE(Return(StepToken(3), "app-1", c.version(), &c).ok());
  v1::ResumeCaseRequest resume;
  resume.set_application_id("app-1");
  resume.set_request_id("intake:resume:app-1:1");
  {
    auto ctx = Ctx("");
    ASSERT_TRUE(service_stub_->ResumeCase(ctx.get(), resume, &c).ok());
  }
  while (c.current_step() < 5) {
    ASSERT_TRUE(Forward(StepToken(c.current_step()), "app-1", c.version(), &c).ok());
  }
  ASSERT_TRUE(Verify(StepToken(5), "app-1", c.version(), AllChecked(), &c).ok());

  std::vector<v1::RecordProgressRequest> reports = Reports("app-1");
  ASSERT_EQ(reports.size(), static_cast<size_t>(c.version()));
  const std::vector<std::pair<v1::ApplicationStatus, v1::Step>> want = {
      {v1::APPLICATION_STATUS_IN_REVIEW, v1::STEP_HEAD_OF_AGENCY_REVIEW},    // opened
      {v1::APPLICATION_STATUS_IN_REVIEW, v1::STEP_HEAD_OF_DIVISION_REVIEW},  // forwarded
      {v1::APPLICATION_STATUS_RETURNED, v1::STEP_HEAD_OF_DIVISION_REVIEW},   // returned
      {v1::APPLICATION_STATUS_IN_REVIEW, v1::STEP_HEAD_OF_DIVISION_REVIEW},  // resumed
      {v1::APPLICATION_STATUS_IN_REVIEW, v1::STEP_HEAD_OF_SECTION_REVIEW},   // forwarded
      {v1::APPLICATION_STATUS_IN_REVIEW, v1::STEP_VERIFICATION},             // forwarded
      {v1::APPLICATION_STATUS_SENT_TO_CA, v1::STEP_VERIFICATION},            // verified
  };
  ASSERT_EQ(reports.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(reports[i].version(), static_cast<int64_t>(i + 1));
    EXPECT_EQ(reports[i].source(), v1::PROGRESS_SOURCE_DISPOSITION);
    EXPECT_EQ(reports[i].status(), want[i].first) << i;
    EXPECT_EQ(reports[i].current_step(), want[i].second) << i;
    EXPECT_EQ(reports[i].request_id(),
              "disposition:progress:app-1:" + std::to_string(reports[i].version()));
    EXPECT_TRUE(reports[i].has_at());
  }
  // A refused action and an idempotent repeat report nothing.
  EXPECT_EQ(Return(StepToken(5), "app-1", c.version(), &c).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  {
    auto ctx = Ctx("");
    ASSERT_TRUE(service_stub_->ResumeCase(ctx.get(), resume, &c).ok());
  }
  EXPECT_EQ(Reports("app-1").size(), want.size());
}

TEST_F(WithdrawFixture, WithdrawCaseBeforeOpenCaseRecordsItWithdrawnAndOpenCaseOpensNothing) {
  v1::Case w;
  grpc::Status s = WithdrawCase("app-early", &w);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(w.status(), v1::CASE_STATUS_WITHDRAWN);
  ASSERT_EQ(w.timeline_size(), 1);
  EXPECT_EQ(w.timeline(0).action(), "WITHDRAWN");
  EXPECT_EQ(w.timeline(0).note(), "salah unit");
  // The same call again: the same case.
  v1::Case again;
  ASSERT_TRUE(WithdrawCase("app-early", &again).ok());
  EXPECT_EQ(again.version(), w.version());

  // Intake's OpenCase arrives later (its outbox): it answers the withdrawn case, opens nothing.
  v1::Case opened;
  ASSERT_TRUE(Open(OpenRequest("app-early"), &opened).ok());
  EXPECT_EQ(opened.status(), v1::CASE_STATUS_WITHDRAWN);
  EXPECT_EQ(opened.version(), w.version());
  v1::ListInboxResponse inbox;
  {
    auto ctx = Ctx(StepToken(2));
    ASSERT_TRUE(stub_->ListInbox(ctx.get(), {}, &inbox).ok());
  }
  EXPECT_EQ(inbox.cases_size(), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM case_timeline WHERE application_id = 'app-early'"), 1);
  std::vector<v1::RecordProgressRequest> reports = Reports("app-early");
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].status(), v1::APPLICATION_STATUS_WITHDRAWN);
  EXPECT_EQ(reports[0].current_step(), v1::STEP_SUBMISSION);
  // Nobody can act on it.
  EXPECT_EQ(Forward(StepToken(2), "app-early", opened.version(), &opened).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(WithdrawFixture, WithdrawCaseAfterSentToCaIsRefusedNamingTheRemedyAndChangesNothing) {
  v1::Case c = AtStep("app-sent", 5);
  ASSERT_TRUE(Verify(StepToken(5), "app-sent", c.version(), AllChecked(), &c).ok());
  const int64_t outbox = Count("SELECT count(*) FROM outbox");
  v1::Case w;
  grpc::Status s = WithdrawCase("app-sent", &w);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("revoke"), std::string::npos) << s.error_message();
  v1::Case now;
  ASSERT_TRUE(GetCase(Token("AUDITOR"), "app-sent", &now).ok());
  EXPECT_EQ(now.status(), v1::CASE_STATUS_SENT_TO_CA);
  EXPECT_EQ(now.version(), c.version());
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), outbox);
  EXPECT_EQ(Count("SELECT count(*) FROM case_requests WHERE kind = 'WITHDRAW'"), 0);
}

// SOP step 5 against a withdrawal, at the same moment on the same case: the case's row lock
// and version decide; exactly one wins, and each answer agrees with the final state (never
// "withdrawn" while the enrollment goes ahead).
TEST_F(WithdrawFixture, AVerifyAndAWithdrawalRacingOnOneCaseHaveExactlyOneWinner) {
  int verify_won = 0, withdraw_won = 0;
  for (int round = 0; round < 12; ++round) {
    const std::string id = "race-" + std::to_string(round);
    v1::Case c = AtStep(id, 5);
    grpc::Status verified, withdrawn;
    v1::Case verify_answer, withdraw_answer;
    std::thread verifier(
        [&] { verified = Verify(StepToken(5), id, c.version(), AllChecked(), &verify_answer); });
    std::thread intake([&] { withdrawn = WithdrawCase(id, &withdraw_answer); });
    verifier.join();
    intake.join();
    ASSERT_NE(verified.ok(), withdrawn.ok())
        << "round " << round << ": verify " << verified.error_message() << ", withdraw "
        << withdrawn.error_message();
    v1::Case final_case;
    ASSERT_TRUE(GetCase(Token("AUDITOR"), id, &final_case).ok());
    const int64_t enrollments = Rows(kStartEnrollmentTopic, id);
    if (verified.ok()) {
      ++verify_won;
      EXPECT_EQ(final_case.status(), v1::CASE_STATUS_SENT_TO_CA);
      EXPECT_EQ(verify_answer.status(), v1::CASE_STATUS_SENT_TO_CA);
      EXPECT_EQ(withdrawn.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
          << withdrawn.error_message();
      EXPECT_EQ(enrollments, 1);
    } else {
      ++withdraw_won;
      EXPECT_EQ(final_case.status(), v1::CASE_STATUS_WITHDRAWN);
      EXPECT_EQ(withdraw_answer.status(), v1::CASE_STATUS_WITHDRAWN);
      // The verifier saw a stale version or a closed case.
      EXPECT_TRUE(verified.error_code() == grpc::StatusCode::ABORTED ||
                  verified.error_code() == grpc::StatusCode::FAILED_PRECONDITION)
          << verified.error_message();
      EXPECT_EQ(enrollments, 0);  // no enrollment goes ahead
    }
    // The last progress report intake gets is the final state.
    std::vector<v1::RecordProgressRequest> reports = Reports(id);
    ASSERT_FALSE(reports.empty());
    EXPECT_EQ(reports.back().version(), final_case.version());
    EXPECT_EQ(reports.back().status(), final_case.status() == v1::CASE_STATUS_SENT_TO_CA
                                           ? v1::APPLICATION_STATUS_SENT_TO_CA
                                           : v1::APPLICATION_STATUS_WITHDRAWN);
  }
  EXPECT_EQ(verify_won + withdraw_won, 12);
}

TEST_F(WithdrawFixture, AMultiLineReasonReachesTheNoticeUnchangedAndTooLongTextsAreRefused) {
  const std::string reason =
      "Dokumen belum lengkap:\n- KTP buram\n- SK tidak ditandatangani\n\nMohon unggah ulang.";
  v1::Case c = AtStep("app-text", 3);
  v1::ReturnRequest r;
  r.set_application_id("app-text");
  r.set_expected_version(c.version());
  r.set_reason(reason);
  r.add_missing_documents(v1::DOCUMENT_KIND_KTP_COPY);
  {
    auto ctx = Ctx(StepToken(3));
    grpc::Status s = stub_->Return(ctx.get(), r, &c);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_EQ(c.return_reason(), reason);
  pqxx::result n = Query("SELECT payload FROM outbox WHERE topic = '" +
                         std::string(kSendNotificationTopic) + "'");
  ASSERT_EQ(n.size(), 1u);
  v1::SendNotificationRequest notice;
  ASSERT_TRUE(notice.ParseFromString(pqxx::binarystring(n[0]["payload"]).str()));
  EXPECT_EQ(notice.params().at("reason"), reason);

  // Over the field rules' limit, or with a carriage return: INVALID_ARGUMENT, nothing changed.
  v1::Case d = AtStep("app-long", 2);
  const int64_t outbox = Count("SELECT count(*) FROM outbox");
  v1::Case out;
  EXPECT_EQ(
      Forward(StepToken(2), "app-long", d.version(), &out, std::string(1001, 'x')).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  v1::RejectRequest rej;
  rej.set_application_id("app-long");
  rej.set_expected_version(d.version());
  rej.set_reason("baris satu\r\nbaris dua");
  auto ctx = Ctx(StepToken(2));
  grpc::Status s = stub_->Reject(ctx.get(), rej, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadRequestFields(s), std::vector<std::string>{"reason"});
  v1::Case still;
  ASSERT_TRUE(GetCase(Token("AUDITOR"), "app-long", &still).ok());
  EXPECT_EQ(still.version(), d.version());
  EXPECT_EQ(still.status(), v1::CASE_STATUS_IN_REVIEW);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), outbox);
}

}  // namespace
}  // namespace sertel::disposition::itest
