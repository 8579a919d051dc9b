// sertelctl application ... and document get: SOP step 1 (IntakeService). The applicant (or the
// front desk for them) submits the request letter, the BSrE form, the KTP copy and the SK copy.
#include <openssl/rand.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "commands.h"
#include "common/pem.h"
#include "local_files.h"
#include "printers.h"
#include "sertel/v1/certificate.grpc.pb.h"
#include "sertel/v1/intake.grpc.pb.h"

namespace sertel::ctl {
namespace {

using IntakeClient = Client<v1::IntakeService>;
using CertificateClient = Client<v1::CertificateService>;

// A fresh idempotency key; aborts rather than reuse predictable bytes (a repeated key would
// answer with an earlier request's result).
std::string NewRequestId() {
  unsigned char raw[16];
  if (RAND_bytes(raw, sizeof raw) != 1) {
    std::cerr << "error: no randomness for a request id\n";
    std::exit(kExitLocal);
  }
  return absl::StrCat(
      "ctl-", absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(raw), sizeof raw)));
}

struct SubmitOptions {
  v1::Applicant applicant;
  std::string letter, form, ktp, sk;
  std::string note, request_id;
};

// Loads the files named by (kind, path) pairs, skipping empty paths.
int LoadDocuments(const std::vector<std::pair<v1::DocumentKind, std::string>>& files,
                  google::protobuf::RepeatedPtrField<v1::Document>* out) {
  for (const auto& [kind, path] : files) {
    if (path.empty()) continue;
    absl::StatusOr<v1::Document> d = LoadDocument(kind, path);
    if (!d.ok()) return LocalError(std::string(d.status().message()));
    *out->Add() = std::move(*d);
  }
  return kExitOk;
}

int RunSubmit(const Globals& g, const SubmitOptions& o) {
  v1::SubmitApplicationRequest req;
  req.set_request_id(o.request_id.empty() ? NewRequestId() : o.request_id);
  *req.mutable_applicant() = o.applicant;
  req.set_note(o.note);
  if (int rc = LoadDocuments({{v1::DOCUMENT_KIND_REQUEST_LETTER, o.letter},
                              {v1::DOCUMENT_KIND_BSRE_FORM, o.form},
                              {v1::DOCUMENT_KIND_KTP_COPY, o.ktp},
                              {v1::DOCUMENT_KIND_SK_COPY, o.sk}},
                             req.mutable_documents());
      rc != kExitOk) {
    return rc;
  }
  IntakeClient c(g, Service::kIntake);
  v1::Application reply;
  int rc = c.Call([&](auto* ctx) { return c.stub->SubmitApplication(ctx, req, &reply); });
  if (rc == kExitOk) Emit(g, reply, [&](std::ostream& out) { PrintApplication(out, reply); });
  return rc;
}

void AddSubmit(CLI::App* group, Globals& g, int& rc) {
  auto o = std::make_shared<SubmitOptions>();
  CLI::App* cmd =
      group->add_subcommand("submit", "Submit an application with its four documents (SOP step 1)");
  v1::Applicant& a = o->applicant;
  cmd->add_option("--nik", *a.mutable_nik(), "NIK, 16 digits")->required();
  cmd->add_option("--nip", *a.mutable_nip(), "NIP, 18 digits")->required();
  cmd->add_option("--name", *a.mutable_full_name(), "Full name as on the KTP")->required();
  cmd->add_option("--email", *a.mutable_email(), "Email for notices and the keystore")->required();
  cmd->add_option("--phone", *a.mutable_phone(), "Phone, E.164 (+62...)")->required();
  cmd->add_option("--unit", *a.mutable_unit(), "The applicant's agency (OPD)")->required();
  cmd->add_option("--position", *a.mutable_position(), "Position (jabatan)")->required();
  cmd->add_option("--letter", o->letter, "Request letter (PDF/JPEG/PNG)")->required();
  cmd->add_option("--form", o->form, "BSrE request form")->required();
  cmd->add_option("--ktp", o->ktp, "Copy of the KTP (ID card)")->required();
  cmd->add_option("--sk", o->sk, "Copy of the SK (appointment decree)")->required();
  cmd->add_option("--note", o->note, "Note for the officials");
  cmd->add_option("--request-id", o->request_id,
                  "Idempotency key (default: a new random one; reuse it to retry safely)");
  cmd->callback([&g, &rc, o] { rc = RunSubmit(g, *o); });
}

