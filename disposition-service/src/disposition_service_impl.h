// The gRPC face of disposition-service (SOP steps 2-5): every handler runs through HandleRpc with
// the role table of disposition_roles.h, maps the request to records (disposition_proto.h), calls
// DispositionManager and maps its records into the response. The per-step role check (only the
// current step's role may act) is the chain's, after existence and version.
//
//   DispositionServiceImpl impl(&manager, &runtime->authenticator());
//   runtime->Serve({&impl});
#pragma once

#include "common/auth.h"
#include "disposition_manager.h"
#include "sertel/v1/disposition.grpc.pb.h"

namespace sertel::disposition {

class DispositionServiceImpl final : public v1::DispositionService::Service {
 public:
  DispositionServiceImpl(DispositionManager* manager, const Authenticator* authenticator);
  const Authorizer& authorizer() const { return authz_; }

  grpc::Status OpenCase(grpc::ServerContext* ctx, const v1::OpenCaseRequest* req,
                        v1::Case* resp) override;
  grpc::Status ListInbox(grpc::ServerContext* ctx, const v1::ListInboxRequest* req,
                         v1::ListInboxResponse* resp) override;
  grpc::Status GetCase(grpc::ServerContext* ctx, const v1::GetCaseRequest* req,
                       v1::Case* resp) override;
  grpc::Status Forward(grpc::ServerContext* ctx, const v1::ForwardRequest* req,
                       v1::Case* resp) override;
  grpc::Status Verify(grpc::ServerContext* ctx, const v1::VerifyRequest* req,
                      v1::Case* resp) override;
  grpc::Status Return(grpc::ServerContext* ctx, const v1::ReturnRequest* req,
                      v1::Case* resp) override;
  grpc::Status Reject(grpc::ServerContext* ctx, const v1::RejectRequest* req,
                      v1::Case* resp) override;
  grpc::Status ResumeCase(grpc::ServerContext* ctx, const v1::ResumeCaseRequest* req,
                          v1::Case* resp) override;
  grpc::Status WithdrawCase(grpc::ServerContext* ctx, const v1::WithdrawCaseRequest* req,
                            v1::Case* resp) override;
  grpc::Status GetSlaReport(grpc::ServerContext* ctx, const v1::GetSlaReportRequest* req,
                            v1::SlaReport* resp) override;

 private:
  DispositionManager* manager_;
  Authorizer authz_;
};

}  // namespace sertel::disposition
