#include "intake_proto.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/applicant_proto.h"
#include "common/attention_proto.h"
#include "common/proto_time.h"
#include "intake_payloads.h"

namespace sertel::intake {
namespace {

ApplicantRecord FromProto(const v1::Applicant& a) { return ApplicantFromProto<ApplicantRecord>(a); }

void ToProto(const ApplicantRecord& a, v1::Applicant* out) { ApplicantToProto(a, out); }

std::vector<DocumentInput> FromProto(const google::protobuf::RepeatedPtrField<v1::Document>& in) {
  std::vector<DocumentInput> out;
  out.reserve(in.size());
  for (const v1::Document& d : in) {
    out.push_back({.kind = static_cast<int>(d.kind()),
                   .filename = d.filename(),
                   .content_type = d.content_type(),
                   .content = d.content()});
  }
  return out;
}

// Everything but the bytes.
void ToProtoWithoutContent(const DocumentRecord& d, v1::Document* out) {
  out->set_kind(static_cast<v1::DocumentKind>(d.kind));
  out->set_filename(d.filename);
  out->set_content_type(d.content_type);
  out->set_sha256(d.sha256);
  out->set_size_bytes(d.size_bytes);
  out->set_version(d.version);
  *out->mutable_uploaded_at() = ToProtoTimestamp(d.uploaded_at);
}

TimelineRecord FromProto(const v1::TimelineEntry& e) {
  TimelineRecord t{.step = static_cast<int>(e.step()),
                   .action = e.action(),
                   .actor_sub = e.actor_sub(),
                   .actor_role = e.actor_role(),
                   .note = e.note(),
                   .at = FromProtoTimestamp(e.at()),
                   .within_standard = e.within_standard()};
  if (e.has_duration()) t.duration = FromProtoDuration(e.duration());
  if (e.has_standard_duration()) t.standard_duration = FromProtoDuration(e.standard_duration());
  return t;
}

std::vector<TimelineRecord> FromProto(
    const google::protobuf::RepeatedPtrField<v1::TimelineEntry>& in) {
  std::vector<TimelineRecord> out;
  out.reserve(in.size());
  for (const v1::TimelineEntry& e : in) out.push_back(FromProto(e));
  return out;
}

void ToProto(const TimelineRecord& t, v1::TimelineEntry* out) {
  out->set_step(static_cast<v1::Step>(t.step));
  out->set_action(t.action);
  out->set_actor_sub(t.actor_sub);
  out->set_actor_role(t.actor_role);
  out->set_note(t.note);
  *out->mutable_at() = ToProtoTimestamp(t.at);
  if (t.duration.has_value()) *out->mutable_duration() = ToProtoDuration(*t.duration);
  if (t.standard_duration.has_value()) {
    *out->mutable_standard_duration() = ToProtoDuration(*t.standard_duration);
  }
  out->set_within_standard(t.within_standard);
}

}  // namespace

SubmissionInput FromProto(const v1::SubmitApplicationRequest& r) {
  return {.request_id = r.request_id(),
          .applicant = FromProto(r.applicant()),
          .documents = FromProto(r.documents()),
          .note = r.note()};
}

ResubmissionInput FromProto(const v1::ResubmitDocumentsRequest& r) {
  return {.application_id = r.application_id(),
          .request_id = r.request_id(),
          .documents = FromProto(r.documents())};
}

WithdrawalInput FromProto(const v1::WithdrawApplicationRequest& r) {
  return {.application_id = r.application_id(), .reason = r.reason()};
}

ListQuery FromProto(const v1::ListApplicationsRequest& r) {
  return {.page_size = r.page_size(),
          .page_token = r.page_token(),
          .status = static_cast<ApplicationStatus>(r.status()),
          .unit = r.unit(),
          .nik = r.nik()};
}

DocumentQuery FromProto(const v1::GetDocumentRequest& r) {
  return {.application_id = r.application_id(), .kind = static_cast<int>(r.kind())};
}

ProgressInput FromProto(const v1::RecordProgressRequest& r) {
  ProgressInput in{.application_id = r.application_id(),
                   .source = static_cast<int>(r.source()),
                   .version = r.version(),
                   .status = static_cast<ApplicationStatus>(r.status()),
                   .step = static_cast<int>(r.current_step()),
                   .at = std::nullopt,
                   .request_id = r.request_id()};
  if (r.has_at()) in.at = FromProtoTimestamp(r.at());
  return in;
}

CaseView FromProto(const v1::Case& c) {
  CaseView out{.status = static_cast<CaseStatus>(c.status()),
               .current_step = static_cast<int>(c.current_step()),
               .version = c.version(),
               .return_reason = c.return_reason(),
               .missing_documents = {c.missing_documents().begin(), c.missing_documents().end()},
               .timeline = FromProto(c.timeline()),
               .attention = AttentionOf(c)};
  if (c.has_step_entered_at()) out.step_entered_at = FromProtoTimestamp(c.step_entered_at());
  return out;
}

EnrollmentView FromProto(const v1::Enrollment& e) {
  return {.status = static_cast<EnrollmentStatus>(e.status()),
          .current_step = static_cast<int>(e.current_step()),
          .timeline = FromProto(e.timeline()),
          .attention = AttentionOf(e)};
}

void ToProto(const ApplicationView& view, v1::Application* out) {
  const ApplicationRecord& a = view.application;
  const SopView& sop = view.sop;
  out->Clear();
  out->set_id(a.id);
  ToProto(a.applicant, out->mutable_applicant());
  for (const DocumentRecord& d : a.documents) ToProtoWithoutContent(d, out->add_documents());
  out->set_status(static_cast<v1::ApplicationStatus>(sop.status));
  out->set_current_step(static_cast<v1::Step>(sop.current_step));
  *out->mutable_created_at() = ToProtoTimestamp(a.created_at);
  *out->mutable_updated_at() = ToProtoTimestamp(a.updated_at);
  for (const TimelineRecord& t : sop.timeline) ToProto(t, out->add_timeline());
  out->set_request_id(a.request_id);
  out->set_note(a.note);
  out->set_return_reason(sop.return_reason);
  for (int k : sop.missing_documents) {
    out->add_missing_documents(static_cast<v1::DocumentKind>(k));
  }
  if (sop.attention.has_value()) AttentionToProto(*sop.attention, out->mutable_attention());
}

void ToProto(const ApplicationPage& page, v1::ListApplicationsResponse* out) {
  out->Clear();
  for (const ApplicationView& v : page.applications) ToProto(v, out->add_applications());
  out->set_next_page_token(page.next_page_token);
}

void ToProto(DocumentRecord d, v1::Document* out) {
  out->Clear();
  ToProtoWithoutContent(d, out);
  out->set_content(std::move(d.content));
}

UnitQuery FromProto(const v1::ListUnitsRequest& request) {
  return {.page_size = request.page_size(), .page_token = request.page_token()};
}

void ToProto(const UnitPage& page, v1::ListUnitsResponse* out) {
  out->Clear();
  for (const UnitRecord& u : page.units) {
    v1::Unit* unit = out->add_units();
    unit->set_code(u.code);
    unit->set_name(u.name);
    unit->set_certificate_ou(u.certificate_ou);
  }
  out->set_next_page_token(page.next_page_token);
}

// intake_payloads.h: the requests intake's outbox carries to disposition.

OutboxItem OpenCaseItem(const ApplicationRecord& a) {
  v1::OpenCaseRequest open;
  open.set_application_id(a.id);
  ToProto(a.applicant, open.mutable_applicant());
  open.set_request_id(absl::StrCat("intake:open:", a.id));
  *open.mutable_submitted_at() = ToProtoTimestamp(a.created_at);
  return {kOpenCaseTopic, open.request_id(), open.SerializeAsString(), a.id};
}

OutboxItem ResumeCaseItem(const std::string& application_id, int n) {
  v1::ResumeCaseRequest resume;
  resume.set_application_id(application_id);
  resume.set_request_id(absl::StrCat("intake:resume:", application_id, ":", n));
  return {kResumeCaseTopic, resume.request_id(), resume.SerializeAsString(), application_id};
}

}  // namespace sertel::intake
