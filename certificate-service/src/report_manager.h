// The SOP's recording duty and its standard times: how many people hold a valid certificate
// (per unit, as of any moment) and how long steps 6 and 7 took against their 10 minutes.
//
//   ReportManager m(&store, &clock);
//   absl::StatusOr<StatisticsReport> s = m.GetStatistics("DISKOMINFO", std::nullopt);
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "certificate_records.h"
#include "certificate_store.h"
#include "common/clock.h"

namespace sertel::certificate {

class ReportManager {
 public:
  ReportManager(CertificateStore* store, const Clock* clock) : store_(store), clock_(clock) {}

  // `unit` empty: all units. `as_of` defaults to now.
  absl::StatusOr<StatisticsReport> GetStatistics(const std::string& unit,
                                                 std::optional<absl::Time> as_of);
  // SOP steps 6 and 7 against their standard time; both rows always present. Default period:
  // the 30 days before `to`, `to` defaulting to now.
  absl::StatusOr<SlaReportRecord> GetSlaReport(std::optional<absl::Time> from,
                                               std::optional<absl::Time> to);

 private:
  CertificateStore* store_;
  const Clock* clock_;
};

}  // namespace sertel::certificate
