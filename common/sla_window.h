// The period an SLA report covers (the SOP's standard times, common/sop.h), decided the same way
// by every service that reports on its steps: `to` defaults to now, `from` to 30 days before
// `to`, and `from` must come before `to` (INVALID_ARGUMENT with a violation on `from`).
//
//   absl::StatusOr<SlaWindow> w = ResolveSlaWindow(request_from, request_to, clock->Now());
#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace sertel {

inline constexpr absl::Duration kDefaultSlaWindow = absl::Hours(24 * 30);

struct SlaWindow {
  absl::Time from, to;
};

absl::StatusOr<SlaWindow> ResolveSlaWindow(std::optional<absl::Time> from,
                                           std::optional<absl::Time> to, absl::Time now);

}  // namespace sertel
