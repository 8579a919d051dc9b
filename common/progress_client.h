// disposition / certificate -> intake: delivers a service's outbox rows of topic
// intake.RecordProgress (common/progress_report.h; the payload is a serialized
// RecordProgressRequest, idempotent on its source and version). One channel, made once; every
// call carries the configured deadline and, over TLS, this service's client certificate.
//
//   ProgressClient progress(*channel, config.client);
//   runtime.outbox().Register(kRecordProgressTopic, [&](const OutboxMessage& m) {
//     return progress.Deliver(m.payload);
//   });
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "common/config.h"
#include "common/progress_report.h"  // kRecordProgressTopic
#include "sertel/v1/intake.grpc.pb.h"

namespace sertel {

class ProgressClient {
 public:
  ProgressClient(std::shared_ptr<grpc::Channel> channel, ClientConfig config);

  // OK once intake recorded (or had already recorded) the report; its status otherwise. A
  // payload that does not parse is INVALID_ARGUMENT: permanent, the row goes DEAD.
  absl::Status Deliver(const std::string& payload) const;

 private:
  std::unique_ptr<v1::IntakeService::Stub> stub_;
  ClientConfig config_;
};

}  // namespace sertel
