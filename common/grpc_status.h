// The one place where absl::Status becomes grpc::Status and back. Field violations travel as a
// google.rpc.BadRequest inside google.rpc.Status in the `grpc-status-details-bin` trailer.
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace sertel {

// Domain/store status -> what the caller sees. INTERNAL and UNKNOWN messages are replaced by a
// generic text (the server has logged the detail): a client never sees SQL or a stack.
grpc::Status ToGrpcStatus(const absl::Status& status);

// What a downstream service answered -> absl::Status, keeping the field violations.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace sertel
