// sertelctl outbox list / retry: the calls a service owes the others that failed for good (DEAD
// rows; at the notification service, FAILED deliveries), and putting one back once its cause is
// fixed (OutboxAdminService on each service's port). The Run* functions are the commands
// without the command line, for tests.
//
//   sertelctl outbox list --dead                       # every service
//   sertelctl outbox list --dead --service certificate --application APP-ID
//   sertelctl outbox retry certificate 42 --reason "unit OU shortened in the registry"
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "cli.h"
#include "sertel/v1/outbox_admin.pb.h"

namespace sertel::ctl {

struct OutboxListOptions {
  std::string service = "all";  // "all" or one of the four
  bool dead = false;            // --dead: state DEAD
  std::string state{};          // --state pending|delivered|dead (instead of --dead)
  std::string application_id{};
  int page_size = 50;
  std::string page_token{};  // needs one --service
};

struct OutboxRetryOptions {
  std::string service{};  // one of the four
  std::string id{};       // the row's id (OutboxMessage.id)
  std::string reason{};   // what was fixed, for the audit trail
};

// Lists each service's rows (one table with a SERVICE column; -o json: {"messages": [...],
// "next_page_tokens": {service: token}}). A service that cannot be asked is reported on stderr
// and its exit code returned, after the others are listed.
int RunOutboxList(const Globals& g, const OutboxListOptions& o, std::ostream& out);
int RunOutboxRetry(const Globals& g, const OutboxRetryOptions& o, std::ostream& out);

// One row per message: SERVICE, ID, TOPIC, STATE, ATTEMPTS, RETRIES, APPLICATION, FINISHED,
// LAST ERROR.
void PrintOutboxTable(std::ostream& out, const std::vector<v1::OutboxMessage>& messages);

}  // namespace sertel::ctl