void AddGet(CLI::App* group, Globals& g, int& rc) {
  auto id = std::make_shared<std::string>();
  CLI::App* cmd = group->add_subcommand(
      "get", "Show an application: its status across all seven steps and its timeline");
  cmd->add_option("application_id", *id, "Application id")->required();
  cmd->callback([&g, &rc, id] {
    v1::GetApplicationRequest req;
    req.set_id(*id);
    IntakeClient c(g, Service::kIntake);
    v1::Application reply;
    rc = c.Call([&](auto* ctx) { return c.stub->GetApplication(ctx, req, &reply); });
    if (rc == kExitOk) Emit(g, reply, [&](std::ostream& out) { PrintApplication(out, reply); });
  });
}

struct ListOptions {
  int page_size = 50;
  std::string page_token, status, unit, nik;
};

void AddList(CLI::App* group, Globals& g, int& rc) {
  auto o = std::make_shared<ListOptions>();
  CLI::App* cmd = group->add_subcommand("list", "List applications, newest first");
  cmd->add_option("--status", o->status, EnumChoices(v1::ApplicationStatus_descriptor()));
  cmd->add_option("--unit", o->unit, "Only this agency (OPD)");
  cmd->add_option("--nik", o->nik, "Only this applicant");
  cmd->add_option("--page-size", o->page_size, "Applications per page")->capture_default_str();
  cmd->add_option("--page-token", o->page_token, "Next page, as printed by the previous one");
  cmd->callback([&g, &rc, o] {
    v1::ListApplicationsRequest req;
    req.set_page_size(o->page_size);
    req.set_page_token(o->page_token);
    req.set_unit(o->unit);
    req.set_nik(o->nik);
    if (!o->status.empty()) {
      absl::StatusOr<int> s = ParseEnumValue(v1::ApplicationStatus_descriptor(), o->status);
      if (!s.ok()) {
        std::cerr << "error: --status: " << s.status().message() << "\n";
        rc = kExitUsage;
        return;
      }
      req.set_status(static_cast<v1::ApplicationStatus>(*s));
    }
    IntakeClient c(g, Service::kIntake);
    v1::ListApplicationsResponse reply;
    rc = c.Call([&](auto* ctx) { return c.stub->ListApplications(ctx, req, &reply); });
    if (rc == kExitOk) Emit(g, reply, [&](std::ostream& out) { PrintApplicationList(out, reply); });
  });
}

struct WithdrawOptions {
  std::string id, reason;
};

void AddWithdraw(CLI::App* group, Globals& g, int& rc) {
  auto o = std::make_shared<WithdrawOptions>();
  CLI::App* cmd =
      group->add_subcommand("withdraw", "Withdraw an application before it goes to the CA");
  cmd->add_option("application_id", o->id, "Application id")->required();
  cmd->add_option("--reason", o->reason, "Why")->required();
  cmd->callback([&g, &rc, o] {
    v1::WithdrawApplicationRequest req;
    req.set_application_id(o->id);
    req.set_reason(o->reason);
    IntakeClient c(g, Service::kIntake);
    v1::Application reply;
    rc = c.Call([&](auto* ctx) { return c.stub->WithdrawApplication(ctx, req, &reply); });
    if (rc == kExitOk) Emit(g, reply, [&](std::ostream& out) { PrintApplication(out, reply); });
  });
}

struct ResubmitOptions {
  std::string id, letter, form, ktp, sk, request_id;
};

void AddResubmit(CLI::App* group, Globals& g, int& rc) {
  auto o = std::make_shared<ResubmitOptions>();
  CLI::App* cmd = group->add_subcommand(
      "resubmit",
      "Send corrected documents for a RETURNED application; review resumes where it "
      "was returned");
  cmd->add_option("application_id", o->id, "Application id")->required();
  cmd->add_option("--letter", o->letter, "New request letter");
  cmd->add_option("--form", o->form, "New BSrE request form");
  cmd->add_option("--ktp", o->ktp, "New KTP copy");
  cmd->add_option("--sk", o->sk, "New SK copy");
  cmd->add_option("--request-id", o->request_id, "Idempotency key (default: a new random one)");
  cmd->callback([&g, &rc, o] {
    v1::ResubmitDocumentsRequest req;
    req.set_application_id(o->id);
    req.set_request_id(o->request_id.empty() ? NewRequestId() : o->request_id);
    if (int r = LoadDocuments({{v1::DOCUMENT_KIND_REQUEST_LETTER, o->letter},
                               {v1::DOCUMENT_KIND_BSRE_FORM, o->form},
                               {v1::DOCUMENT_KIND_KTP_COPY, o->ktp},
                               {v1::DOCUMENT_KIND_SK_COPY, o->sk}},
                              req.mutable_documents());
        r != kExitOk) {
      rc = r;
      return;
    }
    IntakeClient c(g, Service::kIntake);
    v1::Application reply;
    rc = c.Call([&](auto* ctx) { return c.stub->ResubmitDocuments(ctx, req, &reply); });
    if (rc == kExitOk) Emit(g, reply, [&](std::ostream& out) { PrintApplication(out, reply); });
  });
}

