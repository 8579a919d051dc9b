#include "intake_service_impl.h"

#include "common/rpc.h"

namespace sertel::intake {

const RoleTable& IntakeRoles() {
  static const RoleTable kTable = {
      {"SubmitApplication", {Role::kApplicant, Role::kOperator}},
      {"GetApplication",
       {Role::kApplicant, Role::kHeadOfAgency, Role::kHeadOfDivision, Role::kHeadOfSection,
        Role::kVerifier, Role::kOperator, Role::kAuditor, Role::kService}},
      {"ListApplications",
       {Role::kApplicant, Role::kHeadOfAgency, Role::kHeadOfDivision, Role::kHeadOfSection,
        Role::kVerifier, Role::kOperator, Role::kAuditor}},
      {"GetDocument",
       {Role::kApplicant, Role::kHeadOfAgency, Role::kHeadOfDivision, Role::kHeadOfSection,
        Role::kVerifier}},
      {"ResubmitDocuments", {Role::kApplicant, Role::kOperator}},
      {"WithdrawApplication", {Role::kApplicant, Role::kOperator}},
  };
  return kTable;
}

IntakeServiceImpl::IntakeServiceImpl(IntakeManager* manager, const Authenticator* authenticator)
    : manager_(manager), authz_(authenticator, "sertel.v1.IntakeService", IntakeRoles()) {}

grpc::Status IntakeServiceImpl::SubmitApplication(grpc::ServerContext* ctx,
                                                  const v1::SubmitApplicationRequest* req,
                                                  v1::Application* resp) {
  return HandleRpc(ctx, authz_, "SubmitApplication", [&](const Principal& caller) {
    return manager_->Submit(caller, *req, resp);
  });
}

grpc::Status IntakeServiceImpl::GetApplication(grpc::ServerContext* ctx,
                                               const v1::GetApplicationRequest* req,
                                               v1::Application* resp) {
  return HandleRpc(ctx, authz_, "GetApplication", [&](const Principal& caller) {
    return manager_->Get(caller, req->id(), resp);
  });
}

grpc::Status IntakeServiceImpl::ListApplications(grpc::ServerContext* ctx,
                                                 const v1::ListApplicationsRequest* req,
                                                 v1::ListApplicationsResponse* resp) {
  return HandleRpc(ctx, authz_, "ListApplications", [&](const Principal& caller) {
    return manager_->List(caller, *req, resp);
  });
}

grpc::Status IntakeServiceImpl::GetDocument(grpc::ServerContext* ctx,
                                            const v1::GetDocumentRequest* req,
                                            v1::Document* resp) {
  return HandleRpc(ctx, authz_, "GetDocument", [&](const Principal& caller) {
    return manager_->GetDocument(caller, *req, resp);
  });
}

grpc::Status IntakeServiceImpl::ResubmitDocuments(grpc::ServerContext* ctx,
                                                  const v1::ResubmitDocumentsRequest* req,
                                                  v1::Application* resp) {
  return HandleRpc(ctx, authz_, "ResubmitDocuments", [&](const Principal& caller) {
    return manager_->Resubmit(caller, *req, resp);
  });
}

grpc::Status IntakeServiceImpl::WithdrawApplication(grpc::ServerContext* ctx,
                                                    const v1::WithdrawApplicationRequest* req,
                                                    v1::Application* resp) {
  return HandleRpc(ctx, authz_, "WithdrawApplication", [&](const Principal& caller) {
    return manager_->Withdraw(caller, *req, resp);
  });
}

}  // namespace sertel::intake
