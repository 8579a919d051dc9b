// intake -> certificate, read-only: GetEnrollment for the tracking view (steps 5-7), with a
// short deadline. One channel, made once.
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config.h"
#include "downstream.h"
#include "sertel/v1/certificate.grpc.pb.h"

namespace sertel::intake {

class CertificateClient final : public EnrollmentReader {
 public:
  CertificateClient(std::shared_ptr<grpc::Channel> channel, ClientConfig config,
                    absl::Duration lookup_deadline);
  absl::StatusOr<std::optional<EnrollmentView>> GetEnrollment(
      const std::string& application_id) override;

 private:
  std::unique_ptr<v1::CertificateService::Stub> stub_;
  ClientConfig config_;
  absl::Duration lookup_deadline_;
};

}  // namespace sertel::intake
