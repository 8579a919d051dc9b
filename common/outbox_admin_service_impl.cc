#include "common/outbox_admin_service_impl.h"

#include "common/outbox_admin_proto.h"
#include "common/rpc.h"

namespace sertel {

const RoleTable& OutboxAdminRoles() {
  static const RoleTable kTable = {
      // Intake reads the notification service's undeliverable messages (Application.attention).
      {"ListOutboxMessages", {{Role::kOperator, Role::kAuditor}, {ServiceId::kIntake}}},
      {"RetryOutboxMessage", {Role::kOperator}},
  };
  return kTable;
}

OutboxAdminServiceImpl::OutboxAdminServiceImpl(const OutboxAdminManager* manager,
                                               const Authenticator* authenticator)
    : manager_(manager),
      authz_(authenticator, "sertel.v1.OutboxAdminService", OutboxAdminRoles()) {}

grpc::Status OutboxAdminServiceImpl::ListOutboxMessages(
    grpc::ServerContext* context, const v1::ListOutboxMessagesRequest* request,
    v1::ListOutboxMessagesResponse* response) {
  return HandleRpc(context, authz_, "ListOutboxMessages", [&](const Principal&) -> absl::Status {
    absl::StatusOr<OutboxPage> page = manager_->List(OutboxListFromProto(*request));
    if (!page.ok()) return page.status();
    OutboxPageToProto(*page, response);
    return absl::OkStatus();
  });
}

grpc::Status OutboxAdminServiceImpl::RetryOutboxMessage(
    grpc::ServerContext* context, const v1::RetryOutboxMessageRequest* request,
    v1::OutboxMessage* response) {
  return HandleRpc(
      context, authz_, "RetryOutboxMessage", [&](const Principal& caller) -> absl::Status {
        absl::StatusOr<OutboxRow> row = manager_->Retry(caller, request->id(), request->reason());
        if (!row.ok()) return row.status();
        OutboxRowToProto(*row, response);
        return absl::OkStatus();
      });
}

}  // namespace sertel
