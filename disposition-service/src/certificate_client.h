// disposition -> certificate: delivers the outbox rows of topic certificate.StartEnrollment that
// Verify (SOP step 5) writes, and reads steps 6-7 for the SLA report. One channel, made once;
// every call carries the configured deadline.
//
//   CertificateClient certificate(channel, config.client);
//   rt->outbox().Register(kStartEnrollmentTopic, [&](const OutboxMessage& m) {
//     return certificate.Deliver(m.payload);
//   });
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config.h"
#include "disposition_payloads.h"  // kStartEnrollmentTopic
#include "disposition_records.h"
#include "sertel/v1/certificate.grpc.pb.h"

namespace sertel::disposition {

class CertificateClient {
 public:
  CertificateClient(std::shared_ptr<grpc::Channel> channel, ClientConfig config);
  // OK once the certificate service accepted the StartEnrollment; its status otherwise (the
  // dispatcher retries UNAVAILABLE and the like).
  absl::Status Deliver(const std::string& payload);

  // Steps 6 and 7 of the SLA report (CertificateService.GetSlaReport), read directly.
  absl::StatusOr<std::vector<StepSla>> LaterStepsSla(absl::Time from, absl::Time to);

 private:
  std::unique_ptr<v1::CertificateService::Stub> stub_;
  ClientConfig config_;
};

}  // namespace sertel::disposition
