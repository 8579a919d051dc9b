#include "common/grpc_client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "common/log.h"
#include "common/pem.h"

namespace sertel {

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const std::string& target,
                                                           const ClientConfig& config) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  if (config.dev_plaintext) {
    return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  }
  grpc::SslCredentialsOptions options;
  absl::StatusOr<std::string> ca = ReadFile(config.ca_file);
  if (!ca.ok()) return ca.status();
  options.pem_root_certs = *ca;
  if (!config.cert_file.empty()) {
    absl::StatusOr<std::string> cert = ReadFile(config.cert_file);
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadFile(config.key_file);
    if (!key.ok()) return key.status();
    options.pem_cert_chain = *cert;
    options.pem_private_key = *key;
  }
  return grpc::CreateCustomChannel(target, grpc::SslCredentials(options), args);
}

std::unique_ptr<grpc::ClientContext> MakeClientContext(const ClientConfig& config) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + config.deadline));
  const std::string& request_id = ScopedLogContext::CurrentRequestId();
  if (!request_id.empty()) ctx->AddMetadata("x-request-id", request_id);
  return ctx;
}

}  // namespace sertel
