#include "common/audit_service_impl.h"

#include "common/audit_log.h"
#include "common/rpc.h"

namespace sertel {

AuditServiceImpl::AuditServiceImpl(PgPool* pool, const Authenticator* authenticator)
    : pool_(pool),
      authz_(authenticator, "sertel.v1.AuditService", {{"VerifyAuditChain", {Role::kAuditor}}}) {}

grpc::Status AuditServiceImpl::VerifyAuditChain(grpc::ServerContext* context,
                                                const v1::VerifyAuditChainRequest*,
                                                v1::VerifyAuditChainResponse* response) {
  return HandleRpc(context, authz_, "VerifyAuditChain", [&](const Principal&) -> absl::Status {
    absl::StatusOr<PgPool::Lease> lease = pool_->Acquire();
    if (!lease.ok()) return lease.status();
    absl::StatusOr<AuditVerification> v = AuditLog::Verify(lease->conn());
    if (!v.ok()) return v.status();
    response->set_ok(v->ok);
    response->set_rows_checked(v->rows_checked);
    response->set_first_broken_seq(v->first_broken_seq);
    response->set_problem(v->problem);
    return absl::OkStatus();
  });
}

}  // namespace sertel
