// The attention another service holds about an application, asked over its OutboxAdminService
// (ListOutboxMessages, state DEAD, as SERVICE): how intake shows a message the notification
// service gave up on (a FAILED delivery) in Application.attention. Read-only, with a short
// deadline; the caller treats a failure as "unknown", never as "nothing".
//
//   OutboxAttentionClient deliveries(*notification_channel, config.client, absl::Seconds(2));
//   absl::StatusOr<std::optional<AttentionRecord>> a = deliveries.AttentionFor(application_id);
#pragma once

#include <grpcpp/channel.h>

#include <memory>

#include "absl/time/time.h"
#include "common/config.h"
#include "common/outbox_attention.h"
#include "sertel/v1/outbox_admin.grpc.pb.h"

namespace sertel {

class OutboxAttentionClient final : public AttentionReader {
 public:
  OutboxAttentionClient(std::shared_ptr<grpc::Channel> channel, ClientConfig config,
                        absl::Duration deadline);
  // The newest DEAD row (by when it was given up) of the first page about `application_id`.
  absl::StatusOr<std::optional<AttentionRecord>> AttentionFor(
      const std::string& application_id) const override;

 private:
  std::unique_ptr<v1::OutboxAdminService::Stub> stub_;
  ClientConfig config_;
  absl::Duration deadline_;
};

}  // namespace sertel
