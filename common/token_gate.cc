#include "common/token_gate.h"

#include "absl/strings/match.h"
#include "common/grpc_status.h"

namespace sertel {
namespace {

// What the contract serves on every port without a token.
bool OpenWithoutToken(absl::string_view path) {
  return absl::StartsWith(path, "/grpc.health.v1.Health/") ||
         absl::StartsWith(path, "/grpc.reflection.v1alpha.ServerReflection/") ||
         absl::StartsWith(path, "/grpc.reflection.v1.ServerReflection/");
}

}  // namespace

grpc::Status TokenGate::Process(const InputMetadata& auth_metadata, grpc::AuthContext* context,
                                OutputMetadata*, OutputMetadata*) {
  std::optional<absl::string_view> authorization;
  for (const auto& [key, value] : auth_metadata) {
    absl::string_view k(key.data(), key.size());
    absl::string_view v(value.data(), value.size());
    if (k == ":path" && OpenWithoutToken(v)) return grpc::Status::OK;
    if (k == "authorization") authorization = v;
  }
  absl::StatusOr<Principal> who = authenticator_->AuthenticateParts(authorization, context);
  if (!who.ok()) return ToGrpcStatus(who.status());
  return grpc::Status::OK;
}

}  // namespace sertel
