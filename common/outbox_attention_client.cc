#include "common/outbox_attention_client.h"

#include "absl/time/clock.h"
#include "common/grpc_client.h"
#include "common/grpc_status.h"
#include "common/proto_time.h"

namespace sertel {

OutboxAttentionClient::OutboxAttentionClient(std::shared_ptr<grpc::Channel> channel,
                                             ClientConfig config, absl::Duration deadline)
    : stub_(v1::OutboxAdminService::NewStub(channel)),
      config_(std::move(config)),
      deadline_(deadline) {}

absl::StatusOr<std::optional<AttentionRecord>> OutboxAttentionClient::AttentionFor(
    const std::string& application_id) const {
  auto ctx = MakeClientContext(config_);
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  v1::ListOutboxMessagesRequest request;
  request.set_state(v1::OUTBOX_STATE_DEAD);
  request.set_application_id(application_id);
  v1::ListOutboxMessagesResponse reply;
  grpc::Status s = stub_->ListOutboxMessages(ctx.get(), request, &reply);
  if (!s.ok()) return FromGrpcStatus(s);
  std::optional<AttentionRecord> newest;
  for (const v1::OutboxMessage& m : reply.messages()) {
    AttentionRecord a{.service = m.service(),
                      .what = m.topic(),
                      .at = FromProtoTimestamp(m.finished_at()),
                      .error = m.last_error(),
                      .outbox_id = m.id()};
    if (!newest.has_value() || a.at > newest->at) newest = std::move(a);
  }
  return newest;
}

}  // namespace sertel
