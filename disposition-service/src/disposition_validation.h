// Input checks of disposition-service's calls, run before anything is read or written: each
// returns OK or INVALID_ARGUMENT naming every bad field (google.rpc.BadRequest at the boundary).
// The rules that need the case (existence, version, role, step) are DispositionChain's.
//
//   if (absl::Status s = ValidateForward(id, expected_version, note); !s.ok()) return s;
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "disposition_records.h"

namespace sertel::disposition {

inline constexpr size_t kMaxIdChars = 128;
// Notes (Forward, Verify) and reasons (Return, Reject, WithdrawCase) follow the field rules'
// kNote and kReason (common/field_rules.h).

absl::Status ValidateOpen(const OpenInput& in);
// ResumeCase and WithdrawCase: the case and the request id that makes the call idempotent.
absl::Status ValidateRequestKey(absl::string_view application_id, absl::string_view request_id,
                                absl::string_view reason);
absl::Status ValidateGetCase(absl::string_view application_id);
absl::Status ValidateForward(absl::string_view application_id, int64_t expected_version,
                             absl::string_view note);
// SOP step 5: every checklist item must be confirmed, and each one that is not is named.
absl::Status ValidateVerify(absl::string_view application_id, int64_t expected_version,
                            const Checklist& checklist, absl::string_view note);
// `kinds`: sertel.v1.DocumentKind numbers, at least one, each known and listed once.
absl::Status ValidateReturn(absl::string_view application_id, int64_t expected_version,
                            absl::string_view reason, const std::vector<int>& kinds);
absl::Status ValidateReject(absl::string_view application_id, int64_t expected_version,
                            absl::string_view reason);

}  // namespace sertel::disposition
