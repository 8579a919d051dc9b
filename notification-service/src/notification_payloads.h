// The wire form of a SendNotification request, for the rules that need its bytes but not its
// protobuf type (the idempotency hash, NotificationLifecycle::PayloadHash). Implemented in
// notification_proto.cc, the only domain file that knows sertel::v1.
//
//   std::string bytes = SendRequestBytes(input, /*blanked_params=*/{"activation_code"});
#pragma once

#include <string>
#include <vector>

#include "notification_records.h"

namespace sertel::notification {

// The deterministic serialization of the SendNotificationRequest `input` stands for (map keys
// in order), with the values of `blanked_params` replaced by "" (the keys kept).
std::string SendRequestBytes(const SendInput& input,
                             const std::vector<std::string>& blanked_params);

}  // namespace sertel::notification
