// The disposition-service under test: real PostgreSQL (a fresh database), the real
// DispositionServiceImpl on a TestServer over TLS, real JWTs from the TestPki (one token per SOP
// role), a FakeClock the rules read (so waiting times and the SLA are exact), and an in-process
// fake CertificateService that can play dead (UNAVAILABLE) to prove the outbox retries.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "certificate_client.h"
#include "common/audit_log.h"
#include "common/clock.h"
#include "common/grpc_client.h"
#include "common/migrations.h"
#include "common/outbox.h"
#include "common/pg_pool.h"
#include "common/proto_time.h"
#include "disposition_manager.h"
#include "disposition_proto.h"
#include "disposition_service_impl.h"
#include "disposition_store.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "sertel/v1/certificate.grpc.pb.h"
#include "sertel/v1/disposition.grpc.pb.h"
#include "tests/harness/test_database.h"
#include "tests/harness/test_pki.h"
#include "tests/harness/test_server.h"

namespace sertel::disposition {
const std::vector<Migration>& Migrations();
}  // namespace sertel::disposition

namespace sertel::disposition::itest {

// Answers StartEnrollment with UNAVAILABLE `failures` times (the CA side is down), then OK,
// recording every request that got through.
class FakeCertificate final : public v1::CertificateService::Service {
 public:
  void FailNext(int failures) {
    absl::MutexLock l(&mu_);
    failures_ = failures;
  }
  std::vector<v1::StartEnrollmentRequest> accepted() {
    absl::MutexLock l(&mu_);
    return accepted_;
  }
  int calls() {
    absl::MutexLock l(&mu_);
    return calls_;
  }
  grpc::Status StartEnrollment(grpc::ServerContext*, const v1::StartEnrollmentRequest* req,
                               v1::Enrollment*) override {
    absl::MutexLock l(&mu_);
    ++calls_;
    if (failures_ > 0) {
      --failures_;
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "CA is down");
    }
    accepted_.push_back(*req);
    return grpc::Status::OK;
  }

 private:
  absl::Mutex mu_;
  int failures_ = 0;
  int calls_ = 0;
  std::vector<v1::StartEnrollmentRequest> accepted_;
};

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

inline v1::Checklist AllChecked() {
  v1::Checklist c;
  c.set_request_letter_ok(true);
  c.set_bsre_form_ok(true);
  c.set_ktp_copy_ok(true);
  c.set_sk_copy_ok(true);
  c.set_identity_matches_documents(true);
  return c;
}

class DispositionFixture : public ::testing::Test {
 protected:
  static constexpr const char* kStepRole[] = {
      "", "", "HEAD_OF_AGENCY", "HEAD_OF_DIVISION", "HEAD_OF_SECTION", "VERIFIER"};

  void SetUp() override {
    ASSERT_TRUE(
        ApplyMigrations(db_.url(), "disposition", {&common::Migrations(), &Migrations()}).ok());
    PgPool::Options options;
    options.url = db_.url();
    options.schema = "disposition";
    options.size = 6;
    auto pool = PgPool::Create(std::move(options));
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = std::move(*pool);
    audit_ = std::make_unique<AuditLog>(sertel::testing::TestAuditKey(), &clock_);
    store_ = std::make_unique<DispositionStore>(pool_.get(), audit_.get());
    manager_ = std::make_unique<DispositionManager>(store_.get(), &clock_);
    authn_ = sertel::testing::MakeTestAuthenticator(pki_);
    impl_ = std::make_unique<DispositionServiceImpl>(manager_.get(), authn_.get());
    server_ = std::make_unique<sertel::testing::TestServer>(
        pki_, std::vector<grpc::Service*>{impl_.get()});
    stub_ = v1::DispositionService::NewStub(server_->Channel());
    service_stub_ = v1::DispositionService::NewStub(server_->ServiceChannel(ServiceId::kIntake));
  }

  std::string Token(const std::string& role) { return pki_.MintToken({role}, "sub-" + role); }
  std::string StepToken(int step) { return Token(kStepRole[step]); }

