// The mapping between the outbox admin records (common/outbox_admin.h) and
// sertel/v1/outbox_admin.proto; with the service impl, the only files of the admin service that
// know sertel.v1.
//
//   OutboxListInput in = OutboxListFromProto(*request);
//   OutboxPageToProto(page, response);
#pragma once

#include "common/outbox_admin.h"
#include "common/outbox_admin_manager.h"
#include "sertel/v1/outbox_admin.pb.h"

namespace sertel {

OutboxListInput OutboxListFromProto(const v1::ListOutboxMessagesRequest& r);
void OutboxRowToProto(const OutboxRow& row, v1::OutboxMessage* out);
void OutboxPageToProto(const OutboxPage& page, v1::ListOutboxMessagesResponse* out);

}  // namespace sertel
