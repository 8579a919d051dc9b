// OutboxAdminService at the notification service, against real PostgreSQL: a message the worker
// gave up on (FAILED) is a DEAD row of its application (listed, counted); an operator's retry
// puts it back to QUEUED for a new round of attempts, audited, and the worker delivers it once
// the channel accepts, every earlier attempt kept. A message whose keystore attachment was
// dropped, one that is not FAILED and an unknown one are refused, changing nothing.
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/migrations.h"
#include "common/outbox_admin_manager.h"
#include "common/sealed_box.h"
#include "common/uuid.h"
#include "delivery_worker.h"
#include "gtest/gtest.h"
#include "notification_manager.h"
#include "notification_outbox_backend.h"
#include "notification_proto.h"
#include "notification_store.h"
#include "tests/harness/test_database.h"

namespace sertel::notification {
const std::vector<Migration>& Migrations();
namespace {

// A channel that refuses for good until told to accept.
class ScriptedSender : public Sender {
 public:
  absl::StatusOr<SendReceipt> Send(const OutgoingMessage&) override {
    ++sent;
    if (!accept) return PermanentDeliveryError("550 mailbox unavailable");
    return SendReceipt{};
  }
  bool accept = false;
  int sent = 0;
};

class NotificationOutboxAdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApplyMigrations(db_.url(), "notification",
                                {&common::Migrations(), &notification::Migrations()})
                    .ok());
    auto pool = PgPool::Create(
        {.url = db_.url(), .schema = "notification", .size = 4, .on_connect = nullptr});
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = std::move(*pool);
    store_ = std::make_unique<NotificationStore>(pool_.get(), &audit_);
    manager_ = std::make_unique<NotificationManager>(store_.get(), &box_,
                                                     NotificationManager::Options{}, &clock_);
    worker_options_.base_backoff = absl::Milliseconds(1);
    worker_options_.max_backoff = absl::Milliseconds(2);
    worker_ = std::make_unique<DeliveryWorker>(store_.get(), manager_.get(), &sender_, nullptr,
                                               worker_options_);
    backend_ = std::make_unique<NotificationOutboxBackend>(pool_.get(), &audit_, &clock_);
    admin_ = std::make_unique<OutboxAdminManager>(backend_.get());
  }

  // A message queued as SERVICE; returns its id (UUID).
  std::string Queue(const std::string& app, bool with_keystore) {
    v1::SendNotificationRequest r;
    r.set_request_id(absl::StrCat("test:", app, ":", with_keystore));
    r.set_application_id(app);
    r.set_channel(v1::CHANNEL_EMAIL);
    r.set_recipient("budi.santoso@example.go.id");
    r.set_template_(with_keystore ? v1::NOTIFICATION_TEMPLATE_CERTIFICATE_HANDOVER
                                  : v1::NOTIFICATION_TEMPLATE_SUBMISSION_RECEIVED);
    (*r.mutable_params())["full_name"] = "Budi Santoso";
    (*r.mutable_params())["application_id"] = app;
    if (with_keystore) {
      (*r.mutable_params())["serial"] = "5A17C0DE";
      (*r.mutable_params())["not_after"] = "2027-06-30T17:00:00Z";
      v1::Attachment* a = r.add_attachments();
      a->set_filename(app + ".p12");
      a->set_content_type("application/x-pkcs12");
      a->set_content(std::string(2000, '\x5a'));
    }
    absl::StatusOr<NotificationRecord> queued = manager_->Send(service_, SendInputFromProto(r));
    EXPECT_TRUE(queued.ok()) << queued.status();
    return queued.ok() ? queued->id : "";
  }

  std::string Sql(const std::string& sql) {
    pqxx::connection conn(db_.url());
    pqxx::nontransaction tx(conn);
    pqxx::result r = tx.exec(sql);
    return r.empty() || r[0][0].is_null() ? "<null>" : r[0][0].as<std::string>();
  }
  std::string Of(const std::string& id, const std::string& column) {
    return Sql(absl::StrCat("SELECT ", column,
                            "::text FROM notification.notifications WHERE id = '", id, "'"));
  }
  int64_t SeqOf(const std::string& id) { return std::stoll(Of(id, "seq")); }

  std::vector<OutboxRow> Dead(const std::string& app) {
    absl::StatusOr<OutboxPage> page =
        admin_->List({.state = OutboxState::kDead, .application_id = app});
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->rows : std::vector<OutboxRow>{};
  }

  sertel::testing::TestDatabase db_;
  std::unique_ptr<PgPool> pool_;
  AuditLog audit_{sertel::testing::TestAuditKey()};
  SealedBox box_ = SealedBox::Ephemeral().value();
  SystemClock clock_;
  std::unique_ptr<NotificationStore> store_;
  std::unique_ptr<NotificationManager> manager_;
  DeliveryWorker::Options worker_options_;
  ScriptedSender sender_;
  std::unique_ptr<DeliveryWorker> worker_;
  std::unique_ptr<NotificationOutboxBackend> backend_;
  std::unique_ptr<OutboxAdminManager> admin_;
  Principal service_{.sub = "disposition-service", .nik = "", .roles = {Role::kService}};
  Principal operator_{.sub = "operator-1", .nik = "", .roles = {Role::kOperator}};
};

