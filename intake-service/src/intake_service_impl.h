// The gRPC face of intake-service (SOP step 1): every handler runs through HandleRpc with the
// role table of intake_roles.h, maps the request to records (intake_proto.h), calls
// IntakeManager and maps its answer back. Nothing else.
//
//   IntakeServiceImpl impl(&manager, &runtime->authenticator());
//   runtime->Serve({&impl});
#pragma once

#include "common/auth.h"
#include "common/rate_limiter.h"
#include "intake_manager.h"
#include "sertel/v1/intake.grpc.pb.h"

namespace sertel::intake {

class IntakeServiceImpl final : public v1::IntakeService::Service {
 public:
  IntakeServiceImpl(IntakeManager* manager, const Authenticator* authenticator);
  const Authorizer& authorizer() const { return authz_; }
  // Per-caller limit on SubmitApplication (null: none); checked right after the role table.
  void SetSubmitLimiter(RateLimiter* limiter) { submits_ = limiter; }

  grpc::Status SubmitApplication(grpc::ServerContext* ctx, const v1::SubmitApplicationRequest* req,
                                 v1::Application* resp) override;
  grpc::Status GetApplication(grpc::ServerContext* ctx, const v1::GetApplicationRequest* req,
                              v1::Application* resp) override;
  grpc::Status ListApplications(grpc::ServerContext* ctx, const v1::ListApplicationsRequest* req,
                                v1::ListApplicationsResponse* resp) override;
  grpc::Status GetDocument(grpc::ServerContext* ctx, const v1::GetDocumentRequest* req,
                           v1::Document* resp) override;
  grpc::Status ResubmitDocuments(grpc::ServerContext* ctx, const v1::ResubmitDocumentsRequest* req,
                                 v1::Application* resp) override;
  grpc::Status WithdrawApplication(grpc::ServerContext* ctx,
                                   const v1::WithdrawApplicationRequest* req,
                                   v1::Application* resp) override;
  grpc::Status ListUnits(grpc::ServerContext* ctx, const v1::ListUnitsRequest* req,
                         v1::ListUnitsResponse* resp) override;
  grpc::Status RecordProgress(grpc::ServerContext* ctx, const v1::RecordProgressRequest* req,
                              v1::Application* resp) override;

 private:
  IntakeManager* manager_;
  Authorizer authz_;
  RateLimiter* submits_ = nullptr;
};

}  // namespace sertel::intake
