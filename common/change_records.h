// What a state change owes besides its own row, written in the same transaction by the store:
// the outbox items for downstream services (common/outbox.h) and the audit entry
// (common/audit_log.h). Plain structs, no SQL, so a service's lifecycle (its pure rules) can
// return them as part of its decision.
//
//   OutboxItem item{.topic = kSendNotificationTopic, .key = request_id,
//                   .payload = request.SerializeAsString()};
//   AuditEntry audit{.actor_sub = caller.sub, .actor_role = "VERIFIER", .action = "VERIFIED",
//                    .entity_type = "case", .entity_id = id, .details = {{"step", 5}}};
#pragma once

#include <string>

#include "nlohmann/json.hpp"

namespace sertel {

// One call owed to a downstream service: `topic` is "<service>.<Rpc>", `key` the idempotency
// key carried in the request, `payload` the serialized request message, `application_id` what a
// DEAD row puts under attention.
struct OutboxItem {
  std::string topic;
  std::string key;
  std::string payload;
  // The application the call is about ("" when none): a DEAD row marks it (Attention).
  std::string application_id;
};

// One row of the audit chain. `details` never holds a passphrase, a key, a code or a token.
struct AuditEntry {
  std::string actor_sub;
  std::string actor_role;
  std::string action;
  std::string entity_type;
  std::string entity_id;
  nlohmann::json details = nlohmann::json::object();
};

}  // namespace sertel
