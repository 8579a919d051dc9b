// SubmitApplication end to end (real PostgreSQL, TLS, real JWTs): the happy path with its rows,
// audit record and two outbox rows; every bad input is INVALID_ARGUMENT naming its fields and
// leaves nothing behind; tokens; the role table; idempotency; document and transport size limits.
#include <set>

#include "grpc/health/v1/health.grpc.pb.h"
#include "intake_fixture.h"
#include "sertel/v1/notification.pb.h"

namespace sertel::intake::itest {
namespace {

using namespace sertel::intake::testdata;
using sertel::testing::ContextWithToken;

TEST_F(IntakeFixture, HappyPathStoresDocumentsQueuesCaseAndReceiptAndAudits) {
  v1::SubmitApplicationRequest req = ValidRequest("happy-1");
  v1::Application a;
  grpc::Status s = Submit(req, ApplicantToken(), &a);
  ASSERT_TRUE(s.ok()) << s.error_message() << BadRequestText(s);
  EXPECT_EQ(a.status(), v1::APPLICATION_STATUS_SUBMITTED);
  EXPECT_EQ(a.current_step(), v1::STEP_SUBMISSION);
  EXPECT_EQ(a.applicant().nik(), kNik);
  EXPECT_EQ(a.request_id(), "happy-1");
  ASSERT_EQ(a.documents_size(), 4);
  for (const v1::Document& d : a.documents()) {
    EXPECT_TRUE(d.content().empty());
    EXPECT_EQ(d.version(), 1);
    EXPECT_EQ(d.size_bytes(), 512);
    EXPECT_EQ(d.sha256().size(), 64u);
  }
  ASSERT_EQ(a.timeline_size(), 1);
  EXPECT_EQ(a.timeline(0).action(), "SUBMITTED");
  EXPECT_EQ(a.timeline(0).actor_role(), "APPLICANT");

  EXPECT_EQ(Count("SELECT count(*) FROM documents"), 4);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'SUBMITTED'"), 1);
  // The stored bytes are the submitted bytes (sha256 recomputed by PostgreSQL).
  EXPECT_EQ(Count("SELECT count(*) FROM documents WHERE encode(sha256(content), 'hex') = sha256"
                  " AND length(content) = size_bytes"),
            4);

  pqxx::result rows = Query("SELECT topic, idempotency_key, payload FROM outbox ORDER BY id");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0].as<std::string>(), "disposition.OpenCase");
  EXPECT_EQ(rows[0][1].as<std::string>(), "intake:open:" + a.id());
  v1::OpenCaseRequest open;
  ASSERT_TRUE(open.ParseFromString(pqxx::binarystring(rows[0][2]).str()));
  EXPECT_EQ(open.application_id(), a.id());
  EXPECT_EQ(open.request_id(), "intake:open:" + a.id());
  EXPECT_EQ(open.applicant().nik(), kNik);
  EXPECT_EQ(rows[1][0].as<std::string>(), "notification.SendNotification");
  v1::SendNotificationRequest receipt;
  ASSERT_TRUE(receipt.ParseFromString(pqxx::binarystring(rows[1][2]).str()));
  EXPECT_EQ(receipt.request_id(), "intake:receipt:" + a.id());
  EXPECT_EQ(receipt.template_(), v1::NOTIFICATION_TEMPLATE_SUBMISSION_RECEIVED);
  EXPECT_EQ(receipt.channel(), v1::CHANNEL_EMAIL);
  EXPECT_EQ(receipt.recipient(), "siti@diskominfo.example.go.id");
  EXPECT_EQ(receipt.params().at("full_name"), "Siti Nurhaliza");
  EXPECT_EQ(receipt.params().at("application_id"), a.id());

