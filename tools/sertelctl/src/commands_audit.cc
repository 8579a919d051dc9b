// sertelctl audit checkpoint: have each service sign its chain's head and save the checkpoints
// (outside the database). sertelctl audit verify [--checkpoint FILE]: walk each service's keyed
// audit chain and report the first broken row; with a saved file, also rows deleted from the end.
// sertelctl notification list: what was sent to an applicant, and whether it arrived.
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "commands.h"
#include "common/audit_service_impl.h"
#include "common/pem.h"
#include "local_files.h"
#include "nlohmann/json.hpp"
#include "printers.h"
#include "sertel/v1/audit.grpc.pb.h"
#include "sertel/v1/notification.grpc.pb.h"

namespace sertel::ctl {
namespace {

// One service's chain; the exit code of the call, or kExitNo when the chain is broken.
int VerifyOne(const Globals& g, const std::string& name, Service service,
              const std::optional<AuditCheckpoint>& checkpoint, Table& table,
              nlohmann::json& json) {
  Client<v1::AuditService> c(g, service);
  v1::VerifyAuditChainRequest req;
  if (checkpoint.has_value()) CheckpointToProto(*checkpoint, req.mutable_checkpoint());
  v1::VerifyAuditChainResponse reply;
  int rc = c.Call([&](auto* ctx) { return c.stub->VerifyAuditChain(ctx, req, &reply); });
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

// The saved checkpoints: {"checkpoints": {"<service>": {...AuditCheckpoint::ToJson(),
// "public_key_pem"}}} (tools/audit/verify_offline.py reads the same file).
absl::StatusOr<std::map<std::string, AuditCheckpoint>> LoadCheckpoints(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  nlohmann::json doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.contains("checkpoints") || !doc["checkpoints"].is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a checkpoint file (sertelctl audit checkpoint writes one)"));
  }
  std::map<std::string, AuditCheckpoint> out;
  for (const auto& [name, j] : doc["checkpoints"].items()) {
    absl::StatusOr<AuditCheckpoint> c = AuditCheckpoint::FromJson(j);
    if (!c.ok())
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", name, ": ", c.status().message()));
    out[name] = *c;
  }
  return out;
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
    auto checkpoint_file = std::make_shared<std::string>();
    CLI::App* cmd = group->add_subcommand(
        "verify", "Check each service's audit hash chain (exit 1 when one is broken)");
    cmd->add_option("--service", *service, "all|intake|disposition|certificate|notification")
        ->check(CLI::IsMember({"all", "intake", "disposition", "certificate", "notification"}))
        ->capture_default_str();
    cmd->add_option("--checkpoint", *checkpoint_file,
                    "A file from `sertelctl audit checkpoint`: also find rows deleted since");
    cmd->callback([&g, &rc, service, checkpoint_file] {
      std::map<std::string, AuditCheckpoint> checkpoints;
      if (!checkpoint_file->empty()) {
        absl::StatusOr<std::map<std::string, AuditCheckpoint>> loaded =
            LoadCheckpoints(*checkpoint_file);
        if (!loaded.ok()) {
          std::cerr << "error: " << loaded.status().message() << "\n";
          rc = kExitLocal;
          return;
        }
        checkpoints = *std::move(loaded);
      }
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
        std::optional<AuditCheckpoint> checkpoint;
        if (auto it = checkpoints.find(name); it != checkpoints.end()) checkpoint = it->second;
        int one = VerifyOne(g, name, svc, checkpoint, table, json);
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
    CLI::App* audit = app.get_subcommand("audit");
    auto out_file = std::make_shared<std::string>();
    CLI::App* cmd = audit->add_subcommand(
        "checkpoint", "Have each service sign its audit chain's head; save the checkpoints");
    cmd->add_option("--out", *out_file, "Where to save them (keep it outside the database)")
        ->required();
    cmd->callback([&g, &rc, out_file] {
      if (!g.connection.address.empty()) {
        std::cerr << "error: audit checkpoint asks all four services: drop --address and set "
                     "SERTEL_<SERVICE>_ADDRESS for each\n";
        rc = kExitUsage;
        return;
      }
      nlohmann::json doc = {{"version", 1}, {"checkpoints", nlohmann::json::object()}};
      Table table({"SERVICE", "ROWS", "HEAD", "KEY"});
      for (const auto& [name, svc] : AllServices()) {
        Client<v1::AuditService> c(g, svc);
        v1::SignAuditCheckpointResponse reply;
        int one = c.Call([&](auto* ctx) {
          return c.stub->SignAuditCheckpoint(ctx, v1::SignAuditCheckpointRequest(), &reply);
        });
        if (one != kExitOk) {
          rc = one;
          return;  // a partial file would look like a complete one
        }
        AuditCheckpoint cp = CheckpointFromProto(reply.checkpoint());
        nlohmann::json j = cp.ToJson();
        j["public_key_pem"] = reply.public_key_pem();
        doc["checkpoints"][name] = j;
        table.AddRow({name, absl::StrCat(cp.seq), j["head_hash"].get<std::string>().substr(0, 16),
                      cp.key_id});
      }
      if (absl::Status s = WriteFileAtomically(*out_file, doc.dump(2) + "\n", false); !s.ok()) {
        std::cerr << "error: " << s.message() << "\n";
        rc = kExitLocal;
        return;
      }
      rc = kExitOk;
      if (g.json()) {
        std::cout << doc.dump(2) << "\n";
      } else {
        table.Print(std::cout);
        std::cout << "saved " << *out_file << "\n";
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
