// sertel.v1.AuditService, served by each of the four services on its own port: verifies that
// service's audit chain (AUDITOR; SERVICE for automation).
#pragma once

#include "common/auth.h"
#include "common/pg_pool.h"
#include "sertel/v1/audit.grpc.pb.h"

namespace sertel {

class AuditServiceImpl final : public v1::AuditService::Service {
 public:
  AuditServiceImpl(PgPool* pool, const Authenticator* authenticator);
  grpc::Status VerifyAuditChain(grpc::ServerContext* context,
                                const v1::VerifyAuditChainRequest* request,
                                v1::VerifyAuditChainResponse* response) override;
  const Authorizer& authorizer() const { return authz_; }

 private:
  PgPool* pool_;
  Authorizer authz_;
};

}  // namespace sertel