  // A reviewer reads the bytes back.
  v1::GetDocumentRequest dr;
  dr.set_application_id(a.id());
  dr.set_kind(v1::DOCUMENT_KIND_KTP_COPY);
  v1::Document doc;
  auto ctx = ContextWithToken(Token("VERIFIER"));
  ASSERT_TRUE(stub_->GetDocument(ctx.get(), dr, &doc).ok());
  EXPECT_EQ(doc.content(), req.documents(2).content());
  EXPECT_EQ(doc.content_type(), "image/jpeg");
}

TEST_F(IntakeFixture, OperatorSubmitsForAnyApplicant) {
  v1::Application a;
  grpc::Status s = Submit(ValidRequest("op-1", kOtherNik), Token("OPERATOR"), &a);
  ASSERT_TRUE(s.ok()) << s.error_message() << BadRequestText(s);
  EXPECT_EQ(a.applicant().nik(), kOtherNik);
  EXPECT_EQ(a.timeline(0).actor_role(), "OPERATOR");
}

struct BadInput {
  std::string name;
  std::function<void(v1::SubmitApplicationRequest&)> mutate;
  std::vector<std::string> fields;
};

TEST_F(IntakeFixture, EachBadInputIsInvalidArgumentWithItsFieldsAndLeavesNoRow) {
  const std::vector<BadInput> cases = {
      {"missing kind", [](auto& r) { r.mutable_documents()->RemoveLast(); }, {"documents"}},
      {"duplicated kind",
       [](auto& r) { r.mutable_documents(3)->set_kind(v1::DOCUMENT_KIND_KTP_COPY); },
       {"documents[3].kind", "documents"}},
      {"not really a PDF",
       [](auto& r) { r.mutable_documents(0)->set_content("MZ\x90 an executable"); },
       {"documents[0].content"}},
      {"empty document",
       [](auto& r) { r.mutable_documents(1)->clear_content(); },
       {"documents[1].content"}},
      {"over the size limit",
       [](auto& r) { r.mutable_documents(2)->set_content(Jpeg((5 << 20) + 1)); },
       {"documents[2].content"}},
      {"declared type contradicts bytes",
       [](auto& r) { r.mutable_documents(3)->set_content_type("application/pdf"); },
       {"documents[3].content_type"}},
      {"invalid NIK",
       [](auto& r) { r.mutable_applicant()->set_nik("1234567890123456"); },
       {"applicant.nik"}},
      {"invalid NIP", [](auto& r) { r.mutable_applicant()->set_nip("12345"); }, {"applicant.nip"}},
      {"bad email",
       [](auto& r) { r.mutable_applicant()->set_email("siti@"); },
       {"applicant.email"}},
      {"bad phone",
       [](auto& r) { r.mutable_applicant()->set_phone("0812-3456"); },
       {"applicant.phone"}},
      {"over-long note", [](auto& r) { r.set_note(std::string(1001, 'x')); }, {"note"}},
      {"control character in unit",
       [](auto& r) { r.mutable_applicant()->set_unit("Dinas\x07Kominfo"); },
       {"applicant.unit"}},
      {"control character in name",
       [](auto& r) { r.mutable_applicant()->set_full_name("Siti\x1b[31m"); },
       {"applicant.full_name"}},
      {"bad request_id", [](auto& r) { r.set_request_id("no spaces allowed"); }, {"request_id"}},
      {"several at once",
       [](auto& r) {
         r.mutable_applicant()->set_email("x");
         r.mutable_applicant()->set_phone("x");
         r.mutable_documents(0)->clear_content();
       },
       {"applicant.email", "applicant.phone", "documents[0].content"}},
  };
  for (const BadInput& c : cases) {
    SCOPED_TRACE(c.name);
    v1::SubmitApplicationRequest r = ValidRequest("bad-" + std::to_string(&c - &cases[0]));
    c.mutate(r);
    v1::Application a;
    // The applicant the request names (another person's NIK is PERMISSION_DENIED before the
    // fields are judged: intake_progress_integration_test.cc).
    grpc::Status s = Submit(r, ApplicantToken(r.applicant().nik()), &a);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
    std::vector<std::string> got = BadRequestFields(s);
    EXPECT_EQ(std::set<std::string>(got.begin(), got.end()),
              std::set<std::string>(c.fields.begin(), c.fields.end()))
        << BadRequestText(s);
  }
  ExpectNoRows();
}

