// sertel.v1.AuditService, served by each of the four services on its own port: verifies that
// service's keyed audit chain (against a signed checkpoint when given one) and signs
// checkpoints of its head. AUDITOR only: no service needs it.
#pragma once

#include "common/audit_checkpoint.h"
#include "common/audit_log.h"
#include "common/auth.h"
#include "common/pg_pool.h"
#include "sertel/v1/audit.grpc.pb.h"

namespace sertel {

// The proto form of a checkpoint and back.
void CheckpointToProto(const AuditCheckpoint& c, v1::AuditCheckpoint* out);
AuditCheckpoint CheckpointFromProto(const v1::AuditCheckpoint& p);

class AuditServiceImpl final : public v1::AuditService::Service {
 public:
  // `signer` may be null (tests of the chain alone): SignAuditCheckpoint is then
  // FAILED_PRECONDITION and a checkpoint in VerifyAuditChain is refused.
  AuditServiceImpl(PgPool* pool, const AuditLog* audit, const CheckpointSigner* signer,
                   std::string service, const Authenticator* authenticator);
  grpc::Status VerifyAuditChain(grpc::ServerContext* context,
                                const v1::VerifyAuditChainRequest* request,
                                v1::VerifyAuditChainResponse* response) override;
  grpc::Status SignAuditCheckpoint(grpc::ServerContext* context,
                                   const v1::SignAuditCheckpointRequest* request,
                                   v1::SignAuditCheckpointResponse* response) override;
  const Authorizer& authorizer() const { return authz_; }

 private:
  PgPool* pool_;
  const AuditLog* audit_;
  const CheckpointSigner* signer_;
  std::string service_;
  Authorizer authz_;
};

}  // namespace sertel