TEST_F(NotificationOutboxAdminTest, FailedMessageIsADeadRowOfItsApplication) {
  const std::string app = NewUuid();
  const std::string id = Queue(app, /*with_keystore=*/false);
  ASSERT_EQ(worker_->RunOnce().value_or(-1), 1);
  ASSERT_EQ(Of(id, "status"), "FAILED");

  std::vector<OutboxRow> rows = Dead(app);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].id, SeqOf(id));
  EXPECT_EQ(rows[0].service, "notification");
  EXPECT_EQ(rows[0].topic, "notification.EMAIL.SUBMISSION_RECEIVED");
  EXPECT_EQ(rows[0].state, OutboxState::kDead);
  EXPECT_EQ(rows[0].attempts, 1);
  EXPECT_NE(rows[0].last_error.find("550 mailbox unavailable"), std::string::npos);
  ASSERT_TRUE(rows[0].finished_at.has_value()) << "when it was given up";
  EXPECT_GT(*rows[0].finished_at, absl::Now() - absl::Minutes(1));
  EXPECT_TRUE(Dead(NewUuid()).empty()) << "another application is not marked";
  EXPECT_EQ(backend_->CountDead().value_or(-1), 1);

  absl::StatusOr<OutboxPage> pending = admin_->List({.state = OutboxState::kPending});
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->rows.empty());
}

// A WhatsApp message waiting for its delivery report is still on its way: an operator sees it
// among the pending rows, not lost between them.
TEST_F(NotificationOutboxAdminTest, ASentMessageWaitingForItsReportIsPending) {
  const std::string app = NewUuid();
  const std::string id = Queue(app, /*with_keystore=*/false);
  Sql(
      absl::StrCat("UPDATE notification.notifications SET status = 'SENT', provider_message_id = "
                   "'wamid.x' WHERE id = '",
                   id, "' RETURNING 1"));
  absl::StatusOr<OutboxPage> pending =
      admin_->List({.state = OutboxState::kPending, .application_id = app});
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->rows.size(), 1u);
  EXPECT_EQ(pending->rows[0].state, OutboxState::kPending);
  EXPECT_TRUE(Dead(app).empty());
}

TEST_F(NotificationOutboxAdminTest, RetryStartsANewRoundAndKeepsEveryAttempt) {
  const std::string app = NewUuid();
  const std::string id = Queue(app, /*with_keystore=*/false);
  ASSERT_EQ(worker_->RunOnce().value_or(-1), 1);
  ASSERT_EQ(Of(id, "status"), "FAILED");
  const std::string seq = std::to_string(SeqOf(id));

  sender_.accept = true;  // the mailbox was fixed
  absl::StatusOr<OutboxRow> row = admin_->Retry(operator_, seq, "alamat email diperbaiki");
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_EQ(row->state, OutboxState::kPending);
  EXPECT_EQ(row->attempts, 0);
  EXPECT_EQ(row->retries, 1);
  EXPECT_EQ(Of(id, "status"), "QUEUED");
  EXPECT_TRUE(Dead(app).empty()) << "no longer marks the application";

  ASSERT_EQ(worker_->RunOnce().value_or(-1), 1);
  EXPECT_EQ(Of(id, "status"), "DELIVERED");
  EXPECT_EQ(Of(id, "attempts"), "1") << "attempt 1 of the new round";
  EXPECT_EQ(sender_.sent, 2);
  EXPECT_EQ(
      Sql(absl::StrCat("SELECT string_agg(retry_round || ':' || attempt || ':' || outcome, "
                       "',' ORDER BY retry_round, attempt) FROM notification.delivery_attempts"
                       " WHERE notification_id = '",
                       id, "'")),
      "0:1:FAILED,1:1:DELIVERED")
      << "the failed attempt is kept beside the new one";
  EXPECT_EQ(Sql(absl::StrCat("SELECT count(*) FROM notification.audit_log WHERE action = "
                             "'OUTBOX_RETRIED' AND entity_type = 'notification' AND entity_id = '",
                             id, "' AND details LIKE '%alamat email diperbaiki%'")),
            "1");
  EXPECT_EQ(backend_->CountDead().value_or(-1), 0);
  ASSERT_EQ(worker_->RunOnce().value_or(-1), 0) << "sent once, not again";
}

TEST_F(NotificationOutboxAdminTest, RefusedRetriesChangeNothing) {
  const std::string app = NewUuid();
  const std::string handover = Queue(app, /*with_keystore=*/true);
  ASSERT_EQ(worker_->RunOnce().value_or(-1), 1);
  ASSERT_EQ(Of(handover, "status"), "FAILED");
  sender_.accept = true;
  const std::string queued = Queue(NewUuid(), /*with_keystore=*/false);  // stays QUEUED
  const std::string before =
      Sql("SELECT string_agg(seq || status || attempts || retries || next_attempt_at, ',' ORDER BY "
          "seq) FROM notification.notifications");

  // SOP step 7: the keystore went when the message failed; sending it again would hand over
  // nothing.
  absl::StatusOr<OutboxRow> r = admin_->Retry(operator_, std::to_string(SeqOf(handover)), "");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
  EXPECT_NE(r.status().message().find("keystore"), std::string::npos) << r.status();
  r = admin_->Retry(operator_, std::to_string(SeqOf(queued)), "");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
  r = admin_->Retry(operator_, "424242", "");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound) << r.status();
  r = admin_->Retry(operator_, handover, "");  // the UUID is not the row's id
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();

  EXPECT_EQ(Sql("SELECT string_agg(seq || status || attempts || retries || next_attempt_at, ',' "
                "ORDER BY seq) FROM notification.notifications"),
            before);
  EXPECT_EQ(Sql("SELECT count(*) FROM notification.audit_log WHERE action = 'OUTBOX_RETRIED'"),
            "0");
  EXPECT_EQ(Dead(app).size(), 1u) << "still marks its application";
}

}  // namespace
}  // namespace sertel::notification
