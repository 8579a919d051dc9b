#include "common/outbox_admin.h"

namespace sertel {

absl::string_view OutboxStateName(OutboxState state) {
  switch (state) {
    case OutboxState::kPending:
      return "PENDING";
    case OutboxState::kDelivered:
      return "DELIVERED";
    case OutboxState::kDead:
      return "DEAD";
    case OutboxState::kAny:
      break;
  }
  return "";
}

OutboxState ParseOutboxState(absl::string_view name) {
  if (name == "PENDING") return OutboxState::kPending;
  if (name == "DELIVERED") return OutboxState::kDelivered;
  if (name == "DEAD") return OutboxState::kDead;
  return OutboxState::kAny;
}

}  // namespace sertel
