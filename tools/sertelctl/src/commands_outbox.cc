// sertelctl outbox list / retry (outbox_commands.h): what an operator does when a row is DEAD
// (docs/operations.md, "When an outbox row is DEAD"): find it, fix the cause, retry it.
#include "absl/strings/str_cat.h"
#include "commands.h"
#include "nlohmann/json.hpp"
#include "outbox_commands.h"
#include "sertel/v1/outbox_admin.grpc.pb.h"

namespace sertel::ctl {
namespace {

std::vector<std::string> ServiceNames(bool with_all) {
  std::vector<std::string> names;
  if (with_all) names.push_back("all");
  for (const auto& [name, svc] : AllServices()) names.push_back(name);
  return names;
}

// The state to ask for; kExitUsage with a message when --dead and --state disagree.
int ResolveState(const OutboxListOptions& o, v1::OutboxState* state) {
  *state = v1::OUTBOX_STATE_UNSPECIFIED;
  if (!o.state.empty()) {
    absl::StatusOr<int> v = ParseEnumValue(v1::OutboxState_descriptor(), o.state);
    if (!v.ok()) {
      std::cerr << "error: --state: " << v.status().message() << "\n";
      return kExitUsage;
    }
    *state = static_cast<v1::OutboxState>(*v);
  }
  if (o.dead) {
    if (*state != v1::OUTBOX_STATE_UNSPECIFIED && *state != v1::OUTBOX_STATE_DEAD) {
      std::cerr << "error: --dead and --state " << o.state << " contradict each other\n";
      return kExitUsage;
    }
    *state = v1::OUTBOX_STATE_DEAD;
  }
  return kExitOk;
}

std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return text;
}

}  // namespace

void PrintOutboxTable(std::ostream& out, const std::vector<v1::OutboxMessage>& messages) {
  if (messages.empty()) {
    out << "no outbox rows\n";
    return;
  }
  Table t({"SERVICE", "ID", "TOPIC", "STATE", "ATTEMPTS", "RETRIES", "APPLICATION", "FINISHED",
           "LAST ERROR"});
  for (const v1::OutboxMessage& m : messages) {
    t.AddRow({m.service(), m.id(), m.topic(), EnumLabel(v1::OutboxState_descriptor(), m.state()),
              absl::StrCat(m.attempts()), absl::StrCat(m.retries()),
              m.application_id().empty() ? "-" : m.application_id(), FormatTime(m.finished_at()),
              OneLine(m.last_error())});
  }
  t.Print(out);
}

int RunOutboxList(const Globals& g, const OutboxListOptions& o, std::ostream& out) {
  if (o.service == "all" && !g.connection.address.empty()) {
    std::cerr << "error: --address names one service: add --service NAME (or drop --address and "
                 "set SERTEL_<SERVICE>_ADDRESS for each)\n";
    return kExitUsage;
  }
  if (o.service == "all" && !o.page_token.empty()) {
    std::cerr << "error: a --page-token belongs to one service's list: add --service NAME\n";
    return kExitUsage;
  }
  v1::ListOutboxMessagesRequest req;
  v1::OutboxState state;
  if (int rc = ResolveState(o, &state); rc != kExitOk) return rc;
  req.set_state(state);
  req.set_application_id(o.application_id);
  req.set_page_size(o.page_size);
  req.set_page_token(o.page_token);

  std::vector<v1::OutboxMessage> messages;
  nlohmann::json tokens = nlohmann::json::object();
  int rc = kExitOk;
  for (const auto& [name, svc] : AllServices()) {
    if (o.service != "all" && o.service != name) continue;
    Client<v1::OutboxAdminService> c(g, svc);
    v1::ListOutboxMessagesResponse reply;
    int one = c.Call([&](auto* ctx) { return c.stub->ListOutboxMessages(ctx, req, &reply); });
    if (one != kExitOk) {
      std::cerr << "(" << name << " could not be listed)\n";
      if (rc == kExitOk) rc = one;
      continue;
    }
    for (const v1::OutboxMessage& m : reply.messages()) messages.push_back(m);
    if (!reply.next_page_token().empty()) tokens[name] = reply.next_page_token();
  }
  if (g.json()) {
    nlohmann::json j = {{"messages", nlohmann::json::array()}, {"next_page_tokens", tokens}};
    for (const v1::OutboxMessage& m : messages)
      j["messages"].push_back(nlohmann::json::parse(ToJson(m)));
    out << j.dump(2) << "\n";
    return rc;
  }
  PrintOutboxTable(out, messages);
  for (const auto& [name, token] : tokens.items()) {
    out << "(more at " << name << ": --service " << name << " --page-token "
        << token.get<std::string>() << ")\n";
  }
  return rc;
}