TEST_F(IntakeFixture, MissingExpiredAndForgedTokensAreUnauthenticated) {
  v1::Application a;
  EXPECT_EQ(Submit(ValidRequest(), "", &a).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Submit(ValidRequest(), pki_.MintToken({"APPLICANT"}, "u", kNik, absl::Minutes(-5)), &a)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  sertel::testing::TestPki other;
  EXPECT_EQ(Submit(ValidRequest(), other.MintToken({"APPLICANT"}, "u", kNik), &a).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Submit(ValidRequest(), "not.a.jwt", &a).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Get("00000000-0000-4000-8000-000000000000", "", &a).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  ExpectNoRows();
}

// Calls `rpc` with an empty request; the role check comes before anything else.
grpc::Status CallRpc(v1::IntakeService::Stub* stub, const std::string& rpc,
                     const std::string& token) {
  auto ctx = ContextWithToken(token);
  v1::Application a;
  if (rpc == "SubmitApplication") return stub->SubmitApplication(ctx.get(), {}, &a);
  if (rpc == "GetApplication") return stub->GetApplication(ctx.get(), {}, &a);
  if (rpc == "ListApplications") {
    v1::ListApplicationsResponse r;
    return stub->ListApplications(ctx.get(), {}, &r);
  }
  if (rpc == "GetDocument") {
    v1::Document d;
    return stub->GetDocument(ctx.get(), {}, &d);
  }
  if (rpc == "ResubmitDocuments") return stub->ResubmitDocuments(ctx.get(), {}, &a);
  if (rpc == "WithdrawApplication") return stub->WithdrawApplication(ctx.get(), {}, &a);
  return grpc::Status(grpc::StatusCode::INTERNAL, "unknown rpc " + rpc);
}

TEST_F(IntakeFixture, EveryRoleNotAllowedForAnRpcIsPermissionDenied) {
  const std::vector<std::string> all = {"APPLICANT",        "OPERATOR",        "HEAD_OF_AGENCY",
                                        "HEAD_OF_DIVISION", "HEAD_OF_SECTION", "VERIFIER",
                                        "AUDITOR",          "SERVICE"};
  const std::map<std::string, std::set<std::string>> allowed = {
      {"SubmitApplication", {"APPLICANT", "OPERATOR"}},
      // A token claiming SERVICE is no service: it is refused everywhere.
      {"GetApplication",
       {"APPLICANT", "OPERATOR", "HEAD_OF_AGENCY", "HEAD_OF_DIVISION", "HEAD_OF_SECTION",
        "VERIFIER", "AUDITOR"}},
      {"ListApplications",
       {"APPLICANT", "OPERATOR", "HEAD_OF_AGENCY", "HEAD_OF_DIVISION", "HEAD_OF_SECTION",
        "VERIFIER", "AUDITOR"}},
      {"GetDocument",
       {"APPLICANT", "HEAD_OF_AGENCY", "HEAD_OF_DIVISION", "HEAD_OF_SECTION", "VERIFIER"}},
      {"ResubmitDocuments", {"APPLICANT", "OPERATOR"}},
      {"WithdrawApplication", {"APPLICANT", "OPERATOR"}},
  };
  int denied = 0;
  for (const auto& [rpc, roles] : allowed) {
    for (const std::string& role : all) {
      SCOPED_TRACE(rpc + " as " + role);
      grpc::Status s = CallRpc(stub_.get(), rpc, pki_.MintToken({role}, "u-" + role, kNik));
      if (roles.count(role)) {
        EXPECT_NE(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
        EXPECT_NE(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
      } else {
        EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
        ++denied;
      }
    }
  }
  EXPECT_EQ(denied, 6 * 8 - (2 + 7 + 7 + 5 + 2 + 2));
  EXPECT_TRUE(impl_->authorizer().CheckCoversService().ok());
}

TEST_F(IntakeFixture, SameRequestAgainIsTheSameApplicationDifferentPayloadIsAlreadyExists) {
  v1::Application first = SubmitOk("idem-1");
  v1::SubmitApplicationRequest again = ValidRequest("idem-1");
  again.mutable_documents()->SwapElements(0, 1);  // order does not matter
  v1::Application second;
  ASSERT_TRUE(Submit(again, ApplicantToken(), &second).ok());
  EXPECT_EQ(second.id(), first.id());
  EXPECT_EQ(Count("SELECT count(*) FROM applications"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), 2);

  v1::SubmitApplicationRequest changed = ValidRequest("idem-1");
  changed.set_note("another note");
  v1::Application third;
  grpc::Status s = Submit(changed, ApplicantToken(), &third);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS) << s.error_message();
  EXPECT_EQ(Count("SELECT count(*) FROM applications"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM documents"), 4);
}

TEST_F(IntakeFixture, FourFiveMiBDocumentsAreAccepted) {
  v1::SubmitApplicationRequest r = ValidRequest("big-4x5");
  r.mutable_documents(0)->set_content(Pdf(5 << 20));
  r.mutable_documents(1)->set_content(Pdf(5 << 20));
  r.mutable_documents(2)->set_content(Jpeg(5 << 20));
  r.mutable_documents(3)->set_content(Png(5 << 20));
  v1::Application a;
  grpc::Status s = Submit(r, ApplicantToken(), &a);
  ASSERT_TRUE(s.ok()) << s.error_message() << BadRequestText(s);
  for (const v1::Document& d : a.documents()) EXPECT_EQ(d.size_bytes(), 5 << 20);
  EXPECT_EQ(Count("SELECT sum(length(content)) FROM documents"), int64_t{20} << 20);
}

TEST_F(IntakeFixture, OneSixMiBDocumentAmongFourIsInvalidArgumentNamingItAndTheLimit) {
  v1::SubmitApplicationRequest r = ValidRequest("big-6");
  r.mutable_documents(1)->set_content(Pdf(6 << 20));
  v1::Application a;
  grpc::Status s = Submit(r, ApplicantToken(), &a);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_EQ(BadRequestFields(s), std::vector<std::string>{"documents[1].content"});
  EXPECT_NE(BadRequestText(s).find("5242880"), std::string::npos) << BadRequestText(s);
  EXPECT_NE(BadRequestText(s).find("5 MiB"), std::string::npos) << BadRequestText(s);
  ExpectNoRows();
}

TEST_F(IntakeFixture, RequestOverTheTransportLimitIsResourceExhaustedAndServerStaysHealthy) {
  const int64_t limit = (20 << 20) + (64 << 10);
  v1::SubmitApplicationRequest r = ValidRequest("too-big");
  for (int i = 0; i < 4; ++i) r.mutable_documents(i)->set_content(Pdf(5 << 20));
  *r.add_documents() = Doc(v1::DOCUMENT_KIND_SK_COPY, Png(1 << 20));
  v1::Application a;
  grpc::Status s = Submit(r, ApplicantToken(), &a);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  EXPECT_NE(s.error_message().find(std::to_string(limit)), std::string::npos) << s.error_message();
  ExpectNoRows();

  auto health = grpc::health::v1::Health::NewStub(server_->Channel());
  grpc::ClientContext hctx;
  grpc::health::v1::HealthCheckResponse hr;
  ASSERT_TRUE(health->Check(&hctx, {}, &hr).ok());
  EXPECT_EQ(hr.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  SubmitOk("after-too-big");
}

}  // namespace
}  // namespace sertel::intake::itest
