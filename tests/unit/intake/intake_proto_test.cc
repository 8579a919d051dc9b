// sertel.v1 <-> intake's records: the records' enums carry the API's numbers and names, the
// case and enrollment read back what disposition and certificate said (presence included), an
// answer carries every field, and the outbox payloads are the requests disposition expects.
#include "intake_proto.h"

#include "gtest/gtest.h"
#include "intake_payloads.h"
#include "tests/unit/intake/test_applications.h"

namespace sertel::intake {
namespace {

using namespace testdata;

TEST(IntakeProtoTest, ApplicationStatusNumbersAndNamesAreTheApis) {
  for (int i = v1::ApplicationStatus_MIN; i <= v1::ApplicationStatus_MAX; ++i) {
    EXPECT_EQ(ApplicationStatusName(static_cast<ApplicationStatus>(i)),
              v1::ApplicationStatus_Name(static_cast<v1::ApplicationStatus>(i)));
  }
  EXPECT_EQ(ApplicationStatusName(static_cast<ApplicationStatus>(99)), "");
  EXPECT_EQ(static_cast<int>(CaseStatus::kWithdrawn), v1::CASE_STATUS_WITHDRAWN);
  EXPECT_EQ(static_cast<int>(CaseStatus::kSentToCa), v1::CASE_STATUS_SENT_TO_CA);
  EXPECT_EQ(static_cast<int>(EnrollmentStatus::kRevoked), v1::ENROLLMENT_STATUS_REVOKED);
  EXPECT_EQ(kStepPassphrase, v1::STEP_PASSPHRASE);
  EXPECT_EQ(kStepHandover, v1::STEP_HANDOVER);
}

TEST(IntakeProtoTest, SubmissionCarriesEveryField) {
  SubmissionInput in = FromProto(ValidRequest("req-9"));
  EXPECT_EQ(in.request_id, "req-9");
  EXPECT_EQ(in.applicant.nik, kNik);
  EXPECT_EQ(in.applicant.position, "Analis Sistem Informasi");
  EXPECT_EQ(in.note, "Mohon diproses");
  ASSERT_EQ(in.documents.size(), 4u);
  EXPECT_EQ(in.documents[2].kind, v1::DOCUMENT_KIND_KTP_COPY);
  EXPECT_EQ(in.documents[2].filename, "ktp.jpg");
  EXPECT_FALSE(in.documents[2].content.empty());
}

TEST(IntakeProtoTest, CaseKeepsWhatWasSetAndOnlyThat) {
  v1::Case c;
  c.set_status(v1::CASE_STATUS_RETURNED);
  c.set_current_step(v1::STEP_HEAD_OF_SECTION_REVIEW);
  c.set_return_reason("KTP buram");
  c.add_missing_documents(v1::DOCUMENT_KIND_KTP_COPY);
  v1::TimelineEntry* e = c.add_timeline();
  e->set_action("RETURNED");
  e->mutable_at()->set_seconds(100);
  e->mutable_duration()->set_seconds(60);
  CaseView v = FromProto(c);
  EXPECT_EQ(v.status, CaseStatus::kReturned);
  EXPECT_EQ(v.current_step, v1::STEP_HEAD_OF_SECTION_REVIEW);
  EXPECT_FALSE(v.step_entered_at.has_value());
  EXPECT_EQ(v.missing_documents, std::vector<int>{v1::DOCUMENT_KIND_KTP_COPY});
  ASSERT_EQ(v.timeline.size(), 1u);
  EXPECT_EQ(v.timeline[0].at, absl::FromUnixSeconds(100));
  EXPECT_EQ(v.timeline[0].duration, absl::Seconds(60));
  EXPECT_FALSE(v.timeline[0].standard_duration.has_value());

  c.mutable_step_entered_at()->set_seconds(50);
  EXPECT_EQ(FromProto(c).step_entered_at, absl::FromUnixSeconds(50));
}

TEST(IntakeProtoTest, ApplicationAnswerCarriesTheRecordAndTheSopView) {
  ApplicationView view;
  view.application.id = "id-1";
  view.application.request_id = "req-1";
  view.application.applicant.nik = kNik;
  DocumentRecord ktp;
  ktp.kind = 3;
  ktp.version = 2;
  ktp.content = "bytes";
  ktp.sha256 = "ab";
  ktp.size_bytes = 5;
  view.application.documents.push_back(ktp);
  view.sop.status = ApplicationStatus::kReturned;
  view.sop.current_step = 4;
  view.sop.return_reason = "KTP buram";
  view.sop.missing_documents = {3};
  TimelineRecord submitted;
  submitted.action = "SUBMITTED";
  submitted.duration = absl::ZeroDuration();
  view.sop.timeline.push_back(submitted);
  v1::Application out;
  out.set_note("stale");
  ToProto(view, &out);
  EXPECT_EQ(out.id(), "id-1");
  EXPECT_EQ(out.note(), "");
  EXPECT_EQ(out.applicant().nik(), kNik);
  EXPECT_EQ(out.status(), v1::APPLICATION_STATUS_RETURNED);
  EXPECT_EQ(out.current_step(), v1::STEP_HEAD_OF_SECTION_REVIEW);
  ASSERT_EQ(out.documents_size(), 1);
  EXPECT_TRUE(out.documents(0).content().empty());
  EXPECT_EQ(out.documents(0).version(), 2);
  ASSERT_EQ(out.missing_documents_size(), 1);
  EXPECT_EQ(out.missing_documents(0), v1::DOCUMENT_KIND_KTP_COPY);
  ASSERT_EQ(out.timeline_size(), 1);
  EXPECT_TRUE(out.timeline(0).has_duration());
  EXPECT_FALSE(out.timeline(0).has_standard_duration());

  v1::Document doc;
  ToProto(view.application.documents[0], &doc);
  EXPECT_EQ(doc.content(), "bytes");
}

TEST(IntakeProtoTest, OutboxPayloadsAreDispositionsRequests) {
  ApplicationRecord a;
  a.id = "id-1";
  a.applicant.nik = kNik;
  a.created_at = absl::FromUnixSeconds(1700000000);
  OutboxItem open = OpenCaseItem(a);
  EXPECT_EQ(open.topic, "disposition.OpenCase");
  v1::OpenCaseRequest o;
  ASSERT_TRUE(o.ParseFromString(open.payload));
  EXPECT_EQ(o.request_id(), open.key);
  EXPECT_EQ(o.applicant().nik(), kNik);
  EXPECT_EQ(o.submitted_at().seconds(), 1700000000);

  EXPECT_EQ(open.application_id, "id-1");

  OutboxItem resume = ResumeCaseItem("id-1", 3);
  EXPECT_EQ(resume.topic, "disposition.ResumeCase");
  EXPECT_EQ(resume.key, "intake:resume:id-1:3");
  EXPECT_EQ(resume.application_id, "id-1");
}

TEST(IntakeProtoTest, AProgressReportMapsWithItsTimeAndTheCaseKeepsItsVersion) {
  v1::RecordProgressRequest r;
  r.set_application_id("id-1");
  r.set_source(v1::PROGRESS_SOURCE_CERTIFICATE);
  r.set_version(7);
  r.set_status(v1::APPLICATION_STATUS_HANDED_OVER);
  r.set_current_step(v1::STEP_HANDOVER);
  r.mutable_at()->set_seconds(1700000000);
  r.set_request_id("certificate:progress:id-1:7");
  ProgressInput in = FromProto(r);
  EXPECT_EQ(in.application_id, "id-1");
  EXPECT_EQ(in.source, kProgressFromCertificate);
  EXPECT_EQ(in.version, 7);
  EXPECT_EQ(in.status, ApplicationStatus::kHandedOver);
  EXPECT_EQ(in.step, 7);
  EXPECT_EQ(in.at, absl::FromUnixSeconds(1700000000));
  r.clear_at();
  EXPECT_FALSE(FromProto(r).at.has_value());

  v1::Case c;
  c.set_status(v1::CASE_STATUS_WITHDRAWN);
  c.set_version(5);
  EXPECT_EQ(FromProto(c).version, 5);
}

}  // namespace
}  // namespace sertel::intake
