// The intake-service under test: real PostgreSQL (fresh database), the real IntakeServiceImpl on
// a TestServer over TLS, real JWTs from the TestPki, and an in-process fake DispositionService on
// a second TestServer that intake's real DispositionClient talks to over mTLS.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "certificate_client.h"
#include "common/audit_log.h"
#include "common/field_violations.h"
#include "common/grpc_client.h"
#include "common/migrations.h"
#include "common/notification_order.h"
#include "common/outbox.h"
#include "common/pg_pool.h"
#include "disposition_client.h"
#include "google/protobuf/util/time_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
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

namespace sertel::intake::itest {

// A DispositionService that answers GetCase with a configured case (or NOT_FOUND) and records
// what intake's outbox delivers; OpenCase answers a configured code (UNIMPLEMENTED at first, as
// before disposition-service exists).
class FakeDisposition final : public v1::DispositionService::Service {
 public:
  void SetCase(std::optional<v1::Case> c) {
    absl::MutexLock l(&mu_);
    case_ = std::move(c);
  }
  void SetOpenCaseCode(grpc::StatusCode code) {
    absl::MutexLock l(&mu_);
    open_code_ = code;
  }
  std::vector<v1::OpenCaseRequest> opened() {
    absl::MutexLock l(&mu_);
    return opened_;
  }
  std::vector<v1::ResumeCaseRequest> resumed() {
    absl::MutexLock l(&mu_);
    return resumed_;
  }
  std::vector<v1::WithdrawCaseRequest> withdrawn() {
    absl::MutexLock l(&mu_);
    return withdrawn_;
  }
  // WithdrawCase answers `code` (with `message`) instead of withdrawing the case.
  void SetWithdrawCode(grpc::StatusCode code, std::string message = "refused") {
    absl::MutexLock l(&mu_);
    withdraw_code_ = code;
    withdraw_message_ = std::move(message);
  }
  int get_case_calls() {
    absl::MutexLock l(&mu_);
    return get_case_calls_;
  }

  grpc::Status GetCase(grpc::ServerContext*, const v1::GetCaseRequest* req,
                       v1::Case* resp) override {
    absl::MutexLock l(&mu_);
    ++get_case_calls_;
    if (!case_.has_value()) return grpc::Status(grpc::StatusCode::NOT_FOUND, "no case");
    *resp = *case_;
    resp->set_application_id(req->application_id());
    return grpc::Status::OK;
  }
  grpc::Status OpenCase(grpc::ServerContext*, const v1::OpenCaseRequest* req,
                        v1::Case* resp) override {
    absl::MutexLock l(&mu_);
    if (open_code_ != grpc::StatusCode::OK) return grpc::Status(open_code_, "not yet");
    opened_.push_back(*req);
    resp->set_application_id(req->application_id());
    resp->set_status(v1::CASE_STATUS_IN_REVIEW);
    return grpc::Status::OK;
  }
  grpc::Status ResumeCase(grpc::ServerContext*, const v1::ResumeCaseRequest* req,
                          v1::Case* resp) override {
    absl::MutexLock l(&mu_);
    resumed_.push_back(*req);
    resp->set_application_id(req->application_id());
    return grpc::Status::OK;
  }
  // Withdraws the configured case (or a new one, as disposition records a case that intake's
  // OpenCase has not reached yet) at its next version.
  grpc::Status WithdrawCase(grpc::ServerContext*, const v1::WithdrawCaseRequest* req,
                            v1::Case* resp) override {
    absl::MutexLock l(&mu_);
    if (withdraw_code_ != grpc::StatusCode::OK)
      return grpc::Status(withdraw_code_, withdraw_message_);
    withdrawn_.push_back(*req);
    if (case_.has_value()) *resp = *case_;
    resp->set_application_id(req->application_id());
    resp->set_status(v1::CASE_STATUS_WITHDRAWN);
    resp->set_version(case_.has_value() ? case_->version() + 1 : 1);
    if (resp->current_step() == v1::STEP_UNSPECIFIED) {
      resp->set_current_step(v1::STEP_HEAD_OF_AGENCY_REVIEW);
    }
    return grpc::Status::OK;
  }

