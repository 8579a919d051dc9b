// sertel.v1.OutboxAdminService, served by each of the four services on its own port beside the
// audit service (ServiceRuntime registers it): lists the calls the service owes the others
// (OPERATOR, AUDITOR; SERVICE, so that intake can show a failed delivery of the notification
// service as an application's attention) and retries one that failed for good (OPERATOR).
#pragma once

#include "common/auth.h"
#include "common/outbox_admin_manager.h"
#include "sertel/v1/outbox_admin.grpc.pb.h"

namespace sertel {

// The roles of each RPC.
const RoleTable& OutboxAdminRoles();

class OutboxAdminServiceImpl final : public v1::OutboxAdminService::Service {
 public:
  OutboxAdminServiceImpl(const OutboxAdminManager* manager, const Authenticator* authenticator);
  grpc::Status ListOutboxMessages(grpc::ServerContext* context,
                                  const v1::ListOutboxMessagesRequest* request,
                                  v1::ListOutboxMessagesResponse* response) override;
  grpc::Status RetryOutboxMessage(grpc::ServerContext* context,
                                  const v1::RetryOutboxMessageRequest* request,
                                  v1::OutboxMessage* response) override;
  const Authorizer& authorizer() const { return authz_; }

 private:
  const OutboxAdminManager* manager_;
  Authorizer authz_;
};

}  // namespace sertel
