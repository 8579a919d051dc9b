// Outbound calls to the services below this one in the call graph: channels are made once and
// reused; every call carries a deadline. Our own certificate is presented, which names us
// (spiffe://sertel/<service>); the callee's role table says whether we may call. A bearer
// token never makes a caller a service, so none is sent.
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

// A context with the configured deadline and an x-request-id (the current log context's).
std::unique_ptr<grpc::ClientContext> MakeClientContext(const ClientConfig& config);

}  // namespace sertel
