// The subcommands, one group per resource, each added to the root command. A command's callback
// stores its exit code in `rc` (see format.h for what the codes mean).
#pragma once

#include <CLI/CLI.hpp>

#include "cli.h"

namespace sertel::ctl {

void AddTokenCommand(CLI::App& app, Globals& globals, int& rc);
void AddLoginCommands(CLI::App& app, Globals& globals, int& rc);        // + logout, whoami
void AddApplicationCommands(CLI::App& app, Globals& globals, int& rc);  // + document
void AddCaseCommands(CLI::App& app, Globals& globals, int& rc);         // + inbox, sla
void AddCertificateCommands(CLI::App& app, Globals& globals, int& rc);  // + stats
void AddAuditCommands(CLI::App& app, Globals& globals, int& rc);        // + notification
void AddOutboxCommands(CLI::App& app, Globals& globals, int& rc);       // outbox_commands.h

}  // namespace sertel::ctl