struct DocumentOptions {
  std::string id, kind, out;
};

struct VerifyOptions {
  std::string file, nik;
};

// Issue 21: every signature of a signed PDF, judged by the certificate service. Exit 0 only for
// TOTAL_PASSED; 1 (kExitNo) for TOTAL_FAILED or INDETERMINATE.
void AddDocumentVerify(CLI::App* group, Globals& g, int& rc) {
  auto o = std::make_shared<VerifyOptions>();
  CLI::App* cmd = group->add_subcommand(
      "verify", "Verify the signatures of a signed PDF (exit 1 unless TOTAL_PASSED)");
  cmd->add_option("file", o->file, "The signed PDF")->required();
  cmd->add_option("--nik", o->nik, "The NIK the signer must have");
  cmd->callback([&g, &rc, o] {
    absl::StatusOr<std::string> pdf = ReadFile(o->file);
    if (!pdf.ok()) {
      rc = LocalError(std::string(pdf.status().message()));
      return;
    }
    v1::VerifyDocumentRequest req;
    req.set_pdf(*std::move(pdf));
    req.set_expected_nik(o->nik);
    CertificateClient c(g, Service::kCertificate);
    v1::DocumentVerification reply;
    rc = c.Call([&](auto* ctx) { return c.stub->VerifyDocument(ctx, req, &reply); });
    if (rc != kExitOk) return;
    Emit(g, reply, [&](std::ostream& out) { PrintDocumentVerification(out, reply); });
    if (reply.indication() != v1::INDICATION_TOTAL_PASSED) rc = kExitNo;
  });
}

void AddDocumentGet(CLI::App& app, Globals& g, int& rc) {
  CLI::App* group = app.add_subcommand("document", "The documents of an application");
  group->require_subcommand(1);
  auto o = std::make_shared<DocumentOptions>();
  CLI::App* cmd = group->add_subcommand("get", "Fetch one document for review");
  cmd->add_option("application_id", o->id, "Application id")->required();
  cmd->add_option("--kind", o->kind, EnumChoices(v1::DocumentKind_descriptor()))->required();
  cmd->add_option("--out", o->out, "Write the bytes here (else only the details are shown)");
  cmd->callback([&g, &rc, o] {
    absl::StatusOr<int> kind = ParseEnumValue(v1::DocumentKind_descriptor(), o->kind);
    if (!kind.ok()) {
      std::cerr << "error: --kind: " << kind.status().message() << "\n";
      rc = kExitUsage;
      return;
    }
    v1::GetDocumentRequest req;
    req.set_application_id(o->id);
    req.set_kind(static_cast<v1::DocumentKind>(*kind));
    IntakeClient c(g, Service::kIntake);
    v1::Document reply;
    rc = c.Call([&](auto* ctx) { return c.stub->GetDocument(ctx, req, &reply); });
    if (rc != kExitOk) return;
    if (!o->out.empty()) {
      if (absl::Status s = WriteFileAtomically(o->out, reply.content(), /*secret=*/true); !s.ok()) {
        rc = LocalError(std::string(s.message()));
        return;
      }
    }
    reply.clear_content();  // the bytes go to --out, never to the terminal
    Emit(g, reply, [&](std::ostream& out) { PrintDocumentInfo(out, reply); });
  });
  AddDocumentVerify(group, g, rc);
}

}  // namespace

void AddApplicationCommands(CLI::App& app, Globals& g, int& rc) {
  CLI::App* group = app.add_subcommand("application", "Applications (SOP step 1, intake)");
  group->require_subcommand(1);
  AddSubmit(group, g, rc);
  AddGet(group, g, rc);
  AddList(group, g, rc);
  AddWithdraw(group, g, rc);
  AddResubmit(group, g, rc);
  AddDocumentGet(app, g, rc);
}

}  // namespace sertel::ctl
