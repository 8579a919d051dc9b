#include "common/sla_window.h"

#include "common/field_violations.h"

namespace sertel {

absl::StatusOr<SlaWindow> ResolveSlaWindow(std::optional<absl::Time> from,
                                           std::optional<absl::Time> to, absl::Time now) {
  SlaWindow w;
  w.to = to.value_or(now);
  w.from = from.value_or(w.to - kDefaultSlaWindow);
  if (w.from >= w.to) return InvalidField("from", "must be before `to`");
  return w;
}

}  // namespace sertel
