#include "common/audit_service_impl.h"

#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "common/rpc.h"

namespace sertel {

void CheckpointToProto(const AuditCheckpoint& c, v1::AuditCheckpoint* out) {
  out->set_service(c.service);
  out->set_seq(c.seq);
  out->set_head_hash(c.head_hash);
  *out->mutable_at() = ToProtoTimestamp(c.at);
  out->set_signature(c.signature);
  out->set_key_id(c.key_id);
}

AuditCheckpoint CheckpointFromProto(const v1::AuditCheckpoint& p) {
  return AuditCheckpoint{.service = p.service(),
                         .seq = p.seq(),
                         .head_hash = p.head_hash(),
                         .at = FromProtoTimestamp(p.at()),
                         .signature = p.signature(),
                         .key_id = p.key_id()};
}

AuditServiceImpl::AuditServiceImpl(PgPool* pool, const AuditLog* audit,
                                   const CheckpointSigner* signer, std::string service,
                                   const Authenticator* authenticator)
    : pool_(pool),
      audit_(audit),
      signer_(signer),
      service_(std::move(service)),
      authz_(authenticator, "sertel.v1.AuditService",
             {{"VerifyAuditChain", {Role::kAuditor}}, {"SignAuditCheckpoint", {Role::kAuditor}}}) {}

grpc::Status AuditServiceImpl::VerifyAuditChain(grpc::ServerContext* context,
                                                const v1::VerifyAuditChainRequest* request,
                                                v1::VerifyAuditChainResponse* response) {
  return HandleRpc(context, authz_, "VerifyAuditChain", [&](const Principal&) -> absl::Status {
    std::optional<AuditCheckpoint> checkpoint;
    if (request->has_checkpoint()) {
      checkpoint = CheckpointFromProto(request->checkpoint());
      if (signer_ == nullptr) {
        return absl::FailedPreconditionError("this server has no audit checkpoint key");
      }
      if (checkpoint->service != service_) {
        return absl::InvalidArgumentError(absl::StrCat(
            "the checkpoint is of the ", checkpoint->service, " service's chain, not ", service_));
      }
      if (absl::Status s = signer_->Check(*checkpoint); !s.ok()) return s;
    }
    absl::StatusOr<PgPool::Lease> lease = pool_->Acquire();
    if (!lease.ok()) return lease.status();
    absl::StatusOr<AuditVerification> v = audit_->Verify(lease->conn(), checkpoint);
    if (!v.ok()) return v.status();
    response->set_ok(v->ok);
    response->set_rows_checked(v->rows_checked);
    response->set_first_broken_seq(v->first_broken_seq);
    response->set_problem(v->problem);
    return absl::OkStatus();
  });
}

grpc::Status AuditServiceImpl::SignAuditCheckpoint(grpc::ServerContext* context,
                                                   const v1::SignAuditCheckpointRequest*,
                                                   v1::SignAuditCheckpointResponse* response) {
  return HandleRpc(context, authz_, "SignAuditCheckpoint", [&](const Principal&) -> absl::Status {
    if (signer_ == nullptr) {
      return absl::FailedPreconditionError("this server has no audit checkpoint key");
    }
    absl::StatusOr<PgPool::Lease> lease = pool_->Acquire();
    if (!lease.ok()) return lease.status();
    // Only a head that verifies is worth signing: a checkpoint vouches for the rows below it.
    absl::StatusOr<AuditVerification> v = audit_->Verify(lease->conn());
    if (!v.ok()) return v.status();
    if (!v->ok) {
      return absl::FailedPreconditionError(
          absl::StrCat("the chain does not verify, so no checkpoint is signed: ", v->problem));
    }
    absl::StatusOr<AuditCheckpoint> c =
        signer_->Sign(service_, v->head_seq, v->head_hash, absl::Now());
    if (!c.ok()) return c.status();
    CheckpointToProto(*c, response->mutable_checkpoint());
    response->set_public_key_pem(signer_->PublicKeyPem());
    return absl::OkStatus();
  });
}

}  // namespace sertel
