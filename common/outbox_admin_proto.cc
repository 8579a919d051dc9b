#include "common/outbox_admin_proto.h"

#include "absl/strings/str_cat.h"
#include "common/proto_time.h"

namespace sertel {

OutboxListInput OutboxListFromProto(const v1::ListOutboxMessagesRequest& r) {
  // An unknown number passes through: the manager refuses it (INVALID_ARGUMENT on `state`).
  OutboxState state = OutboxState::kAny;
  switch (r.state()) {
    case v1::OUTBOX_STATE_UNSPECIFIED:
      break;
    case v1::OUTBOX_STATE_PENDING:
      state = OutboxState::kPending;
      break;
    case v1::OUTBOX_STATE_DELIVERED:
      state = OutboxState::kDelivered;
      break;
    case v1::OUTBOX_STATE_DEAD:
      state = OutboxState::kDead;
      break;
    default:
      state = static_cast<OutboxState>(r.state());
      break;
  }
  return OutboxListInput{.state = state,
                         .application_id = r.application_id(),
                         .page_size = r.page_size(),
                         .page_token = r.page_token()};
}

void OutboxRowToProto(const OutboxRow& row, v1::OutboxMessage* out) {
  out->set_id(absl::StrCat(row.id));
  out->set_service(row.service);
  out->set_topic(row.topic);
  out->set_state(static_cast<v1::OutboxState>(static_cast<int>(row.state)));
  out->set_attempts(row.attempts);
  out->set_last_error(row.last_error);
  out->set_application_id(row.application_id);
  *out->mutable_created_at() = ToProtoTimestamp(row.created_at);
  if (row.next_attempt_at) *out->mutable_next_attempt_at() = ToProtoTimestamp(*row.next_attempt_at);
  if (row.finished_at) *out->mutable_finished_at() = ToProtoTimestamp(*row.finished_at);
  out->set_retries(row.retries);
}

void OutboxPageToProto(const OutboxPage& page, v1::ListOutboxMessagesResponse* out) {
  for (const OutboxRow& row : page.rows) OutboxRowToProto(row, out->add_messages());
  out->set_next_page_token(page.next_page_token);
}

}  // namespace sertel