 private:
  absl::Mutex mu_;
  std::optional<v1::Case> case_;
  grpc::StatusCode open_code_ = grpc::StatusCode::UNIMPLEMENTED;
  grpc::StatusCode withdraw_code_ = grpc::StatusCode::OK;
  std::string withdraw_message_;
  std::vector<v1::OpenCaseRequest> opened_;
  std::vector<v1::ResumeCaseRequest> resumed_;
  std::vector<v1::WithdrawCaseRequest> withdrawn_;
  int get_case_calls_ = 0;
};

inline v1::Case CaseIn(v1::CaseStatus status, v1::Step step) {
  v1::Case c;
  c.set_status(status);
  c.set_current_step(step);
  c.set_version(3);
  *c.mutable_step_entered_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
  v1::TimelineEntry* e = c.add_timeline();
  e->set_step(v1::STEP_HEAD_OF_AGENCY_REVIEW);
  e->set_action("OPENED");
  *e->mutable_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
  return c;
}

// The field names of a google.rpc.BadRequest carried by `s`.
inline std::vector<std::string> BadRequestFields(const grpc::Status& s) {
  std::vector<std::string> out;
  google::rpc::Status rpc;
  if (!rpc.ParseFromString(s.error_details())) return out;
  for (const auto& any : rpc.details()) {
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&bad)) {
      for (const auto& v : bad.field_violations()) out.push_back(v.field());
    }
  }
  return out;
}
inline std::string BadRequestText(const grpc::Status& s) {
  std::string out;
  google::rpc::Status rpc;
  if (!rpc.ParseFromString(s.error_details())) return out;
  for (const auto& any : rpc.details()) {
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&bad)) {
      for (const auto& v : bad.field_violations()) out += v.field() + ": " + v.description() + "\n";
    }
  }
  return out;
}

class IntakeFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ApplyMigrations(db_.url(), "intake", {&common::Migrations(), &Migrations()}).ok());
    auto pool =
        PgPool::Create({.url = db_.url(), .schema = "intake", .size = 4, .on_connect = nullptr});
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = std::move(*pool);
    disposition_server_ = std::make_unique<sertel::testing::TestServer>(
        pki_, std::vector<grpc::Service*>{&fake_disposition_});
    ClientConfig client = sertel::testing::TestClientConfig(pki_, ServiceId::kIntake);
    auto channel = MakeChannel(disposition_server_->address(), client);
    ASSERT_TRUE(channel.ok()) << channel.status();
    disposition_ = std::make_unique<DispositionClient>(*channel, client, absl::Seconds(1));
    // No certificate service runs: the tracking view must cope (best effort).
    auto cert_channel = MakeChannel("127.0.0.1:1", client);
    ASSERT_TRUE(cert_channel.ok());
    certificate_ = std::make_unique<CertificateClient>(*cert_channel, client, absl::Seconds(1));
    store_ = std::make_unique<IntakeStore>(pool_.get(), &audit_);
    manager_ = std::make_unique<IntakeManager>(
        store_.get(), disposition_.get(), certificate_.get(), SystemClock::Default(),
        IntakeManager::Options{.units = &testdata::SampleUnits(),
                               .withdrawals = disposition_.get()});
    authn_ = sertel::testing::MakeTestAuthenticator(pki_);
    impl_ = std::make_unique<IntakeServiceImpl>(manager_.get(), authn_.get());
    server_ = std::make_unique<sertel::testing::TestServer>(
        pki_, std::vector<grpc::Service*>{impl_.get()});
    stub_ = v1::IntakeService::NewStub(server_->Channel());
    service_stub_ = v1::IntakeService::NewStub(server_->ServiceChannel(ServiceId::kDisposition));
  }

  std::string ApplicantToken(const std::string& nik = sertel::intake::testdata::kNik) {
    return pki_.MintToken({"APPLICANT"}, "applicant-" + nik, nik);
  }
  std::string Token(const std::string& role) { return pki_.MintToken({role}, "user-" + role); }

  grpc::Status Submit(const v1::SubmitApplicationRequest& r, const std::string& token,
                      v1::Application* out) {
    auto ctx = sertel::testing::ContextWithToken(token);
    return stub_->SubmitApplication(ctx.get(), r, out);
  }
  grpc::Status Get(const std::string& id, const std::string& token, v1::Application* out) {
    auto ctx = sertel::testing::ContextWithToken(token);
    v1::GetApplicationRequest r;
    r.set_id(id);
    return stub_->GetApplication(ctx.get(), r, out);
  }
  v1::Application SubmitOk(const std::string& request_id = "req-1",
                           const std::string& nik = sertel::intake::testdata::kNik) {
    v1::Application a;
    grpc::Status s =
        Submit(sertel::intake::testdata::ValidRequest(request_id, nik), ApplicantToken(nik), &a);
    EXPECT_TRUE(s.ok()) << s.error_message() << BadRequestText(s);
    return a;
  }

  // RecordProgress as disposition or certificate would send it (SERVICE, mTLS).
  grpc::Status Report(const std::string& id, v1::ProgressSource source, int64_t version,
                      v1::ApplicationStatus status, v1::Step step, v1::Application* out) {
    v1::RecordProgressRequest r;
    r.set_application_id(id);
    r.set_source(source);
    r.set_version(version);
    r.set_status(status);
    r.set_current_step(step);
    *r.mutable_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
    r.set_request_id("test:progress:" + id + ":" + std::to_string(version));
    auto ctx = sertel::testing::ContextWithToken("");
    return service_stub_->RecordProgress(ctx.get(), r, out);
  }
  // The case of `id` was rejected at step 2: its person may apply again.
  void Close(const std::string& id) {
    v1::Application out;
    grpc::Status s = Report(id, v1::PROGRESS_SOURCE_DISPOSITION, 100,
                            v1::APPLICATION_STATUS_REJECTED, v1::STEP_HEAD_OF_AGENCY_REVIEW, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  // SubmitOk, then closed (one open application per person): for tests that need several.
  v1::Application SubmitClosed(const std::string& request_id,
                               const std::string& nik = sertel::intake::testdata::kNik) {
    v1::Application a = SubmitOk(request_id, nik);
    Close(a.id());
    return a;
  }

  int64_t Count(const std::string& sql) {
    pqxx::connection conn(db_.url());
    pqxx::nontransaction tx(conn);
    tx.exec("SET search_path TO intake");
    return tx.exec(sql)[0][0].as<int64_t>();
  }
  pqxx::result Query(const std::string& sql) {
    pqxx::connection conn(db_.url());
    pqxx::nontransaction tx(conn);
    tx.exec("SET search_path TO intake");
    return tx.exec(sql);
  }
  void ExpectNoRows() {
    EXPECT_EQ(Count("SELECT count(*) FROM applications"), 0);
    EXPECT_EQ(Count("SELECT count(*) FROM documents"), 0);
    EXPECT_EQ(Count("SELECT count(*) FROM application_timeline"), 0);
    EXPECT_EQ(Count("SELECT count(*) FROM outbox"), 0);
    EXPECT_EQ(Count("SELECT count(*) FROM audit_log"), 0);
  }

  sertel::testing::TestDatabase db_;
  sertel::testing::TestPki pki_;
  std::unique_ptr<PgPool> pool_;
  AuditLog audit_{sertel::testing::TestAuditKey()};
  FakeDisposition fake_disposition_;
  std::unique_ptr<sertel::testing::TestServer> disposition_server_;
  std::unique_ptr<DispositionClient> disposition_;
  std::unique_ptr<CertificateClient> certificate_;
  std::unique_ptr<IntakeStore> store_;
  std::unique_ptr<IntakeManager> manager_;
  std::unique_ptr<Authenticator> authn_;
  std::unique_ptr<IntakeServiceImpl> impl_;
  std::unique_ptr<sertel::testing::TestServer> server_;
  std::unique_ptr<v1::IntakeService::Stub> stub_;
  std::unique_ptr<v1::IntakeService::Stub> service_stub_;  // SERVICE (client certificate)
};

}  // namespace sertel::intake::itest
