#include "certificate_service_impl.h"

#include <openssl/crypto.h>

#include "certificate_proto.h"
#include "common/rpc.h"

namespace sertel::certificate {
namespace {

// Writes `record`'s message into `*resp` when the call succeeded.
template <typename Record, typename Message, typename ToProto>
absl::Status Answer(absl::StatusOr<Record> record, Message* resp, ToProto to_proto) {
  if (!record.ok()) return record.status();
  *resp = to_proto(*record);
  return absl::OkStatus();
}

}  // namespace

CertificateServiceImpl::CertificateServiceImpl(CertificateManagers* managers,
                                               const Authenticator* authenticator)
    : managers_(managers),
      authz_(authenticator, "sertel.v1.CertificateService", CertificateRoles()) {}

grpc::Status CertificateServiceImpl::StartEnrollment(grpc::ServerContext* ctx,
                                                     const v1::StartEnrollmentRequest* req,
                                                     v1::Enrollment* resp) {
  return HandleRpc(ctx, authz_, "StartEnrollment", [&](const Principal& caller) {
    return Answer(managers_->enrollment.StartEnrollment(caller, StartEnrollmentFromProto(*req)),
                  resp, EnrollmentToProto);
  });
}

grpc::Status CertificateServiceImpl::GetEnrollment(grpc::ServerContext* ctx,
                                                   const v1::GetEnrollmentRequest* req,
                                                   v1::Enrollment* resp) {
  return HandleRpc(ctx, authz_, "GetEnrollment", [&](const Principal& caller) {
    return Answer(managers_->enrollment.GetEnrollment(caller, req->application_id()), resp,
                  EnrollmentToProto);
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
    return Answer(
        managers_->enrollment.SetPassphrase(caller, req->application_id(), req->activation_code(),
                                            passphrase, req->request_id()),
        resp, CertificateToProto);
  });
}

grpc::Status CertificateServiceImpl::HandOver(grpc::ServerContext* ctx,
                                              const v1::HandOverRequest* req,
                                              v1::Enrollment* resp) {
  return HandleRpc(ctx, authz_, "HandOver", [&](const Principal& caller) {
    return Answer(managers_->handover.HandOver(caller, req->application_id(), req->channel(),
                                               req->request_id(), req->download_link()),
                  resp, EnrollmentToProto);
  });
}

grpc::Status CertificateServiceImpl::DownloadKeystore(grpc::ServerContext* ctx,
                                                      const v1::DownloadKeystoreRequest* req,
                                                      v1::DownloadKeystoreResponse* resp) {
  return HandleRpc(ctx, authz_, "DownloadKeystore", [&](const Principal& caller) {
    return Answer(managers_->handover.DownloadKeystore(caller, req->application_id()), resp,
                  KeystoreToProto);
  });
}

grpc::Status CertificateServiceImpl::GetCertificate(grpc::ServerContext* ctx,
                                                    const v1::GetCertificateRequest* req,
                                                    v1::Certificate* resp) {
  return HandleRpc(ctx, authz_, "GetCertificate", [&](const Principal&) {
    return Answer(managers_->checks.GetCertificate(req->application_id(), req->serial()), resp,
                  CertificateToProto);
  });
}

grpc::Status CertificateServiceImpl::CheckCertificate(grpc::ServerContext* ctx,
                                                      const v1::CheckCertificateRequest* req,
                                                      v1::CheckResult* resp) {
  return HandleRpc(ctx, authz_, "CheckCertificate", [&](const Principal& caller) {
    if (checks_ != nullptr) {
      if (absl::Status s = checks_->Take(caller.sub, "CheckCertificate"); !s.ok()) return s;
    }
    return Answer(managers_->checks.CheckCertificate(req->certificate_pem(), req->expected_nik()),
                  resp, CheckResultToProto);
  });
}

grpc::Status CertificateServiceImpl::VerifyDocument(grpc::ServerContext* ctx,
                                                    const v1::VerifyDocumentRequest* req,
                                                    v1::DocumentVerification* resp) {
  return HandleRpc(ctx, authz_, "VerifyDocument", [&](const Principal& caller) {
    // The same per-caller limit as CheckCertificate: both answer anyone, and this one parses.
    if (checks_ != nullptr) {
      if (absl::Status s = checks_->Take(caller.sub, "VerifyDocument"); !s.ok()) return s;
    }
    return Answer(managers_->documents.VerifyDocument(req->pdf(), req->expected_nik()), resp,
                  DocumentVerificationToProto);
  });
}

grpc::Status CertificateServiceImpl::RevokeCertificate(grpc::ServerContext* ctx,
                                                       const v1::RevokeCertificateRequest* req,
                                                       v1::Certificate* resp) {
  return HandleRpc(ctx, authz_, "RevokeCertificate", [&](const Principal& caller) {
    return Answer(managers_->revocation.RevokeCertificate(caller, req->serial(), req->reason(),
                                                          req->request_id()),
                  resp, CertificateToProto);
  });
}

grpc::Status CertificateServiceImpl::ResendActivationCode(
    grpc::ServerContext* ctx, const v1::ResendActivationCodeRequest* req, v1::Enrollment* resp) {
  return HandleRpc(ctx, authz_, "ResendActivationCode", [&](const Principal& caller) {
    return Answer(managers_->enrollment.ResendActivationCode(caller, req->application_id(),
                                                             req->request_id()),
                  resp, EnrollmentToProto);
  });
}

grpc::Status CertificateServiceImpl::GetStatistics(grpc::ServerContext* ctx,
                                                   const v1::GetStatisticsRequest* req,
                                                   v1::Statistics* resp) {
  return HandleRpc(ctx, authz_, "GetStatistics", [&](const Principal&) {
    return Answer(managers_->reports.GetStatistics(
                      req->unit(), OptionalTimeFromProto(req->has_as_of(), req->as_of())),
                  resp, StatisticsToProto);
  });
}

grpc::Status CertificateServiceImpl::GetSlaReport(grpc::ServerContext* ctx,
                                                  const v1::GetSlaReportRequest* req,
                                                  v1::SlaReport* resp) {
  return HandleRpc(ctx, authz_, "GetSlaReport", [&](const Principal&) {
    return Answer(
        managers_->reports.GetSlaReport(OptionalTimeFromProto(req->has_from(), req->from()),
                                        OptionalTimeFromProto(req->has_to(), req->to())),
        resp, SlaReportToProto);
  });
}

}  // namespace sertel::certificate
