#include "case_proto.h"

#include "disposition_chain.h"

namespace sertel::disposition {

google::protobuf::Timestamp ToProtoTime(absl::Time t) {
  google::protobuf::Timestamp out;
  const int64_t us = absl::ToUnixMicros(t);
  int64_t secs = us / 1000000;
  int64_t rem = us % 1000000;
  if (rem < 0) {
    rem += 1000000;
    --secs;
  }
  out.set_seconds(secs);
  out.set_nanos(static_cast<int32_t>(rem * 1000));
  return out;
}

absl::Time FromProtoTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

google::protobuf::Duration ToProtoDuration(absl::Duration d) {
  google::protobuf::Duration out;
  const int64_t us = absl::ToInt64Microseconds(d);
  out.set_seconds(us / 1000000);
  out.set_nanos(static_cast<int32_t>((us % 1000000) * 1000));
  return out;
}

ApplicantInfo FromProto(const v1::Applicant& a) {
  return ApplicantInfo{.nik = a.nik(),
                       .nip = a.nip(),
                       .full_name = a.full_name(),
                       .email = a.email(),
                       .phone = a.phone(),
                       .unit = a.unit(),
                       .position = a.position()};
}

v1::Applicant ToProto(const ApplicantInfo& a) {
  v1::Applicant out;
  out.set_nik(a.nik);
  out.set_nip(a.nip);
  out.set_full_name(a.full_name);
  out.set_email(a.email);
  out.set_phone(a.phone);
  out.set_unit(a.unit);
  out.set_position(a.position);
  return out;
}

Checklist FromProto(const v1::Checklist& c) {
  return Checklist{.request_letter_ok = c.request_letter_ok(),
                   .bsre_form_ok = c.bsre_form_ok(),
                   .ktp_copy_ok = c.ktp_copy_ok(),
                   .sk_copy_ok = c.sk_copy_ok(),
                   .identity_matches_documents = c.identity_matches_documents()};
}

void ToProto(const TimelineEntry& e, v1::TimelineEntry* out) {
  out->set_step(static_cast<v1::Step>(e.step));
  out->set_action(e.action);
  out->set_actor_sub(e.actor_sub);
  out->set_actor_role(e.actor_role);
  out->set_note(e.note);
  *out->mutable_at() = ToProtoTime(e.at);
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
  *out->mutable_opened_at() = ToProtoTime(c.opened_at);
  *out->mutable_step_entered_at() = ToProtoTime(c.step_entered_at);
  if (c.status == CaseStatus::kInReview) {
    *out->mutable_due_at() = ToProtoTime(DispositionChain::DueAt(c));
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
}

}  // namespace sertel::disposition
