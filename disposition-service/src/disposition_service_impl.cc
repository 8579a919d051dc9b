#include "disposition_service_impl.h"

#include <vector>

#include "common/rpc.h"
#include "disposition_proto.h"
#include "disposition_roles.h"

namespace sertel::disposition {
namespace {

// Writes the record into `resp` when the call succeeded.
template <typename Record, typename Message>
absl::Status Answer(const absl::StatusOr<Record>& r, Message* resp) {
  if (!r.ok()) return r.status();
  ToProto(*r, resp);
  return absl::OkStatus();
}

}  // namespace

DispositionServiceImpl::DispositionServiceImpl(DispositionManager* manager,
                                               const Authenticator* authenticator)
    : manager_(manager),
      authz_(authenticator, "sertel.v1.DispositionService", DispositionRoles()) {}

grpc::Status DispositionServiceImpl::OpenCase(grpc::ServerContext* ctx,
                                              const v1::OpenCaseRequest* req, v1::Case* resp) {
  return HandleRpc(ctx, authz_, "OpenCase", [&](const Principal& caller) {
    return Answer(manager_->OpenCase(caller, FromProto(*req)), resp);
  });
}

grpc::Status DispositionServiceImpl::ListInbox(grpc::ServerContext* ctx,
                                               const v1::ListInboxRequest* req,
                                               v1::ListInboxResponse* resp) {
  return HandleRpc(ctx, authz_, "ListInbox", [&](const Principal& caller) {
    return Answer(manager_->ListInbox(caller, req->page_size(), req->page_token()), resp);
  });
}

grpc::Status DispositionServiceImpl::GetCase(grpc::ServerContext* ctx,
                                             const v1::GetCaseRequest* req, v1::Case* resp) {
  return HandleRpc(ctx, authz_, "GetCase", [&](const Principal&) {
    return Answer(manager_->GetCase(req->application_id()), resp);
  });
}

grpc::Status DispositionServiceImpl::Forward(grpc::ServerContext* ctx,
                                             const v1::ForwardRequest* req, v1::Case* resp) {
  return HandleRpc(ctx, authz_, "Forward", [&](const Principal& caller) {
    return Answer(
        manager_->Forward(caller, req->application_id(), req->expected_version(), req->note()),
        resp);
  });
}

grpc::Status DispositionServiceImpl::Verify(grpc::ServerContext* ctx, const v1::VerifyRequest* req,
                                            v1::Case* resp) {
  return HandleRpc(ctx, authz_, "Verify", [&](const Principal& caller) {
    return Answer(manager_->Verify(caller, req->application_id(), req->expected_version(),
                                   FromProto(req->checklist()), req->note()),
                  resp);
  });
}

grpc::Status DispositionServiceImpl::Return(grpc::ServerContext* ctx, const v1::ReturnRequest* req,
                                            v1::Case* resp) {
  return HandleRpc(ctx, authz_, "Return", [&](const Principal& caller) {
    std::vector<int> kinds(req->missing_documents().begin(), req->missing_documents().end());
    return Answer(manager_->Return(caller, req->application_id(), req->expected_version(),
                                   req->reason(), kinds),
                  resp);
  });
}

grpc::Status DispositionServiceImpl::Reject(grpc::ServerContext* ctx, const v1::RejectRequest* req,
                                            v1::Case* resp) {
  return HandleRpc(ctx, authz_, "Reject", [&](const Principal& caller) {
    return Answer(
        manager_->Reject(caller, req->application_id(), req->expected_version(), req->reason()),
        resp);
  });
}

grpc::Status DispositionServiceImpl::ResumeCase(grpc::ServerContext* ctx,
                                                const v1::ResumeCaseRequest* req, v1::Case* resp) {
  return HandleRpc(ctx, authz_, "ResumeCase", [&](const Principal& caller) {
    return Answer(manager_->ResumeCase(caller, req->application_id(), req->request_id()), resp);
  });
}

grpc::Status DispositionServiceImpl::WithdrawCase(grpc::ServerContext* ctx,
                                                  const v1::WithdrawCaseRequest* req,
                                                  v1::Case* resp) {
  return HandleRpc(ctx, authz_, "WithdrawCase", [&](const Principal& caller) {
    return Answer(
        manager_->WithdrawCase(caller, req->application_id(), req->request_id(), req->reason()),
        resp);
  });
}

grpc::Status DispositionServiceImpl::GetSlaReport(grpc::ServerContext* ctx,
                                                  const v1::GetSlaReportRequest* req,
                                                  v1::SlaReport* resp) {
  return HandleRpc(ctx, authz_, "GetSlaReport", [&](const Principal&) {
    const SlaPeriod period = FromProto(*req);
    return Answer(manager_->GetSlaReport(period.from, period.to), resp);
  });
}

}  // namespace sertel::disposition
