#include "intake_service_impl.h"

#include <utility>

#include "common/rpc.h"
#include "intake_proto.h"
#include "intake_roles.h"

namespace sertel::intake {
namespace {

// The manager's answer into the response, or its error.
template <typename Record, typename Message>
absl::Status Answer(absl::StatusOr<Record> result, Message* out) {
  if (!result.ok()) return result.status();
  ToProto(*std::move(result), out);
  return absl::OkStatus();
}

}  // namespace

IntakeServiceImpl::IntakeServiceImpl(IntakeManager* manager, const Authenticator* authenticator)
    : manager_(manager), authz_(authenticator, "sertel.v1.IntakeService", IntakeRoles()) {}

grpc::Status IntakeServiceImpl::SubmitApplication(grpc::ServerContext* ctx,
                                                  const v1::SubmitApplicationRequest* req,
                                                  v1::Application* resp) {
  return HandleRpc(ctx, authz_, "SubmitApplication", [&](const Principal& caller) {
    if (submits_ != nullptr) {
      if (absl::Status s = submits_->Take(caller.sub, "SubmitApplication"); !s.ok()) return s;
    }
    return Answer(manager_->Submit(caller, FromProto(*req)), resp);
  });
}

grpc::Status IntakeServiceImpl::GetApplication(grpc::ServerContext* ctx,
                                               const v1::GetApplicationRequest* req,
                                               v1::Application* resp) {
  return HandleRpc(ctx, authz_, "GetApplication", [&](const Principal& caller) {
    return Answer(manager_->Get(caller, req->id()), resp);
  });
}

grpc::Status IntakeServiceImpl::ListApplications(grpc::ServerContext* ctx,
                                                 const v1::ListApplicationsRequest* req,
                                                 v1::ListApplicationsResponse* resp) {
  return HandleRpc(ctx, authz_, "ListApplications", [&](const Principal& caller) {
    return Answer(manager_->List(caller, FromProto(*req)), resp);
  });
}

grpc::Status IntakeServiceImpl::GetDocument(grpc::ServerContext* ctx,
                                            const v1::GetDocumentRequest* req, v1::Document* resp) {
  return HandleRpc(ctx, authz_, "GetDocument", [&](const Principal& caller) {
    return Answer(manager_->GetDocument(caller, FromProto(*req)), resp);
  });
}

grpc::Status IntakeServiceImpl::ResubmitDocuments(grpc::ServerContext* ctx,
                                                  const v1::ResubmitDocumentsRequest* req,
                                                  v1::Application* resp) {
  return HandleRpc(ctx, authz_, "ResubmitDocuments", [&](const Principal& caller) {
    return Answer(manager_->Resubmit(caller, FromProto(*req)), resp);
  });
}

grpc::Status IntakeServiceImpl::WithdrawApplication(grpc::ServerContext* ctx,
                                                    const v1::WithdrawApplicationRequest* req,
                                                    v1::Application* resp) {
  return HandleRpc(ctx, authz_, "WithdrawApplication", [&](const Principal& caller) {
    return Answer(manager_->Withdraw(caller, FromProto(*req)), resp);
  });
}

grpc::Status IntakeServiceImpl::ListUnits(grpc::ServerContext* ctx, const v1::ListUnitsRequest* req,
                                          v1::ListUnitsResponse* resp) {
  return HandleRpc(ctx, authz_, "ListUnits", [&](const Principal&) {
    return Answer(manager_->ListUnits(FromProto(*req)), resp);
  });
}

grpc::Status IntakeServiceImpl::RecordProgress(grpc::ServerContext* ctx,
                                               const v1::RecordProgressRequest* req,
                                               v1::Application* resp) {
  return HandleRpc(ctx, authz_, "RecordProgress", [&](const Principal&) {
    return Answer(manager_->RecordProgress(FromProto(*req)), resp);
  });
}

}  // namespace sertel::intake
