// The questions intake asks the services after it (docs/architecture.md: read-only intake ->
// disposition and intake -> certificate), and the one synchronous change it asks for (the
// withdrawal, which disposition must make first), as interfaces on plain records so that the
// rules can be tested without a network. DispositionClient and CertificateClient implement them
// over gRPC (mapping with intake_proto.h).
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "intake_records.h"

namespace sertel::intake {

class CaseReader {
 public:
  virtual ~CaseReader() = default;
  // The case of an application; nullopt when disposition has none (not opened yet).
  // UNAVAILABLE (or DEADLINE_EXCEEDED) when disposition cannot answer.
  virtual absl::StatusOr<std::optional<CaseView>> GetCase(const std::string& application_id) = 0;
};

class CaseWithdrawer {
 public:
  virtual ~CaseWithdrawer() = default;
  // DispositionService.WithdrawCase, idempotent on `request_id`: the case as disposition
  // withdrew it (atomically, under its version; also when it was not opened yet). Its refusal
  // (FAILED_PRECONDITION after SENT_TO_CA or REJECTED; ABORTED on a concurrent change) as
  // disposition answered it; UNAVAILABLE when it could not be asked (nothing changed there).
  virtual absl::StatusOr<CaseView> WithdrawCase(const std::string& application_id,
                                                const std::string& request_id,
                                                const std::string& reason) = 0;
};

class EnrollmentReader {
 public:
  virtual ~EnrollmentReader() = default;
  // The enrollment of an application; nullopt when certificate has none yet.
  virtual absl::StatusOr<std::optional<EnrollmentView>> GetEnrollment(
      const std::string& application_id) = 0;
};

}  // namespace sertel::intake
