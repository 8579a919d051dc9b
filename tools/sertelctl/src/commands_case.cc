// sertelctl inbox, case ..., sla report: SOP steps 2-5 (DispositionService). The request is
// dispositioned head of agency -> head of division -> head of section -> verifier; each step has
// the SOP's standard time, and every answer says how long the step took against it.
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "commands.h"
#include "common/proto_time.h"
#include "printers.h"
#include "sertel/v1/disposition.grpc.pb.h"

namespace sertel::ctl {
namespace {

using DispositionClient = Client<v1::DispositionService>;

// What a change did, in one or two lines a person can follow.
void PrintTransition(std::ostream& out, const char* what, const v1::Case& c) {
  out << what << ": application " << c.application_id() << " is "
      << EnumLabel(v1::CaseStatus_descriptor(), c.status());
  if (c.status() == v1::CASE_STATUS_IN_REVIEW) out << " at step " << StepLabel(c.current_step());
  out << " (version " << c.version() << ")\n";
  if (std::string s = LastStepSentence(c.timeline()); !s.empty()) out << s << "\n";
}

// The case's version to send: --version when given, else the current one (read first). The
// server still refuses a stale version, so two officials acting at once cannot both win.
int ResolveVersion(DispositionClient& c, const std::string& id, int64_t& version) {
  if (version > 0) return kExitOk;
  v1::GetCaseRequest req;
  req.set_application_id(id);
  v1::Case current;
  int rc = c.Call([&](auto* ctx) { return c.stub->GetCase(ctx, req, &current); });
  if (rc == kExitOk) version = current.version();
  return rc;
}

struct ChangeOptions {
  std::string id, note, reason;
  int64_t version = 0;
  std::vector<std::string> missing;
  bool all_ok = false;
  v1::Checklist checklist;
};

void AddIdAndVersion(CLI::App* cmd, ChangeOptions& o) {
  cmd->add_option("application_id", o.id, "Application id")->required();
  cmd->add_option("--version", o.version,
                  "The case version you reviewed (from `case get` or `inbox`); default: the "
                  "current one");
}

using Stub = v1::DispositionService::Stub;
template <typename Request>
using ChangeRpc = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, v1::Case*);

// One change to a case, the same way for all four: the version (--version, else the current
// one), the request's id and version, the call, and what happened in a sentence or two.
template <typename Request>
int SendChange(const Globals& g, ChangeOptions& o, const char* what, Request req,
               ChangeRpc<Request> rpc) {
  DispositionClient c(g, Service::kDisposition);
  if (int rc = ResolveVersion(c, o.id, o.version); rc != kExitOk) return rc;
  req.set_application_id(o.id);
  req.set_expected_version(o.version);
  v1::Case reply;
  int rc = c.Call([&](auto* ctx) { return ((*c.stub).*rpc)(ctx, req, &reply); });
  if (rc == kExitOk) Emit(g, reply, [&](std::ostream& out) { PrintTransition(out, what, reply); });
  return rc;
}

int RunForward(const Globals& g, ChangeOptions& o) {
  v1::ForwardRequest req;
  req.set_note(o.note);
  return SendChange(g, o, "forwarded", req, &Stub::Forward);
}

int RunVerify(const Globals& g, ChangeOptions& o) {
  // Verification certifies the documents the verifier looked at: that is a version, and the
  // server must be able to refuse if the case changed since (a resubmission, say).
  if (o.version <= 0) {
    std::cerr << "error: verify needs --version: the version of the case you checked "
                 "(`sertelctl case get "
              << o.id << "`)\n";
    return kExitUsage;
  }
  v1::VerifyRequest req;
  req.set_note(o.note);
  *req.mutable_checklist() = o.checklist;
  if (o.all_ok) {
    v1::Checklist* k = req.mutable_checklist();
    k->set_request_letter_ok(true);
    k->set_bsre_form_ok(true);
    k->set_ktp_copy_ok(true);
    k->set_sk_copy_ok(true);
    k->set_identity_matches_documents(true);
  }
  return SendChange(g, o, "verified, sent to the CA", req, &Stub::Verify);
}

int RunReturn(const Globals& g, ChangeOptions& o) {
  v1::ReturnRequest req;
  for (const std::string& m : o.missing) {
    absl::StatusOr<int> kind = ParseEnumValue(v1::DocumentKind_descriptor(), m);
    if (!kind.ok()) {
      std::cerr << "error: --missing: " << kind.status().message() << "\n";
      return kExitUsage;
    }
    req.add_missing_documents(static_cast<v1::DocumentKind>(*kind));
  }
  req.set_reason(o.reason);
  return SendChange(g, o, "returned to the applicant", req, &Stub::Return);
}

int RunReject(const Globals& g, ChangeOptions& o) {
  v1::RejectRequest req;
  req.set_reason(o.reason);
  return SendChange(g, o, "rejected", req, &Stub::Reject);
}

void AddCaseGetCommand(CLI::App* group, Globals& g, int& rc) {
  auto id = std::make_shared<std::string>();
  CLI::App* cmd = group->add_subcommand("get", "Show a case: step, version, due time, timeline");
  cmd->add_option("application_id", *id, "Application id")->required();
  cmd->callback([&g, &rc, id] {
    v1::GetCaseRequest req;
    req.set_application_id(*id);
    DispositionClient c(g, Service::kDisposition);
    v1::Case reply;
    rc = c.Call([&](auto* ctx) { return c.stub->GetCase(ctx, req, &reply); });
    if (rc == kExitOk) Emit(g, reply, [&](std::ostream& out) { PrintCase(out, reply); });
  });
}

void AddForwardCommand(CLI::App* group, Globals& g, int& rc) {
  auto o = std::make_shared<ChangeOptions>();
  CLI::App* cmd =
      group->add_subcommand("forward", "Review done: disposition to the next role (steps 2, 3, 4)");
  AddIdAndVersion(cmd, *o);
  cmd->add_option("--note", o->note, "Disposition note");
  cmd->callback([&g, &rc, o] { rc = RunForward(g, *o); });
}

void AddVerifyCommand(CLI::App* group, Globals& g, int& rc) {
  auto o = std::make_shared<ChangeOptions>();
  CLI::App* cmd = group->add_subcommand(
      "verify", "Step 5: the documents are complete and match the applicant; send to the CA");
  AddIdAndVersion(cmd, *o);
  v1::Checklist& k = o->checklist;
  cmd->add_flag("--all-ok", o->all_ok, "Confirm every item of the checklist");
  cmd->add_flag_function(
      "--request-letter-ok", [&k](int64_t) { k.set_request_letter_ok(true); },
      "The request letter is complete");
  cmd->add_flag_function(
      "--bsre-form-ok", [&k](int64_t) { k.set_bsre_form_ok(true); },
      "The BSrE request form is complete");
  cmd->add_flag_function(
      "--ktp-copy-ok", [&k](int64_t) { k.set_ktp_copy_ok(true); },
      "The KTP copy is legible and valid");
  cmd->add_flag_function(
      "--sk-copy-ok", [&k](int64_t) { k.set_sk_copy_ok(true); }, "The SK copy is valid");
  cmd->add_flag_function(
      "--identity-matches-documents", [&k](int64_t) { k.set_identity_matches_documents(true); },
      "Name, NIK and NIP match the documents");
  cmd->add_option("--note", o->note, "Verification note");
  cmd->callback([&g, &rc, o] { rc = RunVerify(g, *o); });
}

void AddReturnCommand(CLI::App* group, Globals& g, int& rc) {
  auto o = std::make_shared<ChangeOptions>();
  CLI::App* cmd = group->add_subcommand(
      "return", "Send back to the applicant to correct or complete documents");
  AddIdAndVersion(cmd, *o);
  cmd->add_option("--reason", o->reason, "What is wrong")->required();
  cmd->add_option("--missing", o->missing, EnumChoices(v1::DocumentKind_descriptor()))
      ->delimiter(',');
  cmd->callback([&g, &rc, o] { rc = RunReturn(g, *o); });
}

void AddRejectCommand(CLI::App* group, Globals& g, int& rc) {
  auto o = std::make_shared<ChangeOptions>();
  CLI::App* cmd = group->add_subcommand("reject", "Reject the application (final)");
  AddIdAndVersion(cmd, *o);
  cmd->add_option("--reason", o->reason, "Why")->required();
  cmd->callback([&g, &rc, o] { rc = RunReject(g, *o); });
}

void AddCaseGroup(CLI::App& app, Globals& g, int& rc) {
  CLI::App* group = app.add_subcommand("case", "Cases in review (SOP steps 2-5, disposition)");
  group->require_subcommand(1);
  AddCaseGetCommand(group, g, rc);
  AddForwardCommand(group, g, rc);
  AddVerifyCommand(group, g, rc);
  AddReturnCommand(group, g, rc);
  AddRejectCommand(group, g, rc);
}

struct InboxOptions {
  int page_size = 50;
  std::string page_token;
};

struct SlaOptions {
  std::string from, to, last = "720h";
};

bool ParseWhen(const std::string& flag, const std::string& text, google::protobuf::Timestamp* out) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &err)) {
    std::cerr << "error: " << flag << ": want RFC 3339 like 2026-11-01T00:00:00+07:00 (" << err
              << ")\n";
    return false;
  }
  *out = ToProtoTimestamp(absl::FromUnixSeconds(absl::ToUnixSeconds(t)));
  return true;
}

}  // namespace

