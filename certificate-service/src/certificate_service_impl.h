// sertel.v1.CertificateService over gRPC: each handler is the role check (certificate_roles.h),
// proto in, the right part of CertificateManagers, records out through certificate_proto.h, all
// inside HandleRpc (common/rpc.h).
#pragma once

#include "certificate_managers.h"
#include "certificate_roles.h"
#include "common/auth.h"
#include "common/rate_limiter.h"
#include "sertel/v1/certificate.grpc.pb.h"

namespace sertel::certificate {

class CertificateServiceImpl final : public v1::CertificateService::Service {
 public:
  CertificateServiceImpl(CertificateManagers* managers, const Authenticator* authenticator);
  const Authorizer& authorizer() const { return authz_; }
  // Per-caller limit on CheckCertificate (null: none); checked right after the role table.
  void SetCheckLimiter(RateLimiter* limiter) { checks_ = limiter; }

  grpc::Status StartEnrollment(grpc::ServerContext* ctx, const v1::StartEnrollmentRequest* req,
                               v1::Enrollment* resp) override;
  grpc::Status GetEnrollment(grpc::ServerContext* ctx, const v1::GetEnrollmentRequest* req,
                             v1::Enrollment* resp) override;
  grpc::Status SetPassphrase(grpc::ServerContext* ctx, const v1::SetPassphraseRequest* req,
                             v1::Certificate* resp) override;
  grpc::Status HandOver(grpc::ServerContext* ctx, const v1::HandOverRequest* req,
                        v1::Enrollment* resp) override;
  grpc::Status DownloadKeystore(grpc::ServerContext* ctx, const v1::DownloadKeystoreRequest* req,
                                v1::DownloadKeystoreResponse* resp) override;
  grpc::Status GetCertificate(grpc::ServerContext* ctx, const v1::GetCertificateRequest* req,
                              v1::Certificate* resp) override;
  grpc::Status CheckCertificate(grpc::ServerContext* ctx, const v1::CheckCertificateRequest* req,
                                v1::CheckResult* resp) override;
  grpc::Status VerifyDocument(grpc::ServerContext* ctx, const v1::VerifyDocumentRequest* req,
                              v1::DocumentVerification* resp) override;
  grpc::Status RevokeCertificate(grpc::ServerContext* ctx, const v1::RevokeCertificateRequest* req,
                                 v1::Certificate* resp) override;
  grpc::Status GetSlaReport(grpc::ServerContext* ctx, const v1::GetSlaReportRequest* req,
                            v1::SlaReport* resp) override;
  grpc::Status GetStatistics(grpc::ServerContext* ctx, const v1::GetStatisticsRequest* req,
                             v1::Statistics* resp) override;
  grpc::Status ResendActivationCode(grpc::ServerContext* ctx,
                                    const v1::ResendActivationCodeRequest* req,
                                    v1::Enrollment* resp) override;

 private:
  CertificateManagers* managers_;
  Authorizer authz_;
  RateLimiter* checks_ = nullptr;
};

}  // namespace sertel::certificate
