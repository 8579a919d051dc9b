// SOP steps 2-5 over real gRPC/TLS and PostgreSQL: the full chain driven by four role tokens, a
// wrong role at every step, a stale version, two officials racing on one case, the verifier's
// checklist, return -> notification -> resume at the same step, reject as final, withdrawal, the
// idempotent service calls, and bad input that leaves no rows behind.
#include <latch>
#include <thread>

#include "disposition_fixture.h"
#include "sertel/v1/notification.pb.h"

namespace sertel::disposition::itest {
namespace {

TEST_F(DispositionFixture, FullChainTwoToFiveIsDrivenByFourRoleTokens) {
  v1::Case c = OpenOk("app-1");
  EXPECT_EQ(c.status(), v1::CASE_STATUS_IN_REVIEW);
  EXPECT_EQ(c.current_step(), v1::STEP_HEAD_OF_AGENCY_REVIEW);
  EXPECT_EQ(c.version(), 1);
  for (int step = 2; step <= 4; ++step) {
    clock_.Advance(absl::Minutes(step));
    grpc::Status s = Forward(StepToken(step), "app-1", c.version(), &c, "Disposisi langkah");
    ASSERT_TRUE(s.ok()) << step << ": " << s.error_message();
    EXPECT_EQ(c.current_step(), step + 1);
  }
  clock_.Advance(absl::Minutes(16));
  ASSERT_TRUE(Verify(StepToken(5), "app-1", c.version(), AllChecked(), &c).ok());
  EXPECT_EQ(c.status(), v1::CASE_STATUS_SENT_TO_CA);
  EXPECT_EQ(c.version(), 5);
  EXPECT_TRUE(c.checklist().identity_matches_documents());

  v1::Case got;
  ASSERT_TRUE(GetCase(Token("AUDITOR"), "app-1", &got).ok());
  ASSERT_EQ(got.timeline_size(), 5);
  const char* actions[] = {"OPENED", "FORWARDED", "FORWARDED", "FORWARDED", "VERIFIED"};
  const char* roles[] = {"SERVICE", "HEAD_OF_AGENCY", "HEAD_OF_DIVISION", "HEAD_OF_SECTION",
                         "VERIFIER"};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(got.timeline(i).action(), actions[i]);
    EXPECT_EQ(got.timeline(i).actor_role(), roles[i]);
  }
  EXPECT_EQ(got.timeline(1).note(), "Disposisi langkah");
  EXPECT_EQ(got.timeline(1).duration().seconds(), 120);
  EXPECT_EQ(got.timeline(1).standard_duration().seconds(), 900);
  EXPECT_TRUE(got.timeline(1).within_standard());
  EXPECT_EQ(got.timeline(4).duration().seconds(), 16 * 60);
  EXPECT_FALSE(got.timeline(4).within_standard());
  // Each state change has its audit record.
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE entity_id = 'app-1'"), 5);
  // SOP step 5: the request goes to the CA through the outbox, in the same transaction.
  pqxx::result o = Query(
      "SELECT idempotency_key, payload FROM outbox WHERE topic = 'certificate.StartEnrollment'");
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0][0].as<std::string>(), "disposition:enroll:app-1");
  v1::StartEnrollmentRequest enroll;
  ASSERT_TRUE(enroll.ParseFromString(pqxx::binarystring(o[0][1]).str()));
  EXPECT_EQ(enroll.application_id(), "app-1");
  EXPECT_EQ(enroll.applicant().nik(), "3171014101900001");
  EXPECT_EQ(enroll.request_id(), "disposition:enroll:app-1");
}