void AddCaseCommands(CLI::App& app, Globals& g, int& rc) {
  {
    auto o = std::make_shared<InboxOptions>();
    CLI::App* cmd =
        app.add_subcommand("inbox", "Cases waiting at your step (your token's role), oldest first");
    cmd->add_option("--page-size", o->page_size, "Cases per page")->capture_default_str();
    cmd->add_option("--page-token", o->page_token, "Next page, as printed by the previous one");
    cmd->callback([&g, &rc, o] {
      v1::ListInboxRequest req;
      req.set_page_size(o->page_size);
      req.set_page_token(o->page_token);
      DispositionClient c(g, Service::kDisposition);
      v1::ListInboxResponse reply;
      rc = c.Call([&](auto* ctx) { return c.stub->ListInbox(ctx, req, &reply); });
      if (rc == kExitOk) Emit(g, reply, [&](std::ostream& out) { PrintInbox(out, reply); });
    });
  }
  AddCaseGroup(app, g, rc);
  {
    CLI::App* group = app.add_subcommand("sla", "The SOP's standard times, measured");
    group->require_subcommand(1);
    auto o = std::make_shared<SlaOptions>();
    CLI::App* cmd = group->add_subcommand(
        "report", "Per step: count, p50, p95, max, and how many exceeded the standard time");
    cmd->add_option("--from", o->from, "Start (RFC 3339); default: --last before --to");
    cmd->add_option("--to", o->to, "End (RFC 3339); default: now");
    cmd->add_option("--last", o->last, "Window when --from is not given")->capture_default_str();
    cmd->callback([&g, &rc, o] {
      v1::GetSlaReportRequest req;
      if (!o->to.empty() && !ParseWhen("--to", o->to, req.mutable_to())) {
        rc = kExitUsage;
        return;
      }
      if (!o->from.empty()) {
        if (!ParseWhen("--from", o->from, req.mutable_from())) {
          rc = kExitUsage;
          return;
        }
      } else {
        absl::Duration window;
        if (!absl::ParseDuration(o->last, &window) || window <= absl::ZeroDuration()) {
          std::cerr << "error: --last: want a duration like 24h\n";
          rc = kExitUsage;
          return;
        }
        absl::Time to = o->to.empty() ? absl::Now() : FromProtoTimestamp(req.to());
        *req.mutable_from() =
            ToProtoTimestamp(absl::FromUnixSeconds(absl::ToUnixSeconds(to - window)));
      }
      DispositionClient c(g, Service::kDisposition);
      v1::SlaReport reply;
      rc = c.Call([&](auto* ctx) { return c.stub->GetSlaReport(ctx, req, &reply); });
      if (rc == kExitOk) Emit(g, reply, [&](std::ostream& out) { PrintSlaReport(out, reply); });
    });
  }
}

}  // namespace sertel::ctl