  static std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
    return sertel::testing::ContextWithToken(token);
  }

  v1::OpenCaseRequest OpenRequest(const std::string& id) {
    v1::OpenCaseRequest r;
    r.set_application_id(id);
    r.set_request_id("intake:open:" + id);
    v1::Applicant* a = r.mutable_applicant();
    a->set_nik("3171014101900001");
    a->set_nip("199001012015031001");
    a->set_full_name("Siti Aminah");
    a->set_email("siti@example.go.id");
    a->set_phone("+6281234567890");
    a->set_unit("Dinas Kesehatan");
    a->set_position("Analis");
    return r;
  }

  grpc::Status Open(const v1::OpenCaseRequest& r, v1::Case* out) {
    auto ctx = Ctx("");  // mTLS client certificate -> SERVICE
    return service_stub_->OpenCase(ctx.get(), r, out);
  }
  v1::Case OpenOk(const std::string& id) {
    v1::Case c;
    grpc::Status s = Open(OpenRequest(id), &c);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return c;
  }
  grpc::Status Forward(const std::string& token, const std::string& id, int64_t version,
                       v1::Case* out, const std::string& note = "Mohon diproses") {
    v1::ForwardRequest r;
    r.set_application_id(id);
    r.set_expected_version(version);
    r.set_note(note);
    auto ctx = Ctx(token);
    return stub_->Forward(ctx.get(), r, out);
  }
  grpc::Status Verify(const std::string& token, const std::string& id, int64_t version,
                      const v1::Checklist& checklist, v1::Case* out) {
    v1::VerifyRequest r;
    r.set_application_id(id);
    r.set_expected_version(version);
    *r.mutable_checklist() = checklist;
    auto ctx = Ctx(token);
    return stub_->Verify(ctx.get(), r, out);
  }
  grpc::Status Return(const std::string& token, const std::string& id, int64_t version,
                      v1::Case* out,
                      std::vector<v1::DocumentKind> missing = {v1::DOCUMENT_KIND_KTP_COPY,
                                                               v1::DOCUMENT_KIND_SK_COPY}) {
    v1::ReturnRequest r;
    r.set_application_id(id);
    r.set_expected_version(version);
    r.set_reason("KTP dan SK tidak terbaca");
    for (auto k : missing) r.add_missing_documents(k);
    auto ctx = Ctx(token);
    return stub_->Return(ctx.get(), r, out);
  }
  grpc::Status Reject(const std::string& token, const std::string& id, int64_t version,
                      v1::Case* out) {
    v1::RejectRequest r;
    r.set_application_id(id);
    r.set_expected_version(version);
    r.set_reason("Bukan ASN kota");
    auto ctx = Ctx(token);
    return stub_->Reject(ctx.get(), r, out);
  }
  grpc::Status GetCase(const std::string& token, const std::string& id, v1::Case* out) {
    v1::GetCaseRequest r;
    r.set_application_id(id);
    auto ctx = Ctx(token);
    return stub_->GetCase(ctx.get(), r, out);
  }
  // Opens a case and forwards it to `step`, `wait` after each arrival.
  v1::Case AtStep(const std::string& id, int step, absl::Duration wait = absl::Minutes(1)) {
    v1::Case c = OpenOk(id);
    while (c.current_step() < step) {
      clock_.Advance(wait);
      grpc::Status s = Forward(StepToken(c.current_step()), id, c.version(), &c);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
    }
    return c;
  }

  pqxx::result Query(const std::string& sql) {
    pqxx::connection conn(db_.url());
    pqxx::nontransaction tx(conn);
    tx.exec("SET search_path TO disposition");
    return tx.exec(sql);
  }
  int64_t Count(const std::string& sql) { return Query(sql)[0][0].as<int64_t>(); }

  sertel::testing::TestDatabase db_;
  sertel::testing::TestPki pki_;
  FakeClock clock_{absl::FromUnixSeconds(1735689600)};  // 2025-01-01T00:00:00Z
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<DispositionStore> store_;
  std::unique_ptr<DispositionManager> manager_;
  std::unique_ptr<Authenticator> authn_;
  std::unique_ptr<DispositionServiceImpl> impl_;
  std::unique_ptr<sertel::testing::TestServer> server_;
  std::unique_ptr<v1::DispositionService::Stub> stub_;
  std::unique_ptr<v1::DispositionService::Stub> service_stub_;
};

}  // namespace sertel::disposition::itest
