// Intake and disposition together in one process, each on its own schema of one real
// PostgreSQL database, talking over real gRPC with mTLS: intake's WithdrawApplication (which
// calls disposition's WithdrawCase first) races the verifier's Verify on the same case. Exactly
// one wins; intake's answer agrees with the case's final state, and so does what intake lists
// once disposition's progress reports are delivered: never WITHDRAWN while the enrollment goes
// ahead, never SENT_TO_CA for a withdrawn application.
#include <grpcpp/grpcpp.h>

#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "common/audit_log.h"
#include "common/grpc_client.h"
#include "common/migrations.h"
#include "common/notification_order.h"
#include "common/outbox.h"
#include "common/pg_pool.h"
#include "common/progress_client.h"
#include "disposition_client.h"
#include "disposition_manager.h"
#include "disposition_payloads.h"
#include "disposition_service_impl.h"
#include "disposition_store.h"
#include "gtest/gtest.h"
#include "intake_manager.h"
#include "intake_payloads.h"
#include "intake_service_impl.h"
#include "intake_store.h"
#include "sertel/v1/disposition.grpc.pb.h"
#include "sertel/v1/intake.grpc.pb.h"
#include "tests/harness/test_database.h"
#include "tests/harness/test_pki.h"
#include "tests/harness/test_server.h"
#include "tests/unit/intake/test_applications.h"

namespace sertel::intake {
const std::vector<Migration>& Migrations();
}  // namespace sertel::intake
namespace sertel::disposition {
const std::vector<Migration>& Migrations();
}  // namespace sertel::disposition

namespace sertel {
namespace {

using sertel::testing::ContextWithToken;

std::unique_ptr<PgPool> Pool(const std::string& url, const std::string& schema) {
  auto pool = PgPool::Create({.url = url, .schema = schema, .size = 4, .on_connect = nullptr});
  EXPECT_TRUE(pool.ok()) << pool.status();
  return pool.ok() ? std::move(*pool) : nullptr;
}

OutboxConfig FastOutbox() {
  OutboxConfig c;
  c.base_backoff = absl::Milliseconds(1);
  c.max_backoff = absl::Milliseconds(2);
  return c;
}

class WithdrawalRaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        ApplyMigrations(db_.url(), "intake", {&common::Migrations(), &intake::Migrations()}).ok());
    ASSERT_TRUE(ApplyMigrations(db_.url(), "disposition",
                                {&common::Migrations(), &disposition::Migrations()})
                    .ok());
    intake_pool_ = Pool(db_.url(), "intake");
    disposition_pool_ = Pool(db_.url(), "disposition");
    ASSERT_TRUE(intake_pool_ && disposition_pool_);
    authn_ = sertel::testing::MakeTestAuthenticator(pki_);
    ClientConfig client = sertel::testing::TestClientConfig(pki_, ServiceId::kIntake);
    ClientConfig disposition_identity =
        sertel::testing::TestClientConfig(pki_, ServiceId::kDisposition);

    // disposition-service
    disposition_store_ =
        std::make_unique<disposition::DispositionStore>(disposition_pool_.get(), &audit_);
    disposition_manager_ = std::make_unique<disposition::DispositionManager>(
        disposition_store_.get(), SystemClock::Default());
    disposition_impl_ = std::make_unique<disposition::DispositionServiceImpl>(
        disposition_manager_.get(), authn_.get());
    disposition_server_ = std::make_unique<sertel::testing::TestServer>(
        pki_, std::vector<grpc::Service*>{disposition_impl_.get()});
    officials_ = v1::DispositionService::NewStub(disposition_server_->Channel());