int RunOutboxRetry(const Globals& g, const OutboxRetryOptions& o, std::ostream& out) {
  Service svc = Service::kIntake;
  bool known = false;
  for (const auto& [name, s] : AllServices()) {
    if (name == o.service) {
      svc = s;
      known = true;
    }
  }
  if (!known) {
    std::cerr << "error: unknown service " << o.service
              << " (intake|disposition|certificate|notification)\n";
    return kExitUsage;
  }
  v1::RetryOutboxMessageRequest req;
  req.set_id(o.id);
  req.set_reason(o.reason);
  Client<v1::OutboxAdminService> c(g, svc);
  v1::OutboxMessage reply;
  int rc = c.Call([&](auto* ctx) { return c.stub->RetryOutboxMessage(ctx, req, &reply); });
  if (rc != kExitOk) return rc;
  if (g.json()) {
    out << ToJson(reply) << "\n";
  } else {
    out << "retried: " << reply.service() << " row " << reply.id() << " (" << reply.topic()
        << ") is " << EnumLabel(v1::OutboxState_descriptor(), reply.state())
        << " again, due now (retry " << reply.retries() << "); `sertelctl outbox list --service "
        << reply.service() << " --application " << reply.application_id()
        << "` shows whether it was delivered\n";
  }
  return kExitOk;
}

void AddOutboxCommands(CLI::App& app, Globals& g, int& rc) {
  CLI::App* group = app.add_subcommand(
      "outbox", "Calls a service owes the others: list the ones that failed for good, retry one");
  group->require_subcommand(1);
  {
    auto o = std::make_shared<OutboxListOptions>();
    CLI::App* cmd = group->add_subcommand("list", "Outbox rows, newest first (every service)");
    cmd->add_flag("--dead", o->dead, "Only rows that failed for good (DEAD)");
    cmd->add_option("--state", o->state, EnumChoices(v1::OutboxState_descriptor()));
    cmd->add_option("--service", o->service, "all|intake|disposition|certificate|notification")
        ->check(CLI::IsMember(ServiceNames(/*with_all=*/true)))
        ->capture_default_str();
    cmd->add_option("--application", o->application_id, "Only rows about this application");
    cmd->add_option("--page-size", o->page_size, "Per service and page")->capture_default_str();
    cmd->add_option("--page-token", o->page_token, "Next page (with --service)");
    cmd->callback([&g, &rc, o] { rc = RunOutboxList(g, *o, std::cout); });
  }
  {
    auto o = std::make_shared<OutboxRetryOptions>();
    CLI::App* cmd = group->add_subcommand(
        "retry", "Put a DEAD row back to PENDING once its cause is fixed (OPERATOR)");
    cmd->add_option("service", o->service, "intake|disposition|certificate|notification")
        ->required()
        ->check(CLI::IsMember(ServiceNames(/*with_all=*/false)));
    cmd->add_option("id", o->id, "The row's id (from `outbox list`)")->required();
    cmd->add_option("--reason", o->reason, "What was fixed (for the audit trail)");
    cmd->callback([&g, &rc, o] { rc = RunOutboxRetry(g, *o, std::cout); });
  }
}

}  // namespace sertel::ctl
