// A permanent failure is loud and repairable (issue 15), against real PostgreSQL and real gRPC
// over TLS: a row made DEAD by a permanent error marks its application (attention) and shows in
// the gauge; ListOutboxMessages lists it (filters, newest first, page tokens bound to the
// filters); RetryOutboxMessage puts it back, audited, and once the downstream accepts it is
// delivered and the attention clears. Every refusal (wrong role, no token, a bad id, a row that
// is not DEAD, an unknown row) changes nothing.
#include <grpcpp/grpcpp.h>

#include <pqxx/pqxx>

#include "common/audit_log.h"
#include "common/metrics.h"
#include "common/migrations.h"
#include "common/outbox.h"
#include "common/outbox_admin_manager.h"
#include "common/outbox_admin_service_impl.h"
#include "common/outbox_attention.h"
#include "common/outbox_table_backend.h"
#include "common/pg_pool.h"
#include "common/uuid.h"
#include "gtest/gtest.h"
#include "tests/harness/test_database.h"
#include "tests/harness/test_pki.h"
#include "tests/harness/test_server.h"

namespace sertel {
namespace {

using testing::ContextWithToken;

constexpr char kSchema[] = "outboxadmintest";
constexpr char kService[] = "admintest";
constexpr char kTopic[] = "certificate.StartEnrollment";

class OutboxAdminIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApplyMigrations(db_.url(), kSchema, {&common::Migrations()}).ok());
    auto pool =
        PgPool::Create({.url = db_.url(), .schema = kSchema, .size = 4, .on_connect = nullptr});
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = std::move(*pool);
    config_.max_attempts = 5;
    config_.base_backoff = absl::Milliseconds(1);
    config_.max_backoff = absl::Milliseconds(2);
    dispatcher_ = std::make_unique<OutboxDispatcher>(pool_.get(), config_);
    dispatcher_->CountDeadRows(kService);
    // The downstream: refuses the request for good until `accept_` (the data was fixed).
    dispatcher_->Register(kTopic, [this](const OutboxMessage& m) -> absl::Status {
      ++calls_;
      delivered_payloads_.push_back(m.payload);
      if (!accept_) return absl::InvalidArgumentError("subject OU is longer than 64 characters");
      return absl::OkStatus();
    });
    backend_ = std::make_unique<OutboxTableBackend>(pool_.get(), &audit_, kService);
    manager_ = std::make_unique<OutboxAdminManager>(backend_.get());
    authn_ = testing::MakeTestAuthenticator(pki_);
    impl_ = std::make_unique<OutboxAdminServiceImpl>(manager_.get(), authn_.get());
    server_ = std::make_unique<testing::TestServer>(pki_, std::vector<grpc::Service*>{impl_.get()});
    stub_ = v1::OutboxAdminService::NewStub(server_->Channel());
  }

  void Enqueue(const std::string& key, const std::string& application_id) {
    ASSERT_TRUE(pool_
                    ->InTransaction([&](pqxx::work& tx) {
                      Outbox::Enqueue(tx, OutboxItem{.topic = kTopic,
                                                     .key = key,
                                                     .payload = "payload-" + key,
                                                     .application_id = application_id});
                      return absl::OkStatus();
                    })
                    .ok());
  }

  // One column of the row with idempotency key `key`, as text.
  std::string Column(const std::string& key, const std::string& column) {
    pqxx::connection conn(db_.url());
    pqxx::nontransaction tx(conn);
    pqxx::result r = tx.exec_params("SELECT COALESCE(" + column + "::text, '<null>') FROM " +
                                        kSchema + ".outbox WHERE idempotency_key = $1",
                                    key);
    return r.empty() ? "<no row>" : r[0][0].as<std::string>();
  }
  int64_t IdOf(const std::string& key) { return std::stoll(Column(key, "id")); }
  int64_t AuditRows(const std::string& action) {
    pqxx::connection conn(db_.url());
    pqxx::nontransaction tx(conn);
    return tx
        .exec_params(
            std::string("SELECT count(*) FROM ") + kSchema + ".audit_log WHERE action = $1",
            action)[0][0]
        .as<int64_t>();
  }
  // Everything about the outbox that a refused call must leave as it was.
  std::string OutboxSnapshot() {
    pqxx::connection conn(db_.url());
    pqxx::nontransaction tx(conn);
    std::string out;
    for (const auto& r : tx.exec(std::string("SELECT id, status, attempts, retries, "
                                             "next_attempt_at, finished_at, last_error FROM ") +
                                 kSchema + ".outbox ORDER BY id")) {
      for (const auto& f : r) out += (f.is_null() ? "<null>" : f.as<std::string>()) + "|";
      out += "\n";
    }
    return out;
  }

  std::optional<AttentionRecord> AttentionOf(const std::string& application_id) {
    absl::StatusOr<std::optional<AttentionRecord>> a =
        OutboxAttentionReader(pool_.get(), kService).AttentionFor(application_id);
    EXPECT_TRUE(a.ok()) << a.status();
    return a.ok() ? *a : std::nullopt;
  }

  std::string GaugeLine() {
    std::string text = Metrics::Global().Render();
    std::string want = std::string("sertel_outbox_dead_rows{service=\"") + kService + "\"} ";
    size_t at = text.find(want);
    if (at == std::string::npos) return "<no gauge>";
    return text.substr(at, text.find('\n', at) - at);
  }

  grpc::Status List(const std::string& token, const v1::ListOutboxMessagesRequest& req,
                    v1::ListOutboxMessagesResponse* out) {
    auto ctx = ContextWithToken(token);
    return stub_->ListOutboxMessages(ctx.get(), req, out);
  }
  grpc::Status Retry(const std::string& token, const std::string& id, const std::string& reason,
                     v1::OutboxMessage* out) {
    v1::RetryOutboxMessageRequest req;
    req.set_id(id);
    req.set_reason(reason);
    auto ctx = ContextWithToken(token);
    return stub_->RetryOutboxMessage(ctx.get(), req, out);
  }
  v1::ListOutboxMessagesRequest Dead(const std::string& application_id = "") {
    v1::ListOutboxMessagesRequest req;
    req.set_state(v1::OUTBOX_STATE_DEAD);
    req.set_application_id(application_id);
    return req;
  }

  std::string Operator() { return pki_.MintToken({"OPERATOR"}, "operator-1"); }

  testing::TestDatabase db_;
  testing::TestPki pki_;
  std::unique_ptr<PgPool> pool_;
  OutboxConfig config_;
  std::unique_ptr<OutboxDispatcher> dispatcher_;
  AuditLog audit_{sertel::testing::TestAuditKey()};
  std::unique_ptr<OutboxTableBackend> backend_;
  std::unique_ptr<OutboxAdminManager> manager_;
  std::unique_ptr<Authenticator> authn_;
  std::unique_ptr<OutboxAdminServiceImpl> impl_;
  std::unique_ptr<testing::TestServer> server_;
  std::unique_ptr<v1::OutboxAdminService::Stub> stub_;
  bool accept_ = false;
  int calls_ = 0;
  std::vector<std::string> delivered_payloads_;
};

