#include "certificate_service_impl.h"

#include <openssl/crypto.h>

#include "common/rpc.h"

namespace sertel::certificate {

const RoleTable& CertificateRoles() {
  static const RoleSet kEveryone = {Role::kApplicant,      Role::kOperator,
                                    Role::kHeadOfAgency,   Role::kHeadOfDivision,
                                    Role::kHeadOfSection,  Role::kVerifier,
                                    Role::kAuditor,        Role::kService};
  static const RoleTable kTable = {
      {"StartEnrollment", {Role::kService}},
      {"GetEnrollment",
       {Role::kVerifier, Role::kApplicant, Role::kAuditor, Role::kService, Role::kOperator,
        Role::kHeadOfAgency, Role::kHeadOfDivision, Role::kHeadOfSection}},
      {"SetPassphrase", {Role::kApplicant, Role::kVerifier}},
      {"HandOver", {Role::kVerifier}},
      {"DownloadKeystore", {Role::kVerifier, Role::kApplicant}},
      {"GetCertificate", kEveryone},
      {"CheckCertificate", kEveryone},
      {"RevokeCertificate", {Role::kVerifier}},
      {"GetStatistics",
       {Role::kHeadOfAgency, Role::kHeadOfDivision, Role::kHeadOfSection, Role::kVerifier,
        Role::kAuditor}},
      {"GetSlaReport",
       {Role::kService, Role::kHeadOfAgency, Role::kHeadOfDivision, Role::kHeadOfSection,
        Role::kVerifier, Role::kAuditor}},
  };
  return kTable;
}

CertificateServiceImpl::CertificateServiceImpl(CertificateManager* manager,
                                               const Authenticator* authenticator)
    : manager_(manager),
      authz_(authenticator, "sertel.v1.CertificateService", CertificateRoles()) {}

grpc::Status CertificateServiceImpl::StartEnrollment(grpc::ServerContext* ctx,
                                                     const v1::StartEnrollmentRequest* req,
                                                     v1::Enrollment* resp) {
  return HandleRpc(ctx, authz_, "StartEnrollment", [&](const Principal& caller) {
    return manager_->StartEnrollment(caller, *req, resp);
  });
}

grpc::Status CertificateServiceImpl::GetEnrollment(grpc::ServerContext* ctx,
                                                   const v1::GetEnrollmentRequest* req,
                                                   v1::Enrollment* resp) {
  return HandleRpc(ctx, authz_, "GetEnrollment", [&](const Principal& caller) {
    return manager_->GetEnrollment(caller, req->application_id(), resp);
  });
}

grpc::Status CertificateServiceImpl::SetPassphrase(grpc::ServerContext* ctx,
                                                   const v1::SetPassphraseRequest* req,
                                                   v1::Certificate* resp) {
  // The request message belongs to this call and is not read after the handler; its copy of
  // the passphrase is wiped too, not only ours.
  auto* mutable_req = const_cast<v1::SetPassphraseRequest*>(req);
  std::string passphrase = req->passphrase();
  std::string* original = mutable_req->mutable_passphrase();
  if (!original->empty()) OPENSSL_cleanse(original->data(), original->size());
  return HandleRpc(ctx, authz_, "SetPassphrase", [&](const Principal& caller) {
    return manager_->SetPassphrase(caller, req->application_id(), req->activation_code(),
                                   passphrase, resp);
  });
}

grpc::Status CertificateServiceImpl::HandOver(grpc::ServerContext* ctx,
                                              const v1::HandOverRequest* req,
                                              v1::Enrollment* resp) {
  return HandleRpc(ctx, authz_, "HandOver", [&](const Principal& caller) {
    return manager_->HandOver(caller, req->application_id(), req->channel(), resp);
  });
}

grpc::Status CertificateServiceImpl::DownloadKeystore(grpc::ServerContext* ctx,
                                                      const v1::DownloadKeystoreRequest* req,
                                                      v1::DownloadKeystoreResponse* resp) {
  return HandleRpc(ctx, authz_, "DownloadKeystore", [&](const Principal& caller) {
    return manager_->DownloadKeystore(caller, req->application_id(), resp);
  });
}

grpc::Status CertificateServiceImpl::GetCertificate(grpc::ServerContext* ctx,
                                                    const v1::GetCertificateRequest* req,
                                                    v1::Certificate* resp) {
  return HandleRpc(ctx, authz_, "GetCertificate",
                   [&](const Principal&) { return manager_->GetCertificate(*req, resp); });
}

grpc::Status CertificateServiceImpl::CheckCertificate(grpc::ServerContext* ctx,
                                                      const v1::CheckCertificateRequest* req,
                                                      v1::CheckResult* resp) {
  return HandleRpc(ctx, authz_, "CheckCertificate",
                   [&](const Principal&) { return manager_->CheckCertificate(*req, resp); });
}

grpc::Status CertificateServiceImpl::RevokeCertificate(grpc::ServerContext* ctx,
                                                       const v1::RevokeCertificateRequest* req,
                                                       v1::Certificate* resp) {
  return HandleRpc(ctx, authz_, "RevokeCertificate", [&](const Principal& caller) {
    return manager_->RevokeCertificate(caller, *req, resp);
  });
}

grpc::Status CertificateServiceImpl::GetStatistics(grpc::ServerContext* ctx,
                                                   const v1::GetStatisticsRequest* req,
                                                   v1::Statistics* resp) {
  return HandleRpc(ctx, authz_, "GetStatistics",
                   [&](const Principal&) { return manager_->GetStatistics(*req, resp); });
}

grpc::Status CertificateServiceImpl::GetSlaReport(grpc::ServerContext* ctx,
                                                  const v1::GetSlaReportRequest* req,
                                                  v1::SlaReport* resp) {
  return HandleRpc(ctx, authz_, "GetSlaReport",
                   [&](const Principal&) { return manager_->GetSlaReport(*req, resp); });
}

}  // namespace sertel::certificate