    // intake-service, calling it (no certificate service: enrollments are not asked)
    auto channel = MakeChannel(disposition_server_->address(), client);
    ASSERT_TRUE(channel.ok()) << channel.status();
    disposition_client_ =
        std::make_unique<intake::DispositionClient>(*channel, client, absl::Seconds(2));
    intake_store_ = std::make_unique<intake::IntakeStore>(intake_pool_.get(), &audit_);
    intake_manager_ = std::make_unique<intake::IntakeManager>(
        intake_store_.get(), disposition_client_.get(), nullptr, SystemClock::Default(),
        intake::IntakeManager::Options{.units = &intake::testdata::SampleUnits(),
                                       .withdrawals = disposition_client_.get()});
    intake_impl_ = std::make_unique<intake::IntakeServiceImpl>(intake_manager_.get(), authn_.get());
    intake_server_ = std::make_unique<sertel::testing::TestServer>(
        pki_, std::vector<grpc::Service*>{intake_impl_.get()});
    intake_ = v1::IntakeService::NewStub(intake_server_->Channel());

    // Each side's outbox: intake -> disposition (OpenCase), disposition -> intake (progress).
    intake_outbox_ = std::make_unique<OutboxDispatcher>(intake_pool_.get(), FastOutbox());
    intake_outbox_->Register(intake::kOpenCaseTopic, [this](const OutboxMessage& m) {
      return disposition_client_->Deliver(m.topic, m.payload);
    });
    intake_outbox_->Register(kSendNotificationTopic,
                             [](const OutboxMessage&) { return absl::OkStatus(); });
    auto intake_channel = MakeChannel(intake_server_->address(), disposition_identity);
    ASSERT_TRUE(intake_channel.ok()) << intake_channel.status();
    progress_ = std::make_unique<ProgressClient>(*intake_channel, disposition_identity);
    disposition_outbox_ = std::make_unique<OutboxDispatcher>(disposition_pool_.get(), FastOutbox());
    disposition_outbox_->Register(kRecordProgressTopic, [this](const OutboxMessage& m) {
      return progress_->Deliver(m.payload);
    });
    for (const char* topic : {disposition::kStartEnrollmentTopic, kSendNotificationTopic}) {
      disposition_outbox_->Register(topic, [](const OutboxMessage&) { return absl::OkStatus(); });
    }
  }

  std::string Token(const std::string& role) { return pki_.MintToken({role}, "sub-" + role); }

  // Delivers what both outboxes hold until neither has anything due.
  void Drain() {
    for (int i = 0; i < 20; ++i) {
      absl::StatusOr<int> a = intake_outbox_->RunOnce();
      absl::StatusOr<int> b = disposition_outbox_->RunOnce();
      ASSERT_TRUE(a.ok() && b.ok());
      if (*a == 0 && *b == 0) return;
    }
  }

  // An application submitted at intake and forwarded by the officials to step 5.
  v1::Case AtVerification(const std::string& request_id, const std::string& nik, std::string* id) {
    v1::Application a;
    {
      auto ctx = ContextWithToken(Token("OPERATOR"));
      grpc::Status s = intake_->SubmitApplication(
          ctx.get(), intake::testdata::ValidRequest(request_id, nik), &a);
      EXPECT_TRUE(s.ok()) << s.error_message();
    }
    *id = a.id();
    Drain();  // OpenCase reaches disposition
    v1::Case c;
    {
      auto ctx = ContextWithToken(Token("AUDITOR"));
      v1::GetCaseRequest r;
      r.set_application_id(a.id());
      EXPECT_TRUE(officials_->GetCase(ctx.get(), r, &c).ok());
    }
    for (const char* role : {"HEAD_OF_AGENCY", "HEAD_OF_DIVISION", "HEAD_OF_SECTION"}) {
      v1::ForwardRequest r;
      r.set_application_id(a.id());
      r.set_expected_version(c.version());
      r.set_note("lanjut");
      auto ctx = ContextWithToken(Token(role));
      grpc::Status s = officials_->Forward(ctx.get(), r, &c);
      EXPECT_TRUE(s.ok()) << role << ": " << s.error_message();
    }
    Drain();
    return c;
  }

  int64_t Count(const std::string& schema, const std::string& sql) {
    pqxx::connection conn(db_.url());
    pqxx::nontransaction tx(conn);
    tx.exec("SET search_path TO " + schema);
    return tx.exec(sql)[0][0].as<int64_t>();
  }

  sertel::testing::TestDatabase db_;
  sertel::testing::TestPki pki_;
  AuditLog audit_{sertel::testing::TestAuditKey()};
  std::unique_ptr<PgPool> intake_pool_, disposition_pool_;
  std::unique_ptr<Authenticator> authn_;
  std::unique_ptr<disposition::DispositionStore> disposition_store_;
  std::unique_ptr<disposition::DispositionManager> disposition_manager_;
  std::unique_ptr<disposition::DispositionServiceImpl> disposition_impl_;
  std::unique_ptr<sertel::testing::TestServer> disposition_server_;
  std::unique_ptr<v1::DispositionService::Stub> officials_;
  std::unique_ptr<intake::DispositionClient> disposition_client_;
  std::unique_ptr<intake::IntakeStore> intake_store_;
  std::unique_ptr<intake::IntakeManager> intake_manager_;
  std::unique_ptr<intake::IntakeServiceImpl> intake_impl_;
  std::unique_ptr<sertel::testing::TestServer> intake_server_;
  std::unique_ptr<v1::IntakeService::Stub> intake_;
  std::unique_ptr<ProgressClient> progress_;
  std::unique_ptr<OutboxDispatcher> intake_outbox_, disposition_outbox_;
};

