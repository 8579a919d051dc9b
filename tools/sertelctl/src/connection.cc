#include "connection.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/pem.h"
#include "login_cache.h"

namespace sertel::ctl {

const char* ServiceName(Service service) {
  switch (service) {
    case Service::kIntake:
      return "intake";
    case Service::kDisposition:
      return "disposition";
    case Service::kCertificate:
      return "certificate";
    case Service::kNotification:
      return "notification";
  }
  return "?";
}

const std::vector<std::pair<std::string, Service>>& AllServices() {
  static const auto* kAll = [] {
    auto* all = new std::vector<std::pair<std::string, Service>>();
    for (Service s :
         {Service::kIntake, Service::kDisposition, Service::kCertificate, Service::kNotification}) {
      all->emplace_back(ServiceName(s), s);
    }
    return all;
  }();
  return *kAll;
}

std::string DefaultAddress(Service service) {
  std::string var =
      absl::StrCat("SERTEL_", absl::AsciiStrToUpper(ServiceName(service)), "_ADDRESS");
  if (const char* v = std::getenv(var.c_str()); v != nullptr && *v != '\0') return v;
  switch (service) {
    case Service::kIntake:
      return "localhost:50051";
    case Service::kDisposition:
      return "localhost:50052";
    case Service::kCertificate:
      return "localhost:50053";
    case Service::kNotification:
      return "localhost:50054";
  }
  return "";
}

absl::StatusOr<Connection> Connection::Open(const ConnectionOptions& options, Service service) {
  grpc::SslCredentialsOptions ssl;
  absl::StatusOr<std::string> ca = ReadFile(options.ca_file);
  if (!ca.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot read the CA file ", options.ca_file,
        " (set --ca-file or SERTEL_CA_FILE; scripts/up.sh makes ./.sertel/tls/ca.pem)"));
  }
  ssl.pem_root_certs = *ca;
  if (options.cert_file.empty() != options.key_file.empty()) {
    return absl::InvalidArgumentError("--cert and --key go together");
  }
  if (!options.cert_file.empty()) {
    absl::StatusOr<std::string> cert = ReadFile(options.cert_file);
    absl::StatusOr<std::string> key = ReadFile(options.key_file);
    if (!cert.ok() || !key.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot read the client certificate ", options.cert_file, " or its key"));
    }
    ssl.pem_cert_chain = *cert;
    ssl.pem_private_key = *key;
  }

  Connection c;
  c.timeout_ = options.timeout;
  c.token_ = options.token;
  if (c.token_.empty() && !options.token_file.empty()) {
    absl::StatusOr<std::string> token = ReadFile(options.token_file);
    if (!token.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot read the token file ", options.token_file));
    }
    c.token_ = std::string(absl::StripAsciiWhitespace(*token));
  }
  // No token given and no client certificate: whoever ran `sertelctl login` (login_cache.h).
  if (c.token_.empty() && options.token_file.empty() && options.cert_file.empty()) {
    absl::StatusOr<std::optional<std::string>> cached = CachedAccessToken();
    if (!cached.ok()) return cached.status();
    if (cached->has_value()) c.token_ = **std::move(cached);
  }
  c.address_ = options.address.empty() ? DefaultAddress(service) : options.address;
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  args.SetMaxSendMessageSize(64 << 20);
  c.channel_ = grpc::CreateCustomChannel(c.address_, grpc::SslCredentials(ssl), args);
  return c;
}

std::unique_ptr<grpc::ClientContext> Connection::NewContext() const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  if (!token_.empty()) ctx->AddMetadata("authorization", absl::StrCat("Bearer ", token_));
  return ctx;
}

}  // namespace sertel::ctl
