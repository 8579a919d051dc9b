// sertelctl outbox list / retry against a real OutboxAdminService over TLS and real PostgreSQL:
// `list --dead` shows the DEAD row (table and JSON), `retry` puts it back and says so, and each
// refusal has its documented exit code (17 wrong role, 26 no token, 13 a bad id, 15 an unknown
// row, 19 a row that is not DEAD, 2 a usage error) and changes nothing.
#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <sstream>

#include "common/audit_log.h"
#include "common/migrations.h"
#include "common/outbox.h"
#include "common/outbox_admin_manager.h"
#include "common/outbox_admin_service_impl.h"
#include "common/outbox_table_backend.h"
#include "common/uuid.h"
#include "nlohmann/json.hpp"
#include "outbox_commands.h"
#include "tests/harness/test_database.h"
#include "tests/harness/test_pki.h"
#include "tests/harness/test_server.h"

namespace sertel::ctl {
namespace {

constexpr char kSchema[] = "intake";

class OutboxCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApplyMigrations(db_.url(), kSchema, {&common::Migrations()}).ok());
    auto pool =
        PgPool::Create({.url = db_.url(), .schema = kSchema, .size = 2, .on_connect = nullptr});
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = std::move(*pool);
    backend_ = std::make_unique<OutboxTableBackend>(pool_.get(), &audit_, "intake");
    manager_ = std::make_unique<OutboxAdminManager>(backend_.get());
    authn_ = sertel::testing::MakeTestAuthenticator(pki_);
    impl_ = std::make_unique<OutboxAdminServiceImpl>(manager_.get(), authn_.get());
    server_ = std::make_unique<sertel::testing::TestServer>(
        pki_, std::vector<grpc::Service*>{impl_.get()});

    // One row the downstream refused for good.
    app_ = NewUuid();
    ASSERT_TRUE(pool_
                    ->InTransaction([&](pqxx::work& tx) {
                      Outbox::Enqueue(tx, OutboxItem{.topic = "disposition.OpenCase",
                                                     .key = "intake:open:" + app_,
                                                     .payload = "p",
                                                     .application_id = app_});
                      return absl::OkStatus();
                    })
                    .ok());
    OutboxDispatcher dispatcher(pool_.get(), OutboxConfig{});
    dispatcher.Register("disposition.OpenCase", [](const OutboxMessage&) {
      return absl::InvalidArgumentError("applicant.unit: unknown unit code");
    });
    ASSERT_TRUE(dispatcher.RunOnce().ok());
    id_ = Sql("SELECT id::text FROM intake.outbox");
  }

  Globals As(const std::vector<std::string>& roles) {
    Globals g;
    g.connection.address = server_->address();
    g.connection.ca_file = pki_.ca_cert_path();
    if (!roles.empty()) g.connection.token = pki_.MintToken(roles, "operator-1");
    return g;
  }
  std::string Sql(const std::string& sql) {
    pqxx::connection conn(db_.url());
    pqxx::nontransaction tx(conn);
    return tx.exec(sql)[0][0].as<std::string>();
  }
  std::string State() {
    return Sql("SELECT status || ':' || retries || ':' || attempts FROM intake.outbox");
  }

  sertel::testing::TestDatabase db_;
  sertel::testing::TestPki pki_;
  std::unique_ptr<PgPool> pool_;
  AuditLog audit_{sertel::testing::TestAuditKey()};
  std::unique_ptr<OutboxTableBackend> backend_;
  std::unique_ptr<OutboxAdminManager> manager_;
  std::unique_ptr<Authenticator> authn_;
  std::unique_ptr<OutboxAdminServiceImpl> impl_;
  std::unique_ptr<sertel::testing::TestServer> server_;
  std::string app_, id_;
};

TEST_F(OutboxCommandsTest, ListDeadShowsTheRowAsATableAndAsJson) {
  std::ostringstream out;
  OutboxListOptions o{.service = "intake", .dead = true};
  ASSERT_EQ(RunOutboxList(As({"AUDITOR"}), o, out), kExitOk);
  std::string text = out.str();
  EXPECT_NE(text.find("disposition.OpenCase"), std::string::npos) << text;
  EXPECT_NE(text.find("DEAD"), std::string::npos) << text;
  EXPECT_NE(text.find(app_), std::string::npos) << text;
  EXPECT_NE(text.find("unknown unit code"), std::string::npos) << text;

  Globals json = As({"OPERATOR"});
  json.output = "json";
  std::ostringstream js;
  o.application_id = app_;
  ASSERT_EQ(RunOutboxList(json, o, js), kExitOk);
  nlohmann::json j = nlohmann::json::parse(js.str());
  ASSERT_EQ(j["messages"].size(), 1u) << js.str();
  EXPECT_EQ(j["messages"][0]["id"], id_);
  EXPECT_EQ(j["messages"][0]["service"], "intake");
  EXPECT_EQ(j["messages"][0]["state"], "OUTBOX_STATE_DEAD");

  std::ostringstream none;
  o.application_id = NewUuid();
  ASSERT_EQ(RunOutboxList(As({"OPERATOR"}), o, none), kExitOk);
  EXPECT_EQ(none.str(), "no outbox rows\n");
}

TEST_F(OutboxCommandsTest, RetryPutsTheRowBackAndSaysSo) {
  std::ostringstream out;
  ASSERT_EQ(RunOutboxRetry(As({"OPERATOR"}),
                           {.service = "intake", .id = id_, .reason = "unit code fixed"}, out),
            kExitOk);
  EXPECT_NE(out.str().find("is PENDING again"), std::string::npos) << out.str();
  EXPECT_EQ(State(), "PENDING:1:0");
  EXPECT_EQ(Sql("SELECT count(*) FROM intake.audit_log WHERE action = 'OUTBOX_RETRIED' AND "
                "details LIKE '%unit code fixed%'"),
            "1");
  std::ostringstream again;
  EXPECT_EQ(RunOutboxRetry(As({"OPERATOR"}), {.service = "intake", .id = id_}, again), 19)
      << "a PENDING row is not retried twice";
}

TEST_F(OutboxCommandsTest, RefusalsHaveTheirExitCodesAndChangeNothing) {
  const std::string before = State();
  std::ostringstream out;
  EXPECT_EQ(RunOutboxRetry(As({"AUDITOR"}), {.service = "intake", .id = id_}, out), 17);
  EXPECT_EQ(RunOutboxRetry(As({}), {.service = "intake", .id = id_}, out), 26);
  EXPECT_EQ(RunOutboxRetry(As({"OPERATOR"}), {.service = "intake", .id = "12x"}, out), 13);
  EXPECT_EQ(RunOutboxRetry(As({"OPERATOR"}), {.service = "intake", .id = "777777"}, out), 15);
  EXPECT_EQ(RunOutboxRetry(As({"OPERATOR"}), {.service = "billing", .id = id_}, out), kExitUsage);
  EXPECT_EQ(RunOutboxList(As({"OPERATOR"}), {.service = "all", .dead = true}, out), kExitUsage)
      << "--address names one service";
  EXPECT_EQ(
      RunOutboxList(As({"OPERATOR"}), {.service = "intake", .dead = true, .state = "pending"}, out),
      kExitUsage);
  EXPECT_EQ(RunOutboxList(As({"APPLICANT"}), {.service = "intake", .dead = true}, out), 17);
  EXPECT_EQ(State(), before);
  EXPECT_EQ(Sql("SELECT count(*) FROM intake.audit_log"), "0");
}

}  // namespace
}  // namespace sertel::ctl
