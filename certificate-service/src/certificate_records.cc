#include "certificate_records.h"

namespace sertel::certificate {

std::string EnrollmentStateName(EnrollmentState s) {
  switch (s) {
    case EnrollmentState::kAwaitingPassphrase: return "AWAITING_PASSPHRASE";
    case EnrollmentState::kIssued: return "ISSUED";
    case EnrollmentState::kHandedOver: return "HANDED_OVER";
    case EnrollmentState::kRevoked: return "REVOKED";
  }
  return "";
}

std::optional<EnrollmentState> ParseEnrollmentState(const std::string& s) {
  if (s == "AWAITING_PASSPHRASE") return EnrollmentState::kAwaitingPassphrase;
  if (s == "ISSUED") return EnrollmentState::kIssued;
  if (s == "HANDED_OVER") return EnrollmentState::kHandedOver;
  if (s == "REVOKED") return EnrollmentState::kRevoked;
  return std::nullopt;
}

}  // namespace sertel::certificate
