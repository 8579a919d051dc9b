#include "certificate_proto.h"

#include "common/applicant_proto.h"
#include "common/attention_proto.h"
#include "common/proto_time.h"
#include "common/sop.h"
#include "enrollment_lifecycle.h"

namespace sertel::certificate {
namespace {

v1::FindingCode FindingToProto(FindingCode c) {
  switch (c) {
    case FindingCode::kNotIssuedByCa:
      return v1::FINDING_CODE_NOT_ISSUED_BY_CA;
    case FindingCode::kExpired:
      return v1::FINDING_CODE_EXPIRED;
    case FindingCode::kNotYetValid:
      return v1::FINDING_CODE_NOT_YET_VALID;
    case FindingCode::kRevoked:
      return v1::FINDING_CODE_REVOKED;
    case FindingCode::kNameMismatch:
      return v1::FINDING_CODE_NAME_MISMATCH;
    case FindingCode::kNikMismatch:
      return v1::FINDING_CODE_NIK_MISMATCH;
    case FindingCode::kEmailMismatch:
      return v1::FINDING_CODE_EMAIL_MISMATCH;
    case FindingCode::kKeyUsageMissing:
      return v1::FINDING_CODE_KEY_USAGE_MISSING;
    case FindingCode::kUnknownHolder:
      return v1::FINDING_CODE_UNKNOWN_HOLDER;
    case FindingCode::kMalformed:
      return v1::FINDING_CODE_MALFORMED;
  }
  return v1::FINDING_CODE_UNSPECIFIED;
}

void HolderToProto(const HolderRecord& h, v1::Applicant* out) { ApplicantToProto(h, out); }

// SOP "Mutu Baku" (common/sop.h): each entry against its step's standard time.
void TimelineToProto(const TimelineRecord& t, v1::TimelineEntry* out) {
  out->set_step(static_cast<v1::Step>(t.step));
  out->set_action(t.action);
  out->set_actor_sub(t.actor_sub);
  out->set_actor_role(t.actor_role);
  out->set_note(t.note);
  *out->mutable_at() = ToProtoTimestamp(t.at);
  *out->mutable_duration() = ToProtoDuration(t.duration);
  absl::Duration standard = SopStandardTime(t.step);
  *out->mutable_standard_duration() = ToProtoDuration(standard);
  out->set_within_standard(t.duration <= standard);
}

void UnitToProto(const UnitFigures& u, v1::UnitStatistics* out) {
  out->set_unit(u.unit);
  out->set_holders_with_valid_certificate(u.holders_with_valid_certificate);
  out->set_issued_total(u.issued_total);
  out->set_revoked_total(u.revoked_total);
  out->set_expired_total(u.expired_total);
  out->set_awaiting_passphrase(u.awaiting_passphrase);
}

}  // namespace

StartEnrollmentInput StartEnrollmentFromProto(const v1::StartEnrollmentRequest& request) {
  StartEnrollmentInput in{.application_id = request.application_id(),
                          .request_id = request.request_id()};
  if (request.has_applicant()) {
    in.applicant = ApplicantFromProto<HolderRecord>(request.applicant());
  }
  return in;
}

std::optional<absl::Time> OptionalTimeFromProto(bool has, const google::protobuf::Timestamp& t) {
  if (!has) return std::nullopt;
  return FromProtoTimestamp(t);
}

v1::Enrollment EnrollmentToProto(const EnrollmentRecord& e) {
  v1::Enrollment out;
  out.set_application_id(e.application_id);
  HolderToProto(e.holder, out.mutable_applicant());
  out.set_status(static_cast<v1::EnrollmentStatus>(e.state));
  out.set_version(e.version);
  if (e.state == EnrollmentState::kAwaitingPassphrase) {
    *out.mutable_activation_expires_at() = ToProtoTimestamp(e.activation_expires_at);
  }
  out.set_current_step(static_cast<v1::Step>(EnrollmentLifecycle::CurrentStep(e.state)));
  out.set_certificate_serial(e.certificate_serial);
  out.set_handover_channel(static_cast<v1::Channel>(e.handover_channel));
  *out.mutable_created_at() = ToProtoTimestamp(e.created_at);
  *out.mutable_updated_at() = ToProtoTimestamp(e.updated_at);
  out.set_keystore_available(e.keystore_available);
  out.set_activation_resends_left(e.activation_resends_left);
  for (const TimelineRecord& t : e.timeline) TimelineToProto(t, out.add_timeline());
  if (e.attention.has_value()) AttentionToProto(*e.attention, out.mutable_attention());
  return out;
}

v1::Certificate CertificateToProto(const CertificateView& view) {
  const CertificateRecord& c = view.certificate;
  v1::Certificate out;
  out.set_serial(c.serial);
  out.set_subject(c.subject);
  out.set_nik(c.nik);
  out.set_email(c.email);
  *out.mutable_not_before() = ToProtoTimestamp(c.not_before);
  *out.mutable_not_after() = ToProtoTimestamp(c.not_after);
  out.set_status(static_cast<v1::CertificateStatus>(view.status));
  out.set_sha256_fingerprint(c.sha256_fingerprint);
  out.set_certificate_pem(c.certificate_pem);
  out.set_application_id(c.application_id);
  out.set_full_name(c.full_name);
  out.set_unit(c.unit);
  if (c.revoked_at.has_value()) {
    out.set_revocation_reason(static_cast<v1::RevocationReason>(c.revocation_reason));
    *out.mutable_revoked_at() = ToProtoTimestamp(*c.revoked_at);
  }
  out.set_key_algorithm(c.key_algorithm);
  if (c.proof_of_use.has_value()) {
    v1::ProofOfUse* proof = out.mutable_proof_of_use();
    proof->set_indication(c.proof_of_use->passed ? v1::PROOF_INDICATION_PASSED
                                                 : v1::PROOF_INDICATION_FAILED);
    for (const ProofCheck& check : c.proof_of_use->checks) {
      v1::ProofCheck* p = proof->add_checks();
      p->set_name(check.name);
      p->set_passed(check.passed);
      p->set_detail(check.detail);
    }
    *proof->mutable_checked_at() = ToProtoTimestamp(c.proof_of_use->checked_at);
  }
  return out;
}

namespace {

void AddFindings(const std::vector<Finding>& findings,
                 google::protobuf::RepeatedPtrField<v1::Finding>* out) {
  for (const Finding& f : findings) {
    v1::Finding* finding = out->Add();
    finding->set_code(FindingToProto(f.code));
    finding->set_message(f.message);
  }
}

v1::Indication IndicationToProto(Indication i) {
  switch (i) {
    case Indication::kTotalPassed:
      return v1::INDICATION_TOTAL_PASSED;
    case Indication::kTotalFailed:
      return v1::INDICATION_TOTAL_FAILED;
    case Indication::kIndeterminate:
      return v1::INDICATION_INDETERMINATE;
  }
  return v1::INDICATION_UNSPECIFIED;
}

// A signer we did not issue: what its certificate says, never a record of ours.
v1::Certificate FactsToProto(const CertificateFacts& f, const std::string& pem) {
  v1::Certificate out;
  out.set_serial(f.serial_hex);
  out.set_subject(f.subject);
  out.set_nik(f.nik);
  out.set_email(f.email);
  out.set_full_name(f.full_name);
  out.set_unit(f.unit);
  *out.mutable_not_before() = ToProtoTimestamp(f.not_before);
  *out.mutable_not_after() = ToProtoTimestamp(f.not_after);
  out.set_sha256_fingerprint(f.sha256_fingerprint);
  out.set_certificate_pem(pem);
  return out;
}

}  // namespace

v1::DocumentVerification DocumentVerificationToProto(const DocumentReport& report) {
  v1::DocumentVerification out;
  out.set_indication(IndicationToProto(report.indication));
  out.set_sub_indication(report.sub_indication);
  for (const SignatureReport& r : report.signatures) {
    v1::SignatureVerification* s = out.add_signatures();
    s->set_field_name(r.field_name);
    s->set_sub_filter(r.sub_filter);
    s->set_indication(IndicationToProto(r.indication));
    s->set_sub_indication(r.sub_indication);
    s->set_covers_whole_document(r.covers_whole_document);
    s->set_intact(r.intact);
    s->set_issued_by_ca(r.issued_by_ca);
    if (r.signer_record.has_value()) {
      *s->mutable_signer() = CertificateToProto(*r.signer_record);
    } else if (r.signer_facts.has_value()) {
      *s->mutable_signer() = FactsToProto(*r.signer_facts, r.signer_pem);
    }
    if (r.signing_time.has_value()) *s->mutable_signing_time() = ToProtoTimestamp(*r.signing_time);
    if (r.status_at_signing_time.has_value()) {
      s->set_status_at_signing_time(static_cast<v1::CertificateStatus>(*r.status_at_signing_time));
    }
    if (r.status_now.has_value()) {
      s->set_status_now(static_cast<v1::CertificateStatus>(*r.status_now));
    }
    AddFindings(r.findings, s->mutable_findings());
  }
  return out;
}

v1::CheckResult CheckResultToProto(const CheckOutcome& outcome) {
  v1::CheckResult out;
  out.set_ok(outcome.ok());
  AddFindings(outcome.findings, out.mutable_findings());
  if (outcome.certificate.has_value()) {
    *out.mutable_certificate() = CertificateToProto(*outcome.certificate);
  }
  return out;
}

v1::DownloadKeystoreResponse KeystoreToProto(const KeystoreDownload& keystore) {
  v1::DownloadKeystoreResponse out;
  out.set_pkcs12(keystore.pkcs12);
  out.set_certificate_pem(keystore.certificate_pem);
  out.set_chain_pem(keystore.chain_pem);
  return out;
}

v1::Statistics StatisticsToProto(const StatisticsReport& report) {
  v1::Statistics out;
  for (const UnitFigures& u : report.by_unit) UnitToProto(u, out.add_by_unit());
  out.set_holders_with_valid_certificate(report.total.holders_with_valid_certificate);
  out.set_issued_total(report.total.issued_total);
  out.set_revoked_total(report.total.revoked_total);
  out.set_expired_total(report.total.expired_total);
  out.set_awaiting_passphrase(report.total.awaiting_passphrase);
  *out.mutable_as_of() = ToProtoTimestamp(report.as_of);
  return out;
}

v1::SlaReport SlaReportToProto(const SlaReportRecord& report) {
  v1::SlaReport out;
  *out.mutable_from() = ToProtoTimestamp(report.from);
  *out.mutable_to() = ToProtoTimestamp(report.to);
  for (const StepFigures& f : report.steps) {
    v1::StepSla* s = out.add_steps();
    s->set_step(static_cast<v1::Step>(f.step));
    *s->mutable_standard_duration() = ToProtoDuration(f.standard);
    s->set_count(f.count);
    if (f.count > 0) {  // a step with no rows has no waiting times
      *s->mutable_p50() = ToProtoDuration(f.p50);
      *s->mutable_p95() = ToProtoDuration(f.p95);
      *s->mutable_max() = ToProtoDuration(f.max);
    }
    s->set_exceeded(f.exceeded);
  }
  return out;
}

}  // namespace sertel::certificate
