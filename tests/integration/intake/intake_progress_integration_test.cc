// Issue 15 at intake, against real PostgreSQL: the progress mirror (RecordProgress from
// disposition and certificate, SERVICE only, applied in version order per source), the list
// filtering and showing every status across the seven steps from it, one open application per
// person (race-free, idempotency first), PERMISSION_DENIED for an applicant acting for someone
// else, and ResubmitDocuments' idempotency key.
#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>
#include <tuple>

#include "intake_fixture.h"

namespace sertel::intake::itest {
namespace {

using namespace sertel::intake::testdata;
using sertel::testing::ContextWithToken;

constexpr v1::ProgressSource kCase = v1::PROGRESS_SOURCE_DISPOSITION;
constexpr v1::ProgressSource kEnrollment = v1::PROGRESS_SOURCE_CERTIFICATE;

grpc::Status List(v1::IntakeService::Stub* stub, const std::string& token,
                  const v1::ListApplicationsRequest& r, v1::ListApplicationsResponse* out) {
  auto ctx = ContextWithToken(token);
  return stub->ListApplications(ctx.get(), r, out);
}

grpc::Status Resubmit(v1::IntakeService::Stub* stub, const std::string& token,
                      const v1::ResubmitDocumentsRequest& r, v1::Application* out) {
  auto ctx = ContextWithToken(token);
  return stub->ResubmitDocuments(ctx.get(), r, out);
}

v1::ResubmitDocumentsRequest NewKtp(const std::string& id, const std::string& key,
                                    size_t size = 999) {
  v1::ResubmitDocumentsRequest r;
  r.set_application_id(id);
  r.set_request_id(key);
  *r.add_documents() = Doc(v1::DOCUMENT_KIND_KTP_COPY, Jpeg(size), "ktp-baru.jpg");
  return r;
}

// A NIK of the same structure as kNik with another serial (a different person).
std::string NikNo(int n) {
  std::string nik = kNik;
  std::string serial = std::to_string(1000 + n);
  return nik.substr(0, 12) + serial.substr(serial.size() - 4);
}

// --- RecordProgress: the mirror --------------------------------------------------------------

TEST_F(IntakeFixture, RecordProgressIsForServicesOnly) {
  v1::Application a = SubmitOk();
  v1::RecordProgressRequest r;
  r.set_application_id(a.id());
  r.set_source(kCase);
  r.set_version(1);
  r.set_status(v1::APPLICATION_STATUS_REJECTED);
  r.set_current_step(v1::STEP_HEAD_OF_AGENCY_REVIEW);
  *r.mutable_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
  for (const std::string& token :
       {ApplicantToken(), Token("OPERATOR"), Token("VERIFIER"), Token("HEAD_OF_AGENCY")}) {
    auto ctx = ContextWithToken(token);
    v1::Application out;
    EXPECT_EQ(stub_->RecordProgress(ctx.get(), r, &out).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  auto ctx = ContextWithToken("");
  v1::Application out;
  EXPECT_EQ(stub_->RecordProgress(ctx.get(), r, &out).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // Nothing was recorded: an applicant cannot close their application to open another.
  EXPECT_EQ(Count("SELECT count(*) FROM applications WHERE case_version = 0 AND "
                  "sop_status = 'SUBMITTED'"),
            1);
}

TEST_F(IntakeFixture, RecordProgressForAnUnknownApplicationIsNotFoundAndBadReportsAreRefused) {
  v1::Application out;
  EXPECT_EQ(Report("6f1c2a8e-0000-4000-8000-00000000abcd", kCase, 1,
                   v1::APPLICATION_STATUS_IN_REVIEW, v1::STEP_HEAD_OF_AGENCY_REVIEW, &out)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::Application a = SubmitOk();
  // A case is never HANDED_OVER; version 0 and step 9 are no report.
  grpc::Status s =
      Report(a.id(), kCase, 0, v1::APPLICATION_STATUS_HANDED_OVER, static_cast<v1::Step>(9), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<std::string> fields = BadRequestFields(s);
  std::sort(fields.begin(), fields.end());
  EXPECT_EQ(fields, (std::vector<std::string>{"current_step", "status", "version"}));
  EXPECT_EQ(Count("SELECT count(*) FROM applications WHERE sop_status = 'SUBMITTED' AND "
                  "case_status IS NULL"),
            1);
}

TEST_F(IntakeFixture, ReportsApplyInVersionOrderAndARepeatedOrOlderOneChangesNothing) {
  v1::Application a = SubmitOk();
  v1::Application out;
  ASSERT_TRUE(Report(a.id(), kCase, 3, v1::APPLICATION_STATUS_IN_REVIEW,
                     v1::STEP_HEAD_OF_SECTION_REVIEW, &out)
                  .ok());
  EXPECT_EQ(out.status(), v1::APPLICATION_STATUS_IN_REVIEW);
  EXPECT_EQ(out.current_step(), v1::STEP_HEAD_OF_SECTION_REVIEW);
  pqxx::result before = Query("SELECT updated_at::text, case_version FROM applications");
  // Version 2 (older) arrives late, version 3 again: OK, and nothing changes.
  for (int64_t v : {2, 3}) {
    grpc::Status s = Report(a.id(), kCase, v, v1::APPLICATION_STATUS_RETURNED,
                            v1::STEP_HEAD_OF_AGENCY_REVIEW, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(out.status(), v1::APPLICATION_STATUS_IN_REVIEW);
    EXPECT_EQ(out.current_step(), v1::STEP_HEAD_OF_SECTION_REVIEW);
  }
  pqxx::result after = Query("SELECT updated_at::text, case_version FROM applications");
  EXPECT_EQ(after[0][0].as<std::string>(), before[0][0].as<std::string>());
  EXPECT_EQ(after[0][1].as<int64_t>(), 3);
  // The certificate's report wins over the case's, whatever order they arrive in.
  ASSERT_TRUE(Report(a.id(), kEnrollment, 1, v1::APPLICATION_STATUS_AWAITING_PASSPHRASE,
                     v1::STEP_PASSPHRASE, &out)
                  .ok());
  ASSERT_TRUE(
      Report(a.id(), kCase, 5, v1::APPLICATION_STATUS_SENT_TO_CA, v1::STEP_VERIFICATION, &out)
          .ok());
  EXPECT_EQ(out.status(), v1::APPLICATION_STATUS_AWAITING_PASSPHRASE);
  EXPECT_EQ(out.current_step(), v1::STEP_PASSPHRASE);
  // No audit entry or timeline entry for a mirror update: they are disposition's and
  // certificate's.
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM application_timeline"), 1);
}

TEST_F(IntakeFixture, GetApplicationFallsBackToTheMirrorWhenDownstreamCannotBeAsked) {
  v1::Application a = SubmitOk();
  v1::Application out;
  ASSERT_TRUE(
      Report(a.id(), kCase, 4, v1::APPLICATION_STATUS_SENT_TO_CA, v1::STEP_VERIFICATION, &out)
          .ok());
  ASSERT_TRUE(
      Report(a.id(), kEnrollment, 3, v1::APPLICATION_STATUS_HANDED_OVER, v1::STEP_HANDOVER, &out)
          .ok());
  disposition_server_->Shutdown();  // and no certificate service runs in this fixture
  v1::Application got;
  ASSERT_TRUE(Get(a.id(), Token("AUDITOR"), &got).ok());
  EXPECT_EQ(got.status(), v1::APPLICATION_STATUS_HANDED_OVER);
  EXPECT_EQ(got.current_step(), v1::STEP_HANDOVER);
}

// --- ListApplications across the SOP ----------------------------------------------------------

TEST_F(IntakeFixture, TheListFiltersOnEveryStatusAndShowsEachStatusAndStepFromTheMirror) {
  struct Reported {
    v1::ProgressSource source;
    v1::ApplicationStatus status;
    v1::Step step;
  };
  // One application per status (each of another person), as the reports left them.
  const std::vector<std::pair<v1::ApplicationStatus, std::vector<Reported>>> want = {
      {v1::APPLICATION_STATUS_SUBMITTED, {}},
      {v1::APPLICATION_STATUS_IN_REVIEW,
       {{kCase, v1::APPLICATION_STATUS_IN_REVIEW, v1::STEP_HEAD_OF_DIVISION_REVIEW}}},
      {v1::APPLICATION_STATUS_RETURNED,
       {{kCase, v1::APPLICATION_STATUS_RETURNED, v1::STEP_HEAD_OF_SECTION_REVIEW}}},
      {v1::APPLICATION_STATUS_REJECTED,
       {{kCase, v1::APPLICATION_STATUS_REJECTED, v1::STEP_VERIFICATION}}},
      {v1::APPLICATION_STATUS_WITHDRAWN,
       {{kCase, v1::APPLICATION_STATUS_WITHDRAWN, v1::STEP_HEAD_OF_AGENCY_REVIEW}}},
      {v1::APPLICATION_STATUS_SENT_TO_CA,
       {{kCase, v1::APPLICATION_STATUS_SENT_TO_CA, v1::STEP_VERIFICATION}}},
      {v1::APPLICATION_STATUS_AWAITING_PASSPHRASE,
       {{kCase, v1::APPLICATION_STATUS_SENT_TO_CA, v1::STEP_VERIFICATION},
        {kEnrollment, v1::APPLICATION_STATUS_AWAITING_PASSPHRASE, v1::STEP_PASSPHRASE}}},
      {v1::APPLICATION_STATUS_ISSUED,
       {{kEnrollment, v1::APPLICATION_STATUS_ISSUED, v1::STEP_HANDOVER}}},
      {v1::APPLICATION_STATUS_HANDED_OVER,
       {{kEnrollment, v1::APPLICATION_STATUS_HANDED_OVER, v1::STEP_HANDOVER}}},
      {v1::APPLICATION_STATUS_REVOKED,
       {{kEnrollment, v1::APPLICATION_STATUS_REVOKED, v1::STEP_HANDOVER}}},
  };
  std::map<v1::ApplicationStatus, std::pair<std::string, v1::Step>> ids;
  int n = 0;
  for (const auto& [status, reports] : want) {
    v1::SubmitApplicationRequest r = ValidRequest("list-" + std::to_string(n), NikNo(n));
    ++n;
    v1::Application a;
    ASSERT_TRUE(Submit(r, Token("OPERATOR"), &a).ok());
    v1::Step step = v1::STEP_SUBMISSION;
    int64_t version = 1;
    for (const Reported& rep : reports) {
      v1::Application out;
      ASSERT_TRUE(Report(a.id(), rep.source, version++, rep.status, rep.step, &out).ok());
      step = rep.step;
    }
    ids[status] = {a.id(), step};
  }
  const int get_case_calls = fake_disposition_.get_case_calls();
  for (const auto& [status, id_step] : ids) {
    v1::ListApplicationsRequest lr;
    lr.set_status(status);
    v1::ListApplicationsResponse resp;
    ASSERT_TRUE(List(stub_.get(), Token("AUDITOR"), lr, &resp).ok());
    ASSERT_EQ(resp.applications_size(), 1) << v1::ApplicationStatus_Name(status);
    EXPECT_EQ(resp.applications(0).id(), id_step.first);
    EXPECT_EQ(resp.applications(0).status(), status);
    EXPECT_EQ(resp.applications(0).current_step(), id_step.second)
        << v1::ApplicationStatus_Name(status);
  }
  // Unfiltered, each shows its own status; nobody downstream was asked per row.
  v1::ListApplicationsResponse all;
  ASSERT_TRUE(List(stub_.get(), Token("VERIFIER"), {}, &all).ok());
  ASSERT_EQ(all.applications_size(), 10);
  std::set<int> statuses;
  for (const v1::Application& a : all.applications()) statuses.insert(a.status());
  EXPECT_EQ(statuses.size(), 10u);
  EXPECT_EQ(fake_disposition_.get_case_calls(), get_case_calls);
  // A number that is no status is refused.
  v1::ListApplicationsRequest bad;
  bad.set_status(static_cast<v1::ApplicationStatus>(42));
  grpc::Status s = List(stub_.get(), Token("AUDITOR"), bad, &all);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadRequestFields(s), std::vector<std::string>{"status"});
}

TEST_F(IntakeFixture, TheListsPageTokenStaysBoundToTheStatusFilter) {
  for (int i = 0; i < 3; ++i) {
    v1::Application a;
    ASSERT_TRUE(
        Submit(ValidRequest("rev-" + std::to_string(i), NikNo(i)), Token("OPERATOR"), &a).ok());
    v1::Application out;
    ASSERT_TRUE(Report(a.id(), kCase, 1, v1::APPLICATION_STATUS_IN_REVIEW,
                       v1::STEP_HEAD_OF_AGENCY_REVIEW, &out)
                    .ok());
  }
  v1::ListApplicationsRequest lr;
  lr.set_status(v1::APPLICATION_STATUS_IN_REVIEW);
  lr.set_page_size(2);
  v1::ListApplicationsResponse page;
  ASSERT_TRUE(List(stub_.get(), Token("AUDITOR"), lr, &page).ok());
  ASSERT_EQ(page.applications_size(), 2);
  ASSERT_FALSE(page.next_page_token().empty());
  lr.set_page_token(page.next_page_token());
  v1::ListApplicationsResponse next;
  ASSERT_TRUE(List(stub_.get(), Token("AUDITOR"), lr, &next).ok());
  EXPECT_EQ(next.applications_size(), 1);
  EXPECT_TRUE(next.next_page_token().empty());
  lr.set_status(v1::APPLICATION_STATUS_SUBMITTED);
  grpc::Status s = List(stub_.get(), Token("AUDITOR"), lr, &next);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadRequestFields(s), std::vector<std::string>{"page_token"});
}

// --- One open application per person ----------------------------------------------------------

TEST_F(IntakeFixture, ASecondOpenApplicationIsFailedPreconditionNamingTheFirst) {
  v1::Application first = SubmitOk("first");
  v1::Application out;
  for (const std::string& token : {ApplicantToken(), Token("OPERATOR")}) {
    grpc::Status s = Submit(ValidRequest("second"), token, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
    EXPECT_NE(s.error_message().find(first.id()), std::string::npos) << s.error_message();
  }
  EXPECT_EQ(Count("SELECT count(*) FROM applications"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM documents"), 4);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log"), 1);
  // Idempotency wins: the first request again answers the first application.
  ASSERT_TRUE(Submit(ValidRequest("first"), ApplicantToken(), &out).ok());
  EXPECT_EQ(out.id(), first.id());
  // Still open at every later step until it is final.
  for (auto [source, version, status, step] :
       std::vector<std::tuple<v1::ProgressSource, int, v1::ApplicationStatus, v1::Step>>{
           {kCase, 1, v1::APPLICATION_STATUS_RETURNED, v1::STEP_HEAD_OF_AGENCY_REVIEW},
           {kCase, 2, v1::APPLICATION_STATUS_SENT_TO_CA, v1::STEP_VERIFICATION},
           {kEnrollment, 1, v1::APPLICATION_STATUS_ISSUED, v1::STEP_HANDOVER}}) {
    ASSERT_TRUE(Report(first.id(), source, version, status, step, &out).ok());
    grpc::Status s = Submit(ValidRequest("second"), ApplicantToken(), &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
        << v1::ApplicationStatus_Name(status);
  }
  // Handed over: final; a new application (e.g. a renewal later) may be submitted.
  ASSERT_TRUE(Report(first.id(), kEnrollment, 2, v1::APPLICATION_STATUS_HANDED_OVER,
                     v1::STEP_HANDOVER, &out)
                  .ok());
  grpc::Status s = Submit(ValidRequest("second"), ApplicantToken(), &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_NE(out.id(), first.id());
}

TEST_F(IntakeFixture, RejectedOrWithdrawnApplicationsLetThePersonApplyAgain) {
  v1::Application a = SubmitOk("a");
  Close(a.id());  // REJECTED at disposition
  v1::Application b = SubmitOk("b");
  v1::Application out;
  // Withdrawn at intake (through disposition first).
  auto ctx = ContextWithToken(ApplicantToken());
  v1::WithdrawApplicationRequest w;
  w.set_application_id(b.id());
  ASSERT_TRUE(stub_->WithdrawApplication(ctx.get(), w, &out).ok());
  v1::Application c = SubmitOk("c");
  // Revoked after handover.
  ASSERT_TRUE(
      Report(c.id(), kEnrollment, 4, v1::APPLICATION_STATUS_REVOKED, v1::STEP_HANDOVER, &out).ok());
  SubmitOk("d");
  EXPECT_EQ(Count("SELECT count(*) FROM applications"), 4);
}

TEST_F(IntakeFixture, AReportThatWouldReopenASecondApplicationOfOnePersonIsRefused) {
  v1::Application first = SubmitOk("first");
  Close(first.id());
  SubmitOk("second");  // open now
  // An enrollment reported for the closed application would make two open ones.
  v1::Application out;
  grpc::Status s = Report(first.id(), kEnrollment, 1, v1::APPLICATION_STATUS_AWAITING_PASSPHRASE,
                          v1::STEP_PASSPHRASE, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS) << s.error_message();
  EXPECT_EQ(Count("SELECT count(*) FROM applications WHERE enrollment_version > 0"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM applications WHERE sop_status = 'REJECTED' AND id = '" +
                  first.id() + "'"),
            1);
}

TEST_F(IntakeFixture, ConcurrentSubmissionsForOneNikLetExactlyOneThrough) {
  constexpr int kRacers = 6;
  std::vector<grpc::StatusCode> codes(kRacers);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kRacers; ++i) {
    threads.emplace_back([&, i] {
      v1::SubmitApplicationRequest r = ValidRequest("race-" + std::to_string(i));
      ++ready;
      while (ready.load() < kRacers) std::this_thread::yield();
      v1::Application out;
      codes[i] = Submit(r, Token("OPERATOR"), &out).error_code();
    });
  }
  for (std::thread& t : threads) t.join();
  int ok = 0;
  for (grpc::StatusCode c : codes) {
    if (c == grpc::StatusCode::OK) {
      ++ok;
    } else {
      EXPECT_EQ(c, grpc::StatusCode::FAILED_PRECONDITION);
    }
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM applications"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM documents"), 4);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE topic = 'disposition.OpenCase'"), 1);
}

// --- PERMISSION_DENIED: an applicant acts only for themselves ----------------------------------

TEST_F(IntakeFixture, AnApplicantSubmittingForAnotherNikIsPermissionDeniedBeforeValidation) {
  v1::Application out;
  grpc::Status s = Submit(ValidRequest("for-other", kOtherNik), ApplicantToken(kNik), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  // Even when the rest of the request is invalid: the NIK is judged first.
  v1::SubmitApplicationRequest bad = ValidRequest("for-other-bad", kOtherNik);
  bad.mutable_applicant()->set_email("not-an-email");
  bad.clear_documents();
  s = Submit(bad, ApplicantToken(kNik), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_TRUE(BadRequestFields(s).empty());
  // A token without a NIK may not apply at all.
  s = Submit(ValidRequest("no-nik"), pki_.MintToken({"APPLICANT"}, "no-nik"), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ExpectNoRows();
  // Their own NIK, and an operator for anyone, still work.
  SubmitOk("own", kNik);
  ASSERT_TRUE(Submit(ValidRequest("desk", kOtherNik), Token("OPERATOR"), &out).ok());
}

TEST_F(IntakeFixture, AnApplicantTouchingAnotherPersonsApplicationIsPermissionDeniedEverywhere) {
  v1::Application theirs = SubmitOk("theirs", kOtherNik);
  fake_disposition_.SetCase(CaseIn(v1::CASE_STATUS_RETURNED, v1::STEP_HEAD_OF_AGENCY_REVIEW));
  const std::string mine = ApplicantToken(kNik);
  v1::Application out;
  EXPECT_EQ(Get(theirs.id(), mine, &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  {
    v1::GetDocumentRequest r;
    r.set_application_id(theirs.id());
    r.set_kind(v1::DOCUMENT_KIND_KTP_COPY);
    v1::Document d;
    auto ctx = ContextWithToken(mine);
    EXPECT_EQ(stub_->GetDocument(ctx.get(), r, &d).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  EXPECT_EQ(Resubmit(stub_.get(), mine, NewKtp(theirs.id(), "steal"), &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  {
    v1::WithdrawApplicationRequest r;
    r.set_application_id(theirs.id());
    auto ctx = ContextWithToken(mine);
    EXPECT_EQ(stub_->WithdrawApplication(ctx.get(), r, &out).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    v1::ListApplicationsRequest r;
    r.set_nik(kOtherNik);
    v1::ListApplicationsResponse resp;
    ASSERT_TRUE(List(stub_.get(), mine, r, &resp).ok());
    EXPECT_EQ(resp.applications_size(), 0);  // only their own, whatever nik they ask for
  }
  // Nothing was changed, and disposition was never asked to withdraw.
  EXPECT_TRUE(fake_disposition_.withdrawn().empty());
  EXPECT_EQ(Count("SELECT count(*) FROM documents"), 4);
  EXPECT_EQ(Count("SELECT count(*) FROM resubmission_requests"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM applications WHERE status = 'WITHDRAWN'"), 0);
}

// --- ResubmitDocuments' idempotency key -------------------------------------------------------

class ResubmitFixture : public IntakeFixture {
 protected:
  v1::Application Returned() {
    v1::Application a = SubmitOk();
    v1::Case c = CaseIn(v1::CASE_STATUS_RETURNED, v1::STEP_HEAD_OF_DIVISION_REVIEW);
    *c.mutable_step_entered_at() = a.created_at();  // it arrived at the step, then came back
    c.add_missing_documents(v1::DOCUMENT_KIND_KTP_COPY);
    fake_disposition_.SetCase(c);
    return a;
  }
};

TEST_F(ResubmitFixture, TheSameKeyAgainAnswersWithoutANewVersionOrASecondResume) {
  v1::Application a = Returned();
  v1::Application first;
  grpc::Status s = Resubmit(stub_.get(), ApplicantToken(), NewKtp(a.id(), "resubmit-1"), &first);
  ASSERT_TRUE(s.ok()) << s.error_message() << BadRequestText(s);
  // The case resumes only once ResumeCase is delivered; the retry comes before that (RETURNED
  // still) and after it (IN_REVIEW): the same answer either way, nothing new.
  for (v1::CaseStatus st : {v1::CASE_STATUS_RETURNED, v1::CASE_STATUS_IN_REVIEW}) {
    fake_disposition_.SetCase(CaseIn(st, v1::STEP_HEAD_OF_DIVISION_REVIEW));
    v1::Application again;
    s = Resubmit(stub_.get(), ApplicantToken(), NewKtp(a.id(), "resubmit-1"), &again);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(again.id(), first.id());
    ASSERT_EQ(again.documents_size(), first.documents_size());
    for (int i = 0; i < again.documents_size(); ++i) {
      EXPECT_EQ(again.documents(i).version(), first.documents(i).version());
      EXPECT_EQ(again.documents(i).sha256(), first.documents(i).sha256());
    }
  }
  EXPECT_EQ(Count("SELECT count(*) FROM documents"), 5);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE topic = 'disposition.ResumeCase'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'RESUBMITTED'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM application_timeline WHERE action = 'RESUBMITTED'"), 1);
}

TEST_F(ResubmitFixture, TheSameKeyWithOtherDocumentsOrForAnotherApplicationIsAlreadyExists) {
  v1::Application a = Returned();
  v1::Application out;
  ASSERT_TRUE(Resubmit(stub_.get(), Token("OPERATOR"), NewKtp(a.id(), "k-1"), &out).ok());
  grpc::Status s = Resubmit(stub_.get(), Token("OPERATOR"), NewKtp(a.id(), "k-1", 1234), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS) << s.error_message();
  v1::Application other = SubmitOk("other", kOtherNik);
  s = Resubmit(stub_.get(), Token("OPERATOR"), NewKtp(other.id(), "k-1"), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS) << s.error_message();
  EXPECT_EQ(Count("SELECT count(*) FROM documents"), 9);  // 4 + 1 + 4
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE topic = 'disposition.ResumeCase'"), 1);
}

TEST_F(ResubmitFixture, ASecondResubmissionUnderAnotherKeyDoesNotResumeTheCaseTwice) {
  v1::Application a = Returned();
  v1::Application out;
  ASSERT_TRUE(Resubmit(stub_.get(), ApplicantToken(), NewKtp(a.id(), "k-a"), &out).ok());
  // Disposition still says RETURNED (ResumeCase not delivered yet).
  grpc::Status s = Resubmit(stub_.get(), ApplicantToken(), NewKtp(a.id(), "k-b", 777), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_EQ(Count("SELECT count(*) FROM documents"), 5);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE topic = 'disposition.ResumeCase'"), 1);
}

TEST_F(ResubmitFixture, ConcurrentRetriesOfOneKeyStoreOneVersion) {
  v1::Application a = Returned();
  constexpr int kRacers = 5;
  std::vector<grpc::StatusCode> codes(kRacers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRacers; ++i) {
    threads.emplace_back([&, i] {
      v1::Application out;
      codes[i] =
          Resubmit(stub_.get(), ApplicantToken(), NewKtp(a.id(), "same-key"), &out).error_code();
    });
  }
  for (std::thread& t : threads) t.join();
  for (grpc::StatusCode c : codes) EXPECT_EQ(c, grpc::StatusCode::OK);
  EXPECT_EQ(Count("SELECT count(*) FROM documents"), 5);
  EXPECT_EQ(Count("SELECT count(*) FROM resubmission_requests"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE topic = 'disposition.ResumeCase'"), 1);
}

}  // namespace
}  // namespace sertel::intake::itest
