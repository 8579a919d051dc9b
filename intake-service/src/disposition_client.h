// intake -> disposition: the read-only GetCase (short deadline, for the tracking view and the
// RETURNED check), the synchronous WithdrawCase a withdrawal makes first, and the delivery of
// intake's outbox rows OpenCase and ResumeCase (and WithdrawCase rows queued before). One
// channel, made once.
//
//   DispositionClient disposition(channel, config.client, absl::Seconds(1));
//   rt->outbox().Register(kOpenCaseTopic, [&](const OutboxMessage& m) {
//     return disposition.Deliver(m.topic, m.payload); });
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config.h"
#include "downstream.h"
#include "sertel/v1/disposition.grpc.pb.h"

namespace sertel::intake {

class DispositionClient final : public CaseReader, public CaseWithdrawer {
 public:
  DispositionClient(std::shared_ptr<grpc::Channel> channel, ClientConfig config,
                    absl::Duration lookup_deadline);

  absl::StatusOr<std::optional<CaseView>> GetCase(const std::string& application_id) override;
  // With the configured call deadline (SERTEL_RPC_DEADLINE).
  absl::StatusOr<CaseView> WithdrawCase(const std::string& application_id,
                                        const std::string& request_id,
                                        const std::string& reason) override;

  // Sends one outbox row (topic disposition.OpenCase / ResumeCase / WithdrawCase).
  absl::Status Deliver(const std::string& topic, const std::string& payload);

 private:
  std::unique_ptr<v1::DispositionService::Stub> stub_;
  ClientConfig config_;
  absl::Duration lookup_deadline_;
};

}  // namespace sertel::intake
