// sertelctl audit verify: walk each service's hash-chained audit log and report the first broken
// row. sertelctl notification list: what was sent to an applicant, and whether it arrived.
#include "absl/strings/str_cat.h"
#include "commands.h"
#include "nlohmann/json.hpp"
#include "printers.h"
#include "sertel/v1/audit.grpc.pb.h"
#include "sertel/v1/notification.grpc.pb.h"

namespace sertel::ctl {
namespace {

// One service's chain; the exit code of the call, or kExitNo when the chain is broken.
int VerifyOne(const Globals& g, const std::string& name, Service service, Table& table,
              nlohmann::json& json) {
  Client<v1::AuditService> c(g, service);
  v1::VerifyAuditChainResponse reply;
  int rc = c.Call([&](auto* ctx) {
    return c.stub->VerifyAuditChain(ctx, v1::VerifyAuditChainRequest(), &reply);
  });
  if (rc != kExitOk) return rc;
  table.AddRow(
      {name, reply.ok() ? "intact" : "BROKEN", absl::StrCat(reply.rows_checked()),
       reply.ok() ? "" : absl::StrCat("row ", reply.first_broken_seq(), ": ", reply.problem())});
  json[name] = {{"ok", reply.ok()},
                {"rows_checked", reply.rows_checked()},
                {"first_broken_seq", reply.first_broken_seq()},
                {"problem", reply.problem()}};
  return reply.ok() ? kExitOk : kExitNo;
}

struct NotificationListOptions {
  std::string application_id, page_token;
  int page_size = 50;
};

}  // namespace

void AddAuditCommands(CLI::App& app, Globals& g, int& rc) {
  {
    CLI::App* group = app.add_subcommand("audit", "The tamper-evident audit logs");
    group->require_subcommand(1);
    auto service = std::make_shared<std::string>("all");
    CLI::App* cmd = group->add_subcommand(
        "verify", "Check each service's audit hash chain (exit 1 when one is broken)");
    cmd->add_option("--service", *service, "all|intake|disposition|certificate|notification")
        ->check(CLI::IsMember({"all", "intake", "disposition", "certificate", "notification"}))
        ->capture_default_str();
    cmd->callback([&g, &rc, service] {
      if (*service == "all" && !g.connection.address.empty()) {
        std::cerr << "error: --address names one service: add --service NAME (or drop --address "
                     "and set SERTEL_<SERVICE>_ADDRESS for each)\n";
        rc = kExitUsage;
        return;
      }
      Table table({"SERVICE", "CHAIN", "ROWS", "PROBLEM"});
      nlohmann::json json = nlohmann::json::object();
      rc = kExitOk;
      for (const auto& [name, svc] : AllServices()) {
        if (*service != "all" && *service != name) continue;
        int one = VerifyOne(g, name, svc, table, json);
        if (one != kExitOk && (rc == kExitOk || rc == kExitNo)) rc = one;
      }
      if (g.json()) {
        std::cout << json.dump(2) << "\n";
      } else if (!table.empty()) {
        table.Print(std::cout);
      }
    });
  }
  {
    CLI::App* group = app.add_subcommand("notification", "Messages sent to applicants");
    group->require_subcommand(1);
    auto o = std::make_shared<NotificationListOptions>();
    CLI::App* cmd = group->add_subcommand("list", "What was sent for an application");
    cmd->add_option("--application", o->application_id, "Application id")->required();
    cmd->add_option("--page-size", o->page_size, "Per page")->capture_default_str();
    cmd->add_option("--page-token", o->page_token, "Next page");
    cmd->callback([&g, &rc, o] {
      v1::ListNotificationsRequest req;
      req.set_application_id(o->application_id);
      req.set_page_size(o->page_size);
      req.set_page_token(o->page_token);
      Client<v1::NotificationService> c(g, Service::kNotification);
      v1::ListNotificationsResponse reply;
      rc = c.Call([&](auto* ctx) { return c.stub->ListNotifications(ctx, req, &reply); });
      if (rc == kExitOk) {
        // Attachments (keystores) are never printed; -o json shows their names and sizes.
        for (v1::Notification& n : *reply.mutable_notifications()) {
          for (v1::Attachment& a : *n.mutable_attachments()) a.clear_content();
        }
        Emit(g, reply, [&](std::ostream& out) { PrintNotificationList(out, reply); });
      }
    });
  }
}

}  // namespace sertel::ctl
