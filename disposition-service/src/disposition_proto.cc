#include "disposition_proto.h"

#include <string>

#include "common/applicant_proto.h"
#include "common/attention_proto.h"
#include "common/proto_time.h"
#include "disposition_chain.h"
#include "disposition_payloads.h"
#include "sertel/v1/certificate.pb.h"

namespace sertel::disposition {

ApplicantInfo FromProto(const v1::Applicant& a) { return ApplicantFromProto<ApplicantInfo>(a); }

v1::Applicant ToProto(const ApplicantInfo& a) {
  v1::Applicant out;
  ApplicantToProto(a, &out);
  return out;
}

Checklist FromProto(const v1::Checklist& c) {
  return Checklist{.request_letter_ok = c.request_letter_ok(),
                   .bsre_form_ok = c.bsre_form_ok(),
                   .ktp_copy_ok = c.ktp_copy_ok(),
                   .sk_copy_ok = c.sk_copy_ok(),
                   .identity_matches_documents = c.identity_matches_documents()};
}

OpenInput FromProto(const v1::OpenCaseRequest& r) {
  OpenInput in{.application_id = r.application_id(),
               .request_id = r.request_id(),
               .applicant = FromProto(r.applicant()),
               .submitted_at = std::nullopt};
  if (r.has_submitted_at()) in.submitted_at = FromProtoTimestamp(r.submitted_at());
  return in;
}

SlaPeriod FromProto(const v1::GetSlaReportRequest& r) {
  SlaPeriod p;
  if (r.has_from()) p.from = FromProtoTimestamp(r.from());
  if (r.has_to()) p.to = FromProtoTimestamp(r.to());
  return p;
}

StepSla FromProto(const v1::StepSla& s) {
  return StepSla{.step = static_cast<int>(s.step()),
                 .count = s.count(),
                 .p50 = FromProtoDuration(s.p50()),
                 .p95 = FromProtoDuration(s.p95()),
                 .max = FromProtoDuration(s.max()),
                 .exceeded = s.exceeded()};
}

void ToProto(const TimelineEntry& e, v1::TimelineEntry* out) {
  out->set_step(static_cast<v1::Step>(e.step));
  out->set_action(e.action);
  out->set_actor_sub(e.actor_sub);
  out->set_actor_role(e.actor_role);
  out->set_note(e.note);
  *out->mutable_at() = ToProtoTimestamp(e.at);
  *out->mutable_duration() = ToProtoDuration(e.duration);
  *out->mutable_standard_duration() = ToProtoDuration(e.standard_duration);
  out->set_within_standard(e.within_standard);
}

void ToProto(const CaseRecord& c, v1::Case* out) {
  out->Clear();
  out->set_application_id(c.application_id);
  out->set_status(static_cast<v1::CaseStatus>(static_cast<int>(c.status)));
  out->set_current_step(static_cast<v1::Step>(c.current_step));
  out->set_version(c.version);
  *out->mutable_opened_at() = ToProtoTimestamp(c.opened_at);
  *out->mutable_step_entered_at() = ToProtoTimestamp(c.step_entered_at);
  if (c.status == CaseStatus::kInReview) {
    *out->mutable_due_at() = ToProtoTimestamp(DispositionChain::DueAt(c));
  }
  for (const TimelineEntry& e : c.timeline) ToProto(e, out->add_timeline());
  *out->mutable_applicant() = ToProto(c.applicant);
  out->set_return_reason(c.return_reason);
  for (const std::string& name : c.missing_documents) {
    v1::DocumentKind kind;
    if (v1::DocumentKind_Parse("DOCUMENT_KIND_" + name, &kind)) out->add_missing_documents(kind);
  }
  if (c.checklist_confirmed) {
    v1::Checklist* cl = out->mutable_checklist();
    cl->set_request_letter_ok(true);
    cl->set_bsre_form_ok(true);
    cl->set_ktp_copy_ok(true);
    cl->set_sk_copy_ok(true);
    cl->set_identity_matches_documents(true);
  }
  if (c.attention.has_value()) AttentionToProto(*c.attention, out->mutable_attention());
}

void ToProto(const InboxPage& page, v1::ListInboxResponse* out) {
  for (const CaseRecord& c : page.cases) ToProto(c, out->add_cases());
  out->set_next_page_token(page.next_page_token);
}

void ToProto(const SlaResult& r, v1::SlaReport* out) {
  *out->mutable_from() = ToProtoTimestamp(r.from);
  *out->mutable_to() = ToProtoTimestamp(r.to);
  for (const StepSla& s : r.steps) {
    v1::StepSla* step = out->add_steps();
    step->set_step(static_cast<v1::Step>(s.step));
    step->set_count(s.count);
    *step->mutable_p50() = ToProtoDuration(s.p50);
    *step->mutable_p95() = ToProtoDuration(s.p95);
    *step->mutable_max() = ToProtoDuration(s.max);
    step->set_exceeded(s.exceeded);
    *step->mutable_standard_duration() = ToProtoDuration(DispositionChain::StandardTime(s.step));
  }
}

OutboxItem StartEnrollmentItem(const std::string& request_id, const CaseRecord& c) {
  v1::StartEnrollmentRequest r;
  r.set_application_id(c.application_id);
  *r.mutable_applicant() = ToProto(c.applicant);
  r.set_request_id(request_id);
  return OutboxItem{kStartEnrollmentTopic, request_id, r.SerializeAsString(), c.application_id};
}

}  // namespace sertel::disposition
