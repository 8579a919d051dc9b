// Outbound calls to the services below this one in the call graph: channels are made once and
// reused; every call carries a deadline and, when configured, a service bearer token. Over TLS
// our own certificate is presented, which the callee maps to SERVICE.
//
//   auto channel = MakeChannel(config.disposition_address, config.client);
//   auto stub = v1::DispositionService::NewStub(*channel);
//   auto ctx = MakeClientContext(config.client);
//   absl::Status s = FromGrpcStatus(stub->OpenCase(ctx.get(), request, &reply));
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/config.h"

namespace sertel {

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const std::string& target,
                                                           const ClientConfig& config);

// A context with the configured deadline, an x-request-id (the current log context's) and the
// service token when one is configured.
std::unique_ptr<grpc::ClientContext> MakeClientContext(const ClientConfig& config);

}  // namespace sertel
