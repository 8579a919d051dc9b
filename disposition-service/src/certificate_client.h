// disposition -> certificate: delivers the outbox rows of topic certificate.StartEnrollment that
// Verify (SOP step 5) writes. One channel, made once; every call carries the configured deadline.
//
//   CertificateClient certificate(channel, config.client);
//   rt->outbox().Register(kStartEnrollmentTopic, [&](const OutboxMessage& m) {
//     return certificate.Deliver(m.payload);
//   });
#pragma once

#include <memory>
#include <string>

#include <grpcpp/channel.h>

#include "absl/status/status.h"
#include "common/config.h"
#include "sertel/v1/certificate.grpc.pb.h"

namespace sertel::disposition {

class CertificateClient {
 public:
  CertificateClient(std::shared_ptr<grpc::Channel> channel, ClientConfig config);
  // OK once the certificate service accepted the StartEnrollment; its status otherwise (the
  // dispatcher retries UNAVAILABLE and the like).
  absl::Status Deliver(const std::string& payload);

 private:
  std::unique_ptr<v1::CertificateService::Stub> stub_;
  ClientConfig config_;
};

}  // namespace sertel::disposition
