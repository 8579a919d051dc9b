#include "certificate_records.h"

namespace sertel::certificate {

std::string EnrollmentStateName(EnrollmentState s) {
  switch (s) {
    case EnrollmentState::kAwaitingPassphrase:
      return "AWAITING_PASSPHRASE";
    case EnrollmentState::kIssued:
      return "ISSUED";
    case EnrollmentState::kHandedOver:
      return "HANDED_OVER";
    case EnrollmentState::kRevoked:
      return "REVOKED";
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

std::optional<std::string> RevocationReasonName(int reason) {
  // RFC 5280 section 5.3.1: 7 is unused and removeFromCRL (8) belongs to delta CRLs only, so
  // sertel.v1.RevocationReason has no numbers 8 and 9.
  switch (reason) {
    case 1:
      return "REVOCATION_REASON_UNSPECIFIED_REASON";
    case 2:
      return "REVOCATION_REASON_KEY_COMPROMISE";
    case 3:
      return "REVOCATION_REASON_CA_COMPROMISE";
    case 4:
      return "REVOCATION_REASON_AFFILIATION_CHANGED";
    case 5:
      return "REVOCATION_REASON_SUPERSEDED";
    case 6:
      return "REVOCATION_REASON_CESSATION_OF_OPERATION";
    case 7:
      return "REVOCATION_REASON_CERTIFICATE_HOLD";
    case 10:
      return "REVOCATION_REASON_PRIVILEGE_WITHDRAWN";
    default:
      return std::nullopt;
  }
}

HolderIdentity IdentityOf(const HolderRecord& h) {
  return {h.full_name, h.nik, h.email, h.certificate_ou.empty() ? h.unit : h.certificate_ou};
}

int RfcReasonCode(int reason) { return reason > 0 ? reason - 1 : 0; }

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_sec, t, absl::UTCTimeZone());
}

}  // namespace sertel::certificate
