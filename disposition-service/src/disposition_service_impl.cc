#include "disposition_service_impl.h"

#include "case_proto.h"
#include "common/rpc.h"

namespace sertel::disposition {
namespace {

constexpr RoleSet kStepRoles = {Role::kHeadOfAgency, Role::kHeadOfDivision, Role::kHeadOfSection,
                                Role::kVerifier};

// Writes the case into `resp` when the call succeeded.
absl::Status Answer(const absl::StatusOr<CaseRecord>& c, v1::Case* resp) {
  if (!c.ok()) return c.status();
  ToProto(*c, resp);
  return absl::OkStatus();
}

}  // namespace

const RoleTable& DispositionRoles() {
  static const RoleTable kTable = {
      {"OpenCase", {Role::kService}},
      {"ResumeCase", {Role::kService}},
      {"WithdrawCase", {Role::kService}},
      {"ListInbox", kStepRoles},
      {"GetCase",
       {Role::kHeadOfAgency, Role::kHeadOfDivision, Role::kHeadOfSection, Role::kVerifier,
        Role::kAuditor, Role::kService, Role::kOperator}},
      // SOP steps 2-4 disposition downwards; whether the caller holds the current step's role
      // is checked on the case (after existence and version, as the contract orders it).
      {"Forward", kOfficials},
      // SOP step 5: only the verifier checks completeness and sends to the CA.
      {"Verify", {Role::kVerifier}},
      {"Return", kStepRoles},
      {"Reject", kStepRoles},
      {"GetSlaReport",
       {Role::kHeadOfAgency, Role::kHeadOfDivision, Role::kHeadOfSection, Role::kVerifier,
        Role::kAuditor}},
  };
  return kTable;
}

DispositionServiceImpl::DispositionServiceImpl(DispositionManager* manager,
                                               const Authenticator* authenticator)
    : manager_(manager),
      authz_(authenticator, "sertel.v1.DispositionService", DispositionRoles()) {}

grpc::Status DispositionServiceImpl::OpenCase(grpc::ServerContext* ctx,
                                              const v1::OpenCaseRequest* req, v1::Case* resp) {
  return HandleRpc(ctx, authz_, "OpenCase", [&](const Principal& caller) {
    OpenInput in{.application_id = req->application_id(),
                 .request_id = req->request_id(),
                 .applicant = FromProto(req->applicant()),
                 .submitted_at = std::nullopt};
    if (req->has_submitted_at()) in.submitted_at = FromProtoTime(req->submitted_at());
    return Answer(manager_->OpenCase(caller, in), resp);
  });
}

grpc::Status DispositionServiceImpl::ListInbox(grpc::ServerContext* ctx,
                                               const v1::ListInboxRequest* req,
                                               v1::ListInboxResponse* resp) {
  return HandleRpc(ctx, authz_, "ListInbox", [&](const Principal& caller) -> absl::Status {
    absl::StatusOr<InboxPage> page = manager_->ListInbox(caller, req->page_size(),
                                                         req->page_token());
    if (!page.ok()) return page.status();
    for (const CaseRecord& c : page->cases) ToProto(c, resp->add_cases());
    resp->set_next_page_token(page->next_page_token);
    return absl::OkStatus();
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
    return Answer(manager_->Forward(caller, req->application_id(), req->expected_version(),
                                    req->note()),
                  resp);
  });
}

grpc::Status DispositionServiceImpl::Verify(grpc::ServerContext* ctx,
                                            const v1::VerifyRequest* req, v1::Case* resp) {
  return HandleRpc(ctx, authz_, "Verify", [&](const Principal& caller) {
    return Answer(manager_->Verify(caller, req->application_id(), req->expected_version(),
                                   FromProto(req->checklist()), req->note()),
                  resp);
  });
}

grpc::Status DispositionServiceImpl::Return(grpc::ServerContext* ctx,
                                            const v1::ReturnRequest* req, v1::Case* resp) {
  return HandleRpc(ctx, authz_, "Return", [&](const Principal& caller) {
    std::vector<int> kinds(req->missing_documents().begin(), req->missing_documents().end());
    return Answer(manager_->Return(caller, req->application_id(), req->expected_version(),
                                   req->reason(), kinds),
                  resp);
  });
}

grpc::Status DispositionServiceImpl::Reject(grpc::ServerContext* ctx,
                                            const v1::RejectRequest* req, v1::Case* resp) {
  return HandleRpc(ctx, authz_, "Reject", [&](const Principal& caller) {
    return Answer(manager_->Reject(caller, req->application_id(), req->expected_version(),
                                   req->reason()),
                  resp);
  });
}

grpc::Status DispositionServiceImpl::ResumeCase(grpc::ServerContext* ctx,
                                                const v1::ResumeCaseRequest* req,
                                                v1::Case* resp) {
  return HandleRpc(ctx, authz_, "ResumeCase", [&](const Principal& caller) {
    return Answer(manager_->ResumeCase(caller, req->application_id(), req->request_id()), resp);
  });
}

grpc::Status DispositionServiceImpl::WithdrawCase(grpc::ServerContext* ctx,
                                                  const v1::WithdrawCaseRequest* req,
                                                  v1::Case* resp) {
  return HandleRpc(ctx, authz_, "WithdrawCase", [&](const Principal& caller) {
    return Answer(manager_->WithdrawCase(caller, req->application_id(), req->request_id(),
                                         req->reason()),
                  resp);
  });
}

grpc::Status DispositionServiceImpl::GetSlaReport(grpc::ServerContext* ctx,
                                                  const v1::GetSlaReportRequest* req,
                                                  v1::SlaReport* resp) {
  return HandleRpc(ctx, authz_, "GetSlaReport", [&](const Principal&) -> absl::Status {
    std::optional<absl::Time> from, to;
    if (req->has_from()) from = FromProtoTime(req->from());
    if (req->has_to()) to = FromProtoTime(req->to());
    absl::StatusOr<SlaResult> r = manager_->GetSlaReport(from, to);
    if (!r.ok()) return r.status();
    *resp->mutable_from() = ToProtoTime(r->from);
    *resp->mutable_to() = ToProtoTime(r->to);
    for (const StepSla& s : r->steps) {
      v1::StepSla* out = resp->add_steps();
      out->set_step(static_cast<v1::Step>(s.step));
      out->set_count(s.count);
      *out->mutable_p50() = ToProtoDuration(s.p50);
      *out->mutable_p95() = ToProtoDuration(s.p95);
      *out->mutable_max() = ToProtoDuration(s.max);
      out->set_exceeded(s.exceeded);
      *out->mutable_standard_duration() = ToProtoDuration(DispositionChain::StandardTime(s.step));
    }
    return absl::OkStatus();
  });
}

}  // namespace sertel::disposition