TEST_F(DispositionFixture, WrongRoleAtEveryStepIsPermissionDeniedAndChangesNothing) {
  for (int step = 2; step <= 5; ++step) {
    const std::string id = "app-step-" + std::to_string(step);
    v1::Case c = AtStep(id, step);
    ASSERT_EQ(c.current_step(), step);
    for (int other = 2; other <= 5; ++other) {
      if (other == step) continue;
      v1::Case out;
      grpc::Status s = Return(StepToken(other), id, c.version(), &out);
      EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
          << "step " << step << " by " << kStepRole[other] << ": " << s.error_message();
      s = Reject(StepToken(other), id, c.version(), &out);
      EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
      if (step < 5 && other < 5) {
        s = Forward(StepToken(other), id, c.version(), &out);
        EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
      }
    }
    // Roles that never act on a case are refused by the RPC's role table.
    v1::Case out;
    EXPECT_EQ(Forward(Token("AUDITOR"), id, c.version(), &out).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(Forward(pki_.MintToken({"APPLICANT"}, "u", "3171014101900001"), id, c.version(), &out)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    v1::Case now;
    ASSERT_TRUE(GetCase(Token("AUDITOR"), id, &now).ok());
    EXPECT_EQ(now.version(), c.version());
    EXPECT_EQ(now.status(), v1::CASE_STATUS_IN_REVIEW);
  }
}

TEST_F(DispositionFixture, MissingTokenIsUnauthenticated) {
  OpenOk("app-1");
  v1::Case out;
  EXPECT_EQ(Forward("", "app-1", 1, &out).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  std::string expired = pki_.MintToken({"HEAD_OF_AGENCY"}, "k", "", absl::Minutes(-5));
  EXPECT_EQ(Forward(expired, "app-1", 1, &out).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  std::string forged = StepToken(2);
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(Forward(forged, "app-1", 1, &out).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(DispositionFixture, StaleVersionIsAbortedAndBeatsTheWrongRole) {
  v1::Case c = AtStep("app-1", 3);
  v1::Case out;
  EXPECT_EQ(Forward(StepToken(3), "app-1", c.version() - 1, &out).error_code(),
            grpc::StatusCode::ABORTED);
  // Contract order: version (ABORTED) before the caller's role for the step.
  EXPECT_EQ(Forward(StepToken(2), "app-1", c.version() - 1, &out).error_code(),
            grpc::StatusCode::ABORTED);
  EXPECT_EQ(Forward(StepToken(3), "app-1", c.version() + 7, &out).error_code(),
            grpc::StatusCode::ABORTED);
  EXPECT_EQ(Forward(StepToken(3), "no-such-case", 1, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // The right role at the wrong step.
  EXPECT_EQ(Verify(pki_.MintToken({"VERIFIER", "HEAD_OF_DIVISION"}, "both"), "app-1", c.version(),
                   AllChecked(), &out)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Count("SELECT count(*) FROM case_timeline WHERE application_id = 'app-1'"), 2);
}

TEST_F(DispositionFixture, TwoOfficialsForwardingAtOnceExactlyOneWinsTheOtherIsAborted) {
  for (int round = 0; round < 5; ++round) {
    const std::string id = "race-" + std::to_string(round);
    v1::Case c = OpenOk(id);
    std::latch start(2);
    grpc::Status results[2];
    std::thread threads[2];
    for (int i = 0; i < 2; ++i) {
      threads[i] = std::thread([&, i] {
        v1::Case out;
        start.arrive_and_wait();
        results[i] = Forward(pki_.MintToken({"HEAD_OF_AGENCY"}, "kadis-" + std::to_string(i)), id,
                             c.version(), &out, "dari thread " + std::to_string(i));
      });
    }
    for (auto& t : threads) t.join();
    int ok = 0, aborted = 0;
    for (const grpc::Status& s : results) {
      if (s.ok()) ++ok;
      if (s.error_code() == grpc::StatusCode::ABORTED) ++aborted;
    }
    EXPECT_EQ(ok, 1) << results[0].error_message() << " / " << results[1].error_message();
    EXPECT_EQ(aborted, 1);
    EXPECT_EQ(Count("SELECT count(*) FROM case_timeline WHERE application_id = '" + id +
                    "' AND action = 'FORWARDED'"),
              1);
    EXPECT_EQ(Count("SELECT version FROM cases WHERE application_id = '" + id + "'"), 2);
  }
}

TEST_F(DispositionFixture, VerifyWithAnUncheckedItemNamesItAndChangesNothing) {
  v1::Case c = AtStep("app-1", 5);
  v1::Checklist partial = AllChecked();
  partial.set_ktp_copy_ok(false);
  partial.set_identity_matches_documents(false);
  v1::Case out;
  grpc::Status s = Verify(StepToken(5), "app-1", c.version(), partial, &out);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(
      BadRequestFields(s),
      (std::vector<std::string>{"checklist.ktp_copy_ok", "checklist.identity_matches_documents"}));
  v1::Case now;
  ASSERT_TRUE(GetCase(StepToken(5), "app-1", &now).ok());
  EXPECT_EQ(now.version(), c.version());
  EXPECT_EQ(now.status(), v1::CASE_STATUS_IN_REVIEW);
  // Nothing owed but the progress reports of the changes before.
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE topic <> 'intake.RecordProgress'"), 0);
}

TEST_F(DispositionFixture, ReturnNotifiesTheApplicantAndResumeLandsOnTheSameStep) {
  v1::Case c = AtStep("app-1", 4);
  v1::Case ret;
  ASSERT_TRUE(Return(StepToken(4), "app-1", c.version(), &ret).ok());
  EXPECT_EQ(ret.status(), v1::CASE_STATUS_RETURNED);
  EXPECT_EQ(ret.current_step(), v1::STEP_HEAD_OF_SECTION_REVIEW);
  EXPECT_EQ(ret.missing_documents_size(), 2);
  EXPECT_FALSE(ret.has_due_at());

  pqxx::result o = Query(
      "SELECT idempotency_key, payload FROM outbox WHERE topic = 'notification.SendNotification'");
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0][0].as<std::string>(),
            "disposition:returned:app-1:" + std::to_string(ret.version()));
  v1::SendNotificationRequest n;
  ASSERT_TRUE(n.ParseFromString(pqxx::binarystring(o[0][1]).str()));
  EXPECT_EQ(n.template_(), v1::NOTIFICATION_TEMPLATE_APPLICATION_RETURNED);
  EXPECT_EQ(n.channel(), v1::CHANNEL_EMAIL);
  EXPECT_EQ(n.recipient(), "siti@example.go.id");
  EXPECT_EQ(n.params().at("full_name"), "Siti Aminah");
  EXPECT_EQ(n.params().at("application_id"), "app-1");
  EXPECT_EQ(n.params().at("reason"), "KTP dan SK tidak terbaca");
  EXPECT_EQ(n.params().at("missing_documents"), "KTP_COPY,SK_COPY");

  // A returned case waits for the applicant: nobody can act on it.
  v1::Case out;
  EXPECT_EQ(Forward(StepToken(4), "app-1", ret.version(), &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  clock_.Advance(absl::Hours(3));
  v1::ResumeCaseRequest r;
  r.set_application_id("app-1");
  r.set_request_id("intake:resume:app-1:1");
  v1::Case resumed;
  {
    auto ctx = Ctx("");
    grpc::Status s = service_stub_->ResumeCase(ctx.get(), r, &resumed);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_EQ(resumed.status(), v1::CASE_STATUS_IN_REVIEW);
  EXPECT_EQ(resumed.current_step(), v1::STEP_HEAD_OF_SECTION_REVIEW);
  EXPECT_EQ(resumed.step_entered_at().seconds(), absl::ToUnixSeconds(clock_.Now()));
  // Redelivery of the same ResumeCase is harmless.
  v1::Case again;
  {
    auto ctx = Ctx("");
    ASSERT_TRUE(service_stub_->ResumeCase(ctx.get(), r, &again).ok());
  }
  EXPECT_EQ(again.version(), resumed.version());
  // Back in the head of section's inbox, and they can forward it.
  ASSERT_TRUE(Forward(StepToken(4), "app-1", resumed.version(), &out).ok());
  EXPECT_EQ(out.current_step(), v1::STEP_VERIFICATION);
}

TEST_F(DispositionFixture, ReturnWithoutReasonOrDocumentsIsInvalidAndLeavesNoRows) {
  v1::Case c = OpenOk("app-1");
  v1::ReturnRequest r;
  r.set_application_id("app-1");
  r.set_expected_version(c.version());
  v1::Case out;
  auto ctx = Ctx(StepToken(2));
  grpc::Status s = stub_->Return(ctx.get(), r, &out);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadRequestFields(s), (std::vector<std::string>{"reason", "missing_documents"}));
  // Nothing owed but the progress reports of the changes before.
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE topic <> 'intake.RecordProgress'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM case_timeline"), 1);
}

TEST_F(DispositionFixture, RejectIsFinalAndNotifiesTheApplicant) {
  v1::Case c = AtStep("app-1", 3);
  v1::Case rej;
  ASSERT_TRUE(Reject(StepToken(3), "app-1", c.version(), &rej).ok());
  EXPECT_EQ(rej.status(), v1::CASE_STATUS_REJECTED);
  pqxx::result o = Query(
      "SELECT idempotency_key, payload FROM outbox WHERE topic = 'notification.SendNotification'");
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0][0].as<std::string>(), "disposition:rejected:app-1");
  v1::SendNotificationRequest n;
  ASSERT_TRUE(n.ParseFromString(pqxx::binarystring(o[0][1]).str()));
  EXPECT_EQ(n.template_(), v1::NOTIFICATION_TEMPLATE_APPLICATION_REJECTED);
  EXPECT_EQ(n.params().at("reason"), "Bukan ASN kota");

  v1::Case out;
  EXPECT_EQ(Forward(StepToken(3), "app-1", rej.version(), &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reject(StepToken(3), "app-1", rej.version(), &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Return(StepToken(3), "app-1", rej.version(), &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  v1::ResumeCaseRequest r;
  r.set_application_id("app-1");
  r.set_request_id("intake:resume:app-1:1");
  auto ctx = Ctx("");
  EXPECT_EQ(service_stub_->ResumeCase(ctx.get(), r, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(DispositionFixture, OpenCaseIsIdempotentAndOnlyForServices) {
  v1::Case first = OpenOk("app-1");
  v1::Case again;
  ASSERT_TRUE(Open(OpenRequest("app-1"), &again).ok());
  EXPECT_EQ(again.version(), first.version());
  v1::OpenCaseRequest other_key = OpenRequest("app-1");
  other_key.set_request_id("another-key");
  ASSERT_TRUE(Open(other_key, &again).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM cases"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM case_timeline"), 1);
  // The same key for another application is a reuse with a different payload.
  v1::OpenCaseRequest reuse = OpenRequest("app-2");
  reuse.set_request_id("intake:open:app-1");
  EXPECT_EQ(Open(reuse, &again).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  // An official cannot open a case.
  auto ctx = Ctx(StepToken(2));
  EXPECT_EQ(stub_->OpenCase(ctx.get(), OpenRequest("app-3"), &again).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(DispositionFixture, OpenCaseWithBadInputNamesEveryFieldAndWritesNothing) {
  v1::OpenCaseRequest r;
  r.mutable_applicant()->set_email("bukan-email");
  v1::Case out;
  grpc::Status s = Open(r, &out);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadRequestFields(s),
            (std::vector<std::string>{"application_id", "request_id", "applicant.full_name",
                                      "applicant.email"}));
  EXPECT_EQ(Count("SELECT count(*) FROM cases"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log"), 0);
}

TEST_F(DispositionFixture, WithdrawCaseClosesBeforeSentToCaOnlyAndIsIdempotent) {
  AtStep("app-1", 3);
  v1::WithdrawCaseRequest w;
  w.set_application_id("app-1");
  w.set_request_id("intake:withdraw:app-1");
  w.set_reason("pindah tugas");
  v1::Case out;
  {
    auto ctx = Ctx("");
    ASSERT_TRUE(service_stub_->WithdrawCase(ctx.get(), w, &out).ok());
  }
  EXPECT_EQ(out.status(), v1::CASE_STATUS_WITHDRAWN);
  v1::Case again;
  {
    auto ctx = Ctx("");
    ASSERT_TRUE(service_stub_->WithdrawCase(ctx.get(), w, &again).ok());
  }
  EXPECT_EQ(again.version(), out.version());
  // Not in anybody's inbox any more.
  v1::ListInboxRequest li;
  v1::ListInboxResponse inbox;
  auto ctx = Ctx(StepToken(3));
  ASSERT_TRUE(stub_->ListInbox(ctx.get(), li, &inbox).ok());
  EXPECT_EQ(inbox.cases_size(), 0);

  v1::Case sent = AtStep("app-2", 5);
  ASSERT_TRUE(Verify(StepToken(5), "app-2", sent.version(), AllChecked(), &sent).ok());
  w.set_application_id("app-2");
  w.set_request_id("intake:withdraw:app-2");
  auto ctx2 = Ctx("");
  EXPECT_EQ(service_stub_->WithdrawCase(ctx2.get(), w, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(DispositionFixture, VerifyEnqueuesStartEnrollmentWhichIsRetriedWhileCertificateIsDown) {
  FakeCertificate fake;
  fake.FailNext(2);  // the certificate service answers UNAVAILABLE twice
  sertel::testing::TestServer cert_server(pki_, {&fake});
  ClientConfig client = sertel::testing::TestClientConfig(pki_, ServiceId::kDisposition);
  auto channel = MakeChannel(cert_server.address(), client);
  ASSERT_TRUE(channel.ok()) << channel.status();
  CertificateClient certificate(*channel, client);
  OutboxConfig oc;
  oc.base_backoff = absl::Milliseconds(1);
  oc.max_backoff = absl::Milliseconds(2);
  OutboxDispatcher dispatcher(pool_.get(), oc);
  dispatcher.Register(kStartEnrollmentTopic,
                      [&](const OutboxMessage& m) { return certificate.Deliver(m.payload); });

  v1::Case c = AtStep("app-1", 5);
  // Verify succeeds whatever the certificate service's state: it only writes the outbox row.
  ASSERT_TRUE(Verify(StepToken(5), "app-1", c.version(), AllChecked(), &c).ok());
  EXPECT_EQ(c.status(), v1::CASE_STATUS_SENT_TO_CA);

  for (int i = 0; i < 50 && fake.accepted().empty(); ++i) {
    ASSERT_TRUE(dispatcher.RunOnce().ok());
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_EQ(fake.accepted().size(), 1u);
  EXPECT_EQ(fake.calls(), 3);
  EXPECT_EQ(fake.accepted()[0].request_id(), "disposition:enroll:app-1");
  EXPECT_EQ(fake.accepted()[0].applicant().full_name(), "Siti Aminah");
  pqxx::result o =
      Query("SELECT status, attempts FROM outbox WHERE topic = 'certificate.StartEnrollment'");
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0][0].as<std::string>(), "DELIVERED");
  EXPECT_EQ(o[0][1].as<int>(), 3);  // every attempt is counted, the two failed ones included
  // Nothing more is delivered afterwards.
  ASSERT_TRUE(dispatcher.RunOnce().ok());
  EXPECT_EQ(fake.calls(), 3);
}

}  // namespace
}  // namespace sertel::disposition::itest
