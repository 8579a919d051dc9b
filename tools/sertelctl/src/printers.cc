#include "printers.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "format.h"

namespace sertel::ctl {
namespace {

template <typename E>
std::string Label(E value) {
  return EnumLabel(google::protobuf::GetEnumDescriptor<E>(), static_cast<int>(value));
}

bool HasDuration(const google::protobuf::Duration& d) { return d.seconds() != 0 || d.nanos() != 0; }

std::string Versus(const v1::TimelineEntry& t) {
  if (!HasDuration(t.standard_duration())) return FormatDuration(t.duration());
  return absl::StrCat(FormatDuration(t.duration(), false), " / ",
                      FormatDuration(t.standard_duration()), t.within_standard() ? " ok" : " OVER");
}

std::string ApplicantLine(const v1::Applicant& a) {
  return absl::StrCat(a.full_name(), " (NIK ", a.nik(), ", NIP ", a.nip(), ")");
}

}  // namespace

std::string StepLabel(int step) {
  if (step == 0) return "-";
  return absl::StrCat(step, " ", Label(static_cast<v1::Step>(step)));
}

void PrintTimeline(std::ostream& out,
                   const google::protobuf::RepeatedPtrField<v1::TimelineEntry>& timeline) {
  Table t({"STEP", "ACTION", "BY", "AT", "TOOK / SOP STANDARD", "NOTE"});
  for (const v1::TimelineEntry& e : timeline) {
    std::string by = e.actor_sub().empty() ? e.actor_role()
                                           : absl::StrCat(e.actor_sub(), " (", e.actor_role(), ")");
    t.AddRow({StepLabel(e.step()), e.action(), by, FormatTime(e.at()), Versus(e), e.note()});
  }
  t.Print(out);
}

std::string LastStepSentence(
    const google::protobuf::RepeatedPtrField<v1::TimelineEntry>& timeline) {
  for (int i = timeline.size() - 1; i >= 0; --i) {
    const v1::TimelineEntry& e = timeline[i];
    if (!HasDuration(e.standard_duration())) continue;
    return absl::StrCat("step ", StepLabel(e.step()), " took ", FormatDuration(e.duration(), false),
                        " (SOP standard ", FormatDuration(e.standard_duration()), ": ",
                        e.within_standard() ? "within" : "EXCEEDED", ")");
  }
  return "";
}

std::string AttentionSentence(const v1::Attention& a) {
  return absl::StrCat("DEAD at ", a.service(), " since ", FormatTime(a.at()), ": ", a.what(),
                      " failed: ", a.error(), " (after fixing the cause: sertelctl outbox retry ",
                      a.service(), " ", a.outbox_id(), ")");
}

void PrintApplication(std::ostream& out, const v1::Application& a) {
  std::vector<std::pair<std::string, std::string>> f = {
      {"application", a.id()},
      {"status", Label(a.status())},
      {"step", StepLabel(a.current_step())},
      {"applicant", ApplicantLine(a.applicant())},
      {"unit", a.applicant().unit()},
      {"email / phone", absl::StrCat(a.applicant().email(), " / ", a.applicant().phone())},
      {"submitted", FormatTime(a.created_at())},
      {"updated", FormatTime(a.updated_at())},
  };
  if (!a.return_reason().empty()) f.push_back({"returned because", a.return_reason()});
  if (a.has_attention()) f.push_back({"ATTENTION", AttentionSentence(a.attention())});
  if (!a.missing_documents().empty()) {
    std::vector<std::string> kinds;
    for (int k : a.missing_documents()) kinds.push_back(Label(static_cast<v1::DocumentKind>(k)));
    f.push_back({"missing documents", absl::StrJoin(kinds, ", ")});
  }
  PrintFields(out, f);
  if (!a.documents().empty()) {
    out << "\ndocuments:\n";
    Table t({"KIND", "FILE", "TYPE", "BYTES", "VERSION", "SHA-256"});
    for (const v1::Document& d : a.documents()) {
      t.AddRow({Label(d.kind()), d.filename(), d.content_type(), absl::StrCat(d.size_bytes()),
                absl::StrCat(d.version()), d.sha256().substr(0, 16) + "..."});
    }
    t.Print(out);
  }
  if (!a.timeline().empty()) {
    out << "\ntimeline:\n";
    PrintTimeline(out, a.timeline());
  }
}

void PrintApplicationList(std::ostream& out, const v1::ListApplicationsResponse& r) {
  Table t({"APPLICATION", "STATUS", "STEP", "NAME", "NIK", "UNIT", "SUBMITTED"});
  for (const v1::Application& a : r.applications()) {
    t.AddRow({a.id(), Label(a.status()), StepLabel(a.current_step()), a.applicant().full_name(),
              a.applicant().nik(), a.applicant().unit(), FormatTime(a.created_at())});
  }
  t.Print(out);
  if (!r.next_page_token().empty()) out << "(more: --page-token " << r.next_page_token() << ")\n";
}

void PrintDocumentInfo(std::ostream& out, const v1::Document& d) {
  PrintFields(out, {{"kind", Label(d.kind())},
                    {"file", d.filename()},
                    {"type", d.content_type()},
                    {"bytes", absl::StrCat(d.size_bytes())},
                    {"version", absl::StrCat(d.version())},
                    {"sha256", d.sha256()},
                    {"uploaded", FormatTime(d.uploaded_at())}});
}

void PrintCase(std::ostream& out, const v1::Case& c) {
  std::vector<std::pair<std::string, std::string>> f = {
      {"application", c.application_id()},
      {"status", Label(c.status())},
      {"step", StepLabel(c.current_step())},
      {"version", absl::StrCat(c.version())},
      {"applicant", ApplicantLine(c.applicant())},
      {"unit", c.applicant().unit()},
      {"opened", FormatTime(c.opened_at())},
      {"at this step since", FormatTime(c.step_entered_at())},
      {"due (SOP standard)", FormatTime(c.due_at())},
  };
  if (!c.return_reason().empty()) f.push_back({"returned because", c.return_reason()});
  if (c.has_attention()) f.push_back({"ATTENTION", AttentionSentence(c.attention())});
  PrintFields(out, f);
  if (!c.timeline().empty()) {
    out << "\ntimeline:\n";
    PrintTimeline(out, c.timeline());
  }
}

void PrintInbox(std::ostream& out, const v1::ListInboxResponse& r) {
  if (r.cases().empty()) {
    out << "the inbox is empty\n";
    return;
  }
  Table t({"APPLICATION", "STEP", "VERSION", "NAME", "UNIT", "WAITING SINCE", "DUE"});
  for (const v1::Case& c : r.cases()) {
    t.AddRow({c.application_id(), StepLabel(c.current_step()), absl::StrCat(c.version()),
              c.applicant().full_name(), c.applicant().unit(), FormatTime(c.step_entered_at()),
              FormatTime(c.due_at())});
  }
  t.Print(out);
  if (!r.next_page_token().empty()) out << "(more: --page-token " << r.next_page_token() << ")\n";
}

void PrintSlaReport(std::ostream& out, const v1::SlaReport& r) {
  out << "from " << FormatTime(r.from()) << " to " << FormatTime(r.to()) << "\n";
  Table t({"STEP", "COUNT", "P50", "P95", "MAX", "SOP STANDARD", "EXCEEDED"});
  for (const v1::StepSla& s : r.steps()) {
    t.AddRow({StepLabel(s.step()), absl::StrCat(s.count()), FormatDuration(s.p50()),
              FormatDuration(s.p95()), FormatDuration(s.max()),
              FormatDuration(s.standard_duration()), absl::StrCat(s.exceeded())});
  }
  t.Print(out);
}

void PrintEnrollment(std::ostream& out, const v1::Enrollment& e) {
  std::vector<std::pair<std::string, std::string>> f = {
      {"application", e.application_id()},
      {"status", Label(e.status())},
      {"step", StepLabel(e.current_step())},
      {"holder", ApplicantLine(e.applicant())},
      {"activation code expires", FormatTime(e.activation_expires_at())},
  };
  if (!e.certificate_serial().empty()) f.push_back({"certificate serial", e.certificate_serial()});
  if (e.handover_channel() != v1::CHANNEL_UNSPECIFIED) {
    f.push_back({"handed over by", Label(e.handover_channel())});
  }
  f.push_back({"keystore available", e.keystore_available() ? "yes" : "no"});
  if (e.has_attention()) f.push_back({"ATTENTION", AttentionSentence(e.attention())});
  PrintFields(out, f);
  if (!e.timeline().empty()) {
    out << "\ntimeline:\n";
    PrintTimeline(out, e.timeline());
  }
}

void PrintCertificate(std::ostream& out, const v1::Certificate& c) {
  std::vector<std::pair<std::string, std::string>> f = {
      {"serial", c.serial()},
      {"status", Label(c.status())},
      {"subject", c.subject()},
      {"holder", absl::StrCat(c.full_name(), " (NIK ", c.nik(), ")")},
      {"email", c.email()},
      {"unit", c.unit()},
      {"valid", absl::StrCat(FormatTime(c.not_before()), " .. ", FormatTime(c.not_after()))},
      {"key", c.key_algorithm()},
      {"sha256 fingerprint", c.sha256_fingerprint()},
      {"application", c.application_id()},
  };
  if (c.status() == v1::CERTIFICATE_STATUS_REVOKED) {
    f.push_back({"revoked", absl::StrCat(FormatTime(c.revoked_at()), " (",
                                         Label(c.revocation_reason()), ")")});
  }
  // Issue 21: whether the key made a test signature that verified for its holder.
  if (!c.has_proof_of_use()) {
    f.push_back({"proof of use", "none (issued before test signatures): do not hand over"});
  } else if (c.proof_of_use().indication() == v1::PROOF_INDICATION_PASSED) {
    f.push_back({"proof of use", absl::StrCat("PASSED, test signature verified at ",
                                              FormatTime(c.proof_of_use().checked_at()))});
  } else {
    std::vector<std::string> failed;
    for (const v1::ProofCheck& check : c.proof_of_use().checks()) {
      if (!check.passed()) failed.push_back(absl::StrCat(check.name(), ": ", check.detail()));
    }
    f.push_back({"proof of use",
                 absl::StrCat("FAILED (", absl::StrJoin(failed, "; "), "): do not hand over")});
  }
  PrintFields(out, f);
}

void PrintDocumentVerification(std::ostream& out, const v1::DocumentVerification& v) {
  out << Label(v.indication());
  if (!v.sub_indication().empty()) out << " (" << v.sub_indication() << ")";
  out << ": " << v.signatures_size() << " signature(s)\n";
  for (const v1::SignatureVerification& s : v.signatures()) {
    std::vector<std::pair<std::string, std::string>> f = {
        {"field", s.field_name()},
        {"verdict",
         absl::StrCat(Label(s.indication()),
                      s.sub_indication().empty() ? "" : " (" + s.sub_indication() + ")")},
        {"signer", absl::StrCat(s.signer().full_name(), " (NIK ", s.signer().nik(), ")")},
        {"serial", s.signer().serial()},
        {"covers the whole file", s.covers_whole_document() ? "yes" : "no"},
        {"signature intact", s.intact() ? "yes" : "no"},
        {"issued by our CA", s.issued_by_ca() ? "yes" : "no"},
    };
    if (s.has_signing_time()) f.push_back({"signing time", FormatTime(s.signing_time())});
    if (s.status_now() != v1::CERTIFICATE_STATUS_UNSPECIFIED) {
      f.push_back({"status now", Label(s.status_now())});
    }
    for (const v1::Finding& finding : s.findings()) {
      f.push_back({Label(finding.code()), finding.message()});
    }
    out << "\n";
    PrintFields(out, f);
  }
}

void PrintCheckResult(std::ostream& out, const v1::CheckResult& r) {
  if (r.ok()) {
    out << "OK: the certificate was issued by the CA, is valid and matches its holder";
    if (r.has_certificate()) {
      out << " " << r.certificate().full_name() << " (NIK " << r.certificate().nik() << ")";
    }
    out << "\n";
    return;
  }
  // The SOP's warning: a certificate that does not match its owner must not be handed over.
  out << "NOT OK: do not hand this certificate over\n";
  Table t({"FINDING", "DETAIL"});
  for (const v1::Finding& f : r.findings()) t.AddRow({Label(f.code()), f.message()});
  t.Print(out);
}

void PrintStatistics(std::ostream& out, const v1::Statistics& s) {
  PrintFields(
      out, {{"as of", FormatTime(s.as_of())},
            {"holders with a valid certificate", absl::StrCat(s.holders_with_valid_certificate())},
            {"issued", absl::StrCat(s.issued_total())},
            {"revoked", absl::StrCat(s.revoked_total())},
            {"expired", absl::StrCat(s.expired_total())},
            {"awaiting passphrase", absl::StrCat(s.awaiting_passphrase())}});
  if (s.by_unit().empty()) return;
  out << "\n";
  Table t({"UNIT", "HOLDERS", "ISSUED", "REVOKED", "EXPIRED", "AWAITING"});
  for (const v1::UnitStatistics& u : s.by_unit()) {
    t.AddRow({u.unit(), absl::StrCat(u.holders_with_valid_certificate()),
              absl::StrCat(u.issued_total()), absl::StrCat(u.revoked_total()),
              absl::StrCat(u.expired_total()), absl::StrCat(u.awaiting_passphrase())});
  }
  t.Print(out);
}

void PrintNotificationList(std::ostream& out, const v1::ListNotificationsResponse& r) {
  Table t(
      {"ID", "TEMPLATE", "CHANNEL", "RECIPIENT", "STATUS", "ATTEMPTS", "CREATED", "LAST ERROR"});
  for (const v1::Notification& n : r.notifications()) {
    t.AddRow({n.id(), Label(n.template_()), Label(n.channel()), n.recipient(), Label(n.status()),
              absl::StrCat(n.attempts()), FormatTime(n.created_at()), n.last_error()});
  }
  t.Print(out);
  if (!r.next_page_token().empty()) out << "(more: --page-token " << r.next_page_token() << ")\n";
}

}  // namespace sertel::ctl