TEST_F(OutboxAdminIntegrationTest, PermanentErrorMarksTheApplicationAndTheGauge) {
  const std::string app = NewUuid();
  const std::string other = NewUuid();
  Enqueue("k1", app);
  ASSERT_TRUE(dispatcher_->RunOnce().ok());
  ASSERT_EQ(Column("k1", "status"), "DEAD");
  EXPECT_NE(Column("k1", "finished_at"), "<null>");
  EXPECT_EQ(Column("k1", "application_id"), app);

  std::optional<AttentionRecord> a = AttentionOf(app);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->service, kService);
  EXPECT_EQ(a->what, kTopic);
  EXPECT_EQ(a->outbox_id, std::to_string(IdOf("k1")));
  EXPECT_NE(a->error.find("subject OU is longer than 64 characters"), std::string::npos);
  EXPECT_GT(a->at, absl::Now() - absl::Minutes(1));
  EXPECT_FALSE(AttentionOf(other).has_value()) << "another application is not marked";

  // The page form (a list of cases) finds the same row, and only for that application.
  absl::flat_hash_map<std::string, AttentionRecord> page;
  ASSERT_TRUE(pool_
                  ->InTransaction([&](pqxx::work& tx) {
                    page = OutboxAttentions(tx, kService, {app, other, "quote\"and\\slash"});
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page.at(app), *a);

  ASSERT_TRUE(dispatcher_->RefreshDeadGauge().ok());
  EXPECT_EQ(GaugeLine(), std::string("sertel_outbox_dead_rows{service=\"") + kService + "\"} 1");
}

TEST_F(OutboxAdminIntegrationTest, ListShowsDeadRowsToOperatorsAuditorsAndServices) {
  const std::string app = NewUuid();
  Enqueue("dead", app);
  ASSERT_TRUE(dispatcher_->RunOnce().ok());
  accept_ = true;
  Enqueue("fine", NewUuid());
  ASSERT_TRUE(dispatcher_->RunOnce().ok());
  ASSERT_EQ(Column("fine", "status"), "DELIVERED");

  for (const std::string& token : {Operator(), pki_.MintToken({"AUDITOR"}, "auditor-1")}) {
    v1::ListOutboxMessagesResponse r;
    grpc::Status s = List(token, Dead(), &r);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(r.messages_size(), 1);
    const v1::OutboxMessage& m = r.messages(0);
    EXPECT_EQ(m.id(), std::to_string(IdOf("dead")));
    EXPECT_EQ(m.service(), kService);
    EXPECT_EQ(m.topic(), kTopic);
    EXPECT_EQ(m.state(), v1::OUTBOX_STATE_DEAD);
    EXPECT_EQ(m.attempts(), 1);
    EXPECT_EQ(m.application_id(), app);
    EXPECT_TRUE(m.has_finished_at());
    EXPECT_FALSE(m.has_next_attempt_at());
    EXPECT_EQ(m.retries(), 0);
    EXPECT_TRUE(r.next_page_token().empty());
  }
  // Intake's certificate: intake reads the notification service's failed deliveries.
  auto service_stub = v1::OutboxAdminService::NewStub(server_->ServiceChannel(ServiceId::kIntake));
  v1::ListOutboxMessagesResponse by_service;
  auto ctx = ContextWithToken("");
  ASSERT_TRUE(service_stub->ListOutboxMessages(ctx.get(), Dead(app), &by_service).ok());
  EXPECT_EQ(by_service.messages_size(), 1);

  v1::ListOutboxMessagesResponse all;
  ASSERT_TRUE(List(Operator(), v1::ListOutboxMessagesRequest(), &all).ok());
  ASSERT_EQ(all.messages_size(), 2);
  EXPECT_EQ(all.messages(0).id(), std::to_string(IdOf("fine"))) << "newest first";
  EXPECT_EQ(all.messages(0).state(), v1::OUTBOX_STATE_DELIVERED);

  v1::ListOutboxMessagesResponse none;
  ASSERT_TRUE(List(Operator(), Dead(NewUuid()), &none).ok());
  EXPECT_EQ(none.messages_size(), 0);
}

TEST_F(OutboxAdminIntegrationTest, ListPagesNewestFirstWithTokensBoundToTheFilters) {
  const std::string app = NewUuid();
  for (int i = 0; i < 5; ++i) Enqueue("row-" + std::to_string(i), app);
  ASSERT_TRUE(dispatcher_->RunOnce().ok());
  std::vector<std::string> seen;
  v1::ListOutboxMessagesRequest req = Dead(app);
  req.set_page_size(2);
  std::string first_token;
  for (int page = 0; page < 5; ++page) {
    v1::ListOutboxMessagesResponse r;
    ASSERT_TRUE(List(Operator(), req, &r).ok());
    for (const auto& m : r.messages()) seen.push_back(m.id());
    if (first_token.empty()) first_token = r.next_page_token();
    if (r.next_page_token().empty()) break;
    req.set_page_token(r.next_page_token());
  }
  ASSERT_EQ(seen.size(), 5u);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(seen[i], std::to_string(IdOf("row-" + std::to_string(4 - i))));

  // The token of the DEAD list of `app` does not page another list.
  v1::ListOutboxMessagesRequest other = Dead(NewUuid());
  other.set_page_token(first_token);
  v1::ListOutboxMessagesResponse r;
  grpc::Status s = List(Operator(), other, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("page_token"), std::string::npos) << s.error_message();
  v1::ListOutboxMessagesRequest any_state;
  any_state.set_application_id(app);
  any_state.set_page_token(first_token);
  EXPECT_EQ(List(Operator(), any_state, &r).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::ListOutboxMessagesRequest bad;
  bad.set_application_id("not-a-uuid' OR 1=1 --");
  bad.set_state(static_cast<v1::OutboxState>(9));
  bad.set_page_size(-1);
  s = List(Operator(), bad, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  for (const char* field : {"application_id", "state", "page_size"}) {
    EXPECT_NE(s.error_message().find(field), std::string::npos) << s.error_message();
  }
}

TEST_F(OutboxAdminIntegrationTest, RetryDeliversOnceTheDownstreamAcceptsAndTheAttentionClears) {
  const std::string app = NewUuid();
  Enqueue("k", app);
  ASSERT_TRUE(dispatcher_->RunOnce().ok());
  ASSERT_TRUE(AttentionOf(app).has_value());
  const std::string id = std::to_string(IdOf("k"));

  accept_ = true;  // the operator fixed the data
  v1::OutboxMessage m;
  grpc::Status s = Retry(Operator(), id, "OU shortened in the unit registry", &m);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(m.id(), id);
  EXPECT_EQ(m.state(), v1::OUTBOX_STATE_PENDING);
  EXPECT_EQ(m.attempts(), 0);
  EXPECT_EQ(m.retries(), 1);
  EXPECT_TRUE(m.has_next_attempt_at());
  EXPECT_FALSE(m.has_finished_at());
  EXPECT_EQ(Column("k", "status"), "PENDING");
  EXPECT_FALSE(AttentionOf(app).has_value()) << "a row being retried no longer marks it";

  // Audited with the reason, on the chain.
  EXPECT_EQ(AuditRows("OUTBOX_RETRIED"), 1);
  {
    pqxx::connection conn(db_.url());
    pqxx::nontransaction tx(conn);
    pqxx::result r = tx.exec(std::string("SELECT actor_sub, actor_role, entity_id, details FROM ") +
                             kSchema + ".audit_log WHERE action = 'OUTBOX_RETRIED'");
    EXPECT_EQ(r[0]["actor_sub"].as<std::string>(), "operator-1");
    EXPECT_EQ(r[0]["actor_role"].as<std::string>(), "OPERATOR");
    EXPECT_EQ(r[0]["entity_id"].as<std::string>(), id);
    std::string details = r[0]["details"].as<std::string>();
    EXPECT_NE(details.find("OU shortened in the unit registry"), std::string::npos) << details;
    EXPECT_NE(details.find(app), std::string::npos) << details;
  }
  ASSERT_TRUE(audit_.Verify(pool_->Acquire()->conn())->ok);

  const int calls_before = calls_;
  ASSERT_TRUE(dispatcher_->RunOnce().ok());
  EXPECT_EQ(calls_, calls_before + 1) << "delivered once";
  EXPECT_EQ(delivered_payloads_.back(), "payload-k") << "the same request, unchanged";
  EXPECT_EQ(Column("k", "status"), "DELIVERED");
  EXPECT_EQ(Column("k", "retries"), "1");
  EXPECT_NE(Column("k", "finished_at"), "<null>");
  EXPECT_FALSE(AttentionOf(app).has_value());
  ASSERT_TRUE(dispatcher_->RefreshDeadGauge().ok());
  EXPECT_EQ(GaugeLine(), std::string("sertel_outbox_dead_rows{service=\"") + kService + "\"} 0");
  ASSERT_TRUE(dispatcher_->RunOnce().ok());
  EXPECT_EQ(calls_, calls_before + 1) << "and never again";

  // Nothing is deleted: the row is still there, DELIVERED, for the record.
  v1::ListOutboxMessagesResponse all;
  ASSERT_TRUE(List(Operator(), v1::ListOutboxMessagesRequest(), &all).ok());
  EXPECT_EQ(all.messages_size(), 1);
}

TEST_F(OutboxAdminIntegrationTest, RefusedRetriesChangeNothing) {
  const std::string app = NewUuid();
  Enqueue("dead", app);
  ASSERT_TRUE(dispatcher_->RunOnce().ok());
  accept_ = true;
  Enqueue("delivered", NewUuid());
  ASSERT_TRUE(dispatcher_->RunOnce().ok());
  const std::string dead_id = std::to_string(IdOf("dead"));
  const std::string before = OutboxSnapshot();

  struct Attack {
    std::string what, token, id;
    grpc::StatusCode want;
    std::string says;
  };
  const std::vector<Attack> attacks = {
      {"no token", "", dead_id, grpc::StatusCode::UNAUTHENTICATED, ""},
      {"an auditor (read-only)", pki_.MintToken({"AUDITOR"}, "a"), dead_id,
       grpc::StatusCode::PERMISSION_DENIED, "OPERATOR"},
      {"a verifier", pki_.MintToken({"VERIFIER"}, "v"), dead_id,
       grpc::StatusCode::PERMISSION_DENIED, ""},
      {"an applicant", pki_.MintToken({"APPLICANT"}, "u", "3171014101900001"), dead_id,
       grpc::StatusCode::PERMISSION_DENIED, ""},
      {"an expired operator token", pki_.MintToken({"OPERATOR"}, "o", "", absl::Minutes(-5)),
       dead_id, grpc::StatusCode::UNAUTHENTICATED, ""},
      {"a non-numeric id", Operator(), "abc", grpc::StatusCode::INVALID_ARGUMENT, "id"},
      {"SQL in the id", Operator(), dead_id + " OR 1=1", grpc::StatusCode::INVALID_ARGUMENT, "id"},
      {"a negative id", Operator(), "-" + dead_id, grpc::StatusCode::INVALID_ARGUMENT, "id"},
      {"an empty id", Operator(), "", grpc::StatusCode::INVALID_ARGUMENT, "id"},
      {"an id past int64", Operator(), "99999999999999999999", grpc::StatusCode::INVALID_ARGUMENT,
       "id"},
      {"an unknown row", Operator(), "987654", grpc::StatusCode::NOT_FOUND, ""},
      {"a DELIVERED row", Operator(), std::to_string(IdOf("delivered")),
       grpc::StatusCode::FAILED_PRECONDITION, "not DEAD"},
  };
  for (const Attack& a : attacks) {
    v1::OutboxMessage m;
    grpc::Status s = Retry(a.token, a.id, "try", &m);
    EXPECT_EQ(s.error_code(), a.want) << a.what << ": " << s.error_message();
    if (!a.says.empty()) {
      EXPECT_NE(s.error_message().find(a.says), std::string::npos)
          << a.what << ": " << s.error_message();
    }
  }
  // A reason past the limit of field_rules::kReason is refused as well.
  v1::OutboxMessage m;
  grpc::Status s = Retry(Operator(), dead_id, std::string(1001, 'x'), &m);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_NE(s.error_message().find("reason"), std::string::npos) << s.error_message();

  EXPECT_EQ(OutboxSnapshot(), before) << "no refused call changed a row";
  EXPECT_EQ(AuditRows("OUTBOX_RETRIED"), 0);
  EXPECT_TRUE(AttentionOf(app).has_value()) << "the application is still marked";

  // A PENDING row (already retried once) is not retried twice.
  ASSERT_TRUE(Retry(Operator(), dead_id, "fixed", &m).ok());
  s = Retry(Operator(), dead_id, "again", &m);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_EQ(Column("dead", "retries"), "1");
  EXPECT_EQ(AuditRows("OUTBOX_RETRIED"), 1);
}

TEST_F(OutboxAdminIntegrationTest, EveryRpcOfTheServiceHasItsRoles) {
  EXPECT_TRUE(impl_->authorizer().CheckCoversService().ok());
}

}  // namespace
}  // namespace sertel
