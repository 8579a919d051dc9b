// Refuses a call that names no caller before its request message is read: the server's TLS
// credentials run this on the call's metadata, so a token-less 20 MiB SubmitApplication is
// UNAUTHENTICATED before gRPC buffers, parses or hands it to the service (issue 16, "abuse
// limits"). A caller is a verified bearer token or a service's certificate (the Authenticator's
// rules); health and reflection stay open without a token, as the contract says. The handler's
// Authorizer still decides what the caller may do.
//
//   creds->SetAuthMetadataProcessor(std::make_shared<TokenGate>(&authenticator));
#pragma once

#include <grpcpp/security/auth_metadata_processor.h>

#include "common/auth.h"

namespace sertel {

class TokenGate final : public grpc::AuthMetadataProcessor {
 public:
  explicit TokenGate(const Authenticator* authenticator) : authenticator_(authenticator) {}
  // Verifying a token takes tens of microseconds: run it on gRPC's own thread pool.
  bool IsBlocking() const override { return true; }
  grpc::Status Process(const InputMetadata& auth_metadata, grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override;

 private:
  const Authenticator* authenticator_;
};

}  // namespace sertel