TEST_F(WithdrawalRaceTest, AVerifyAndAWithdrawalOnOneCaseHaveOneWinnerAndEveryAnswerAgrees) {
  constexpr int kRounds = 8;
  int verify_won = 0, withdraw_won = 0;
  for (int round = 0; round < kRounds; ++round) {
    std::string nik = intake::testdata::kNik;
    nik.replace(12, 4, std::to_string(2000 + round));  // another person each round
    std::string id;
    v1::Case c = AtVerification("race-" + std::to_string(round), nik, &id);
    ASSERT_EQ(c.current_step(), v1::STEP_VERIFICATION);

    grpc::Status verified, withdrawn;
    v1::Case verify_answer;
    v1::Application withdraw_answer;
    std::thread verifier([&] {
      v1::VerifyRequest r;
      r.set_application_id(id);
      r.set_expected_version(c.version());
      v1::Checklist* cl = r.mutable_checklist();
      cl->set_request_letter_ok(true);
      cl->set_bsre_form_ok(true);
      cl->set_ktp_copy_ok(true);
      cl->set_sk_copy_ok(true);
      cl->set_identity_matches_documents(true);
      auto ctx = ContextWithToken(Token("VERIFIER"));
      verified = officials_->Verify(ctx.get(), r, &verify_answer);
    });
    std::thread applicant([&] {
      v1::WithdrawApplicationRequest r;
      r.set_application_id(id);
      r.set_reason("pindah tugas");
      auto ctx = ContextWithToken(pki_.MintToken({"APPLICANT"}, "applicant", nik));
      withdrawn = intake_->WithdrawApplication(ctx.get(), r, &withdraw_answer);
    });
    verifier.join();
    applicant.join();
    ASSERT_NE(verified.ok(), withdrawn.ok())
        << "round " << round << ": verify " << verified.error_message() << "; withdraw "
        << withdrawn.error_message();

    const std::string where = "application_id = '" + id + "'";
    const int64_t enrollments =
        Count("disposition", "SELECT count(*) FROM outbox WHERE topic = '" +
                                 std::string(disposition::kStartEnrollmentTopic) +
                                 "' AND idempotency_key LIKE '%" + id + "%'");
    const int64_t intake_withdrawn =
        Count("intake",
              "SELECT count(*) FROM applications WHERE id = '" + id + "' AND status = 'WITHDRAWN'");
    const int64_t case_withdrawn = Count(
        "disposition", "SELECT count(*) FROM cases WHERE " + where + " AND status = 'WITHDRAWN'");
    if (withdrawn.ok()) {
      ++withdraw_won;
      EXPECT_EQ(withdraw_answer.status(), v1::APPLICATION_STATUS_WITHDRAWN);
      EXPECT_TRUE(verified.error_code() == grpc::StatusCode::ABORTED ||
                  verified.error_code() == grpc::StatusCode::FAILED_PRECONDITION)
          << verified.error_message();
      EXPECT_EQ(enrollments, 0);  // the enrollment does not go ahead
      EXPECT_EQ(intake_withdrawn, 1);
      EXPECT_EQ(case_withdrawn, 1);
    } else {
      ++verify_won;
      EXPECT_EQ(verify_answer.status(), v1::CASE_STATUS_SENT_TO_CA);
      EXPECT_EQ(withdrawn.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
          << withdrawn.error_message();
      EXPECT_NE(withdrawn.error_message().find("revoke"), std::string::npos)
          << withdrawn.error_message();
      EXPECT_EQ(enrollments, 1);
      EXPECT_EQ(intake_withdrawn, 0);  // intake never wrote WITHDRAWN
      EXPECT_EQ(case_withdrawn, 0);
    }

    // Disposition's progress reports reach intake: its list says what happened.
    Drain();
    v1::ListApplicationsRequest lr;
    lr.set_nik(nik);
    v1::ListApplicationsResponse listed;
    auto ctx = ContextWithToken(Token("AUDITOR"));
    ASSERT_TRUE(intake_->ListApplications(ctx.get(), lr, &listed).ok());
    ASSERT_EQ(listed.applications_size(), 1);
    EXPECT_EQ(listed.applications(0).status(), withdrawn.ok() ? v1::APPLICATION_STATUS_WITHDRAWN
                                                              : v1::APPLICATION_STATUS_SENT_TO_CA);
    EXPECT_EQ(listed.applications(0).current_step(),
              withdrawn.ok() ? v1::STEP_SUBMISSION : v1::STEP_VERIFICATION);
  }
  EXPECT_EQ(verify_won + withdraw_won, kRounds);
  // Every progress report was delivered (none DEAD, none waiting).
  EXPECT_EQ(
      Count("disposition", "SELECT count(*) FROM outbox WHERE topic = '" +
                               std::string(kRecordProgressTopic) + "' AND status <> 'DELIVERED'"),
      0);
}

TEST_F(WithdrawalRaceTest, AWithdrawalBeforeOpenCaseArrivesClosesTheCaseAndTheListAgrees) {
  v1::Application a;
  {
    auto ctx = ContextWithToken(Token("OPERATOR"));
    ASSERT_TRUE(
        intake_->SubmitApplication(ctx.get(), intake::testdata::ValidRequest("early"), &a).ok());
  }
  // OpenCase is still in intake's outbox: the withdrawal goes to disposition first anyway.
  v1::Application out;
  {
    v1::WithdrawApplicationRequest r;
    r.set_application_id(a.id());
    auto ctx = ContextWithToken(Token("OPERATOR"));
    grpc::Status s = intake_->WithdrawApplication(ctx.get(), r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_EQ(out.status(), v1::APPLICATION_STATUS_WITHDRAWN);
  Drain();  // OpenCase arrives now: it opens nothing
  EXPECT_EQ(Count("intake", "SELECT count(*) FROM outbox WHERE status <> 'DELIVERED'"), 0);
  EXPECT_EQ(Count("disposition", "SELECT count(*) FROM cases WHERE status = 'WITHDRAWN'"), 1);
  v1::ListInboxResponse inbox;
  {
    auto ctx = ContextWithToken(Token("HEAD_OF_AGENCY"));
    ASSERT_TRUE(officials_->ListInbox(ctx.get(), {}, &inbox).ok());
  }
  EXPECT_EQ(inbox.cases_size(), 0);
  // The person may apply again.
  auto ctx = ContextWithToken(Token("OPERATOR"));
  ASSERT_TRUE(
      intake_->SubmitApplication(ctx.get(), intake::testdata::ValidRequest("again"), &out).ok());
}

}  // namespace
}  // namespace sertel
