#include "report_manager.h"

#include "common/field_violations.h"
#include "common/sla_window.h"
#include "common/sop.h"

namespace sertel::certificate {
namespace {

constexpr absl::Duration kStandardStep67 = SopStandardTime(6);  // steps 6 and 7 alike

void AddTo(UnitFigures& total, const UnitFigures& u) {
  total.holders_with_valid_certificate += u.holders_with_valid_certificate;
  total.issued_total += u.issued_total;
  total.revoked_total += u.revoked_total;
  total.expired_total += u.expired_total;
  total.awaiting_passphrase += u.awaiting_passphrase;
}

}  // namespace

absl::StatusOr<StatisticsReport> ReportManager::GetStatistics(const std::string& unit,
                                                              std::optional<absl::Time> as_of) {
  if (unit.size() > 64) return InvalidField("unit", "at most 64 characters");
  StatisticsReport report{.as_of = as_of.value_or(clock_->Now())};
  absl::StatusOr<std::vector<UnitFigures>> rows = store_->Statistics(report.as_of, unit);
  if (!rows.ok()) return rows.status();
  // A person holds certificates in one unit at a time (a move revokes with affiliationChanged),
  // so the per-unit holder counts add up.
  for (const UnitFigures& u : *rows) AddTo(report.total, u);
  report.by_unit = *std::move(rows);
  return report;
}

absl::StatusOr<SlaReportRecord> ReportManager::GetSlaReport(std::optional<absl::Time> from,
                                                            std::optional<absl::Time> to) {
  absl::StatusOr<SlaWindow> window = ResolveSlaWindow(from, to, clock_->Now());
  if (!window.ok()) return window.status();
  SlaReportRecord report;
  report.from = window->from;
  report.to = window->to;
  absl::StatusOr<std::vector<StepFigures>> rows =
      store_->StepTimes(report.from, report.to, kStandardStep67);
  if (!rows.ok()) return rows.status();
  for (int step : {6, 7}) {
    StepFigures figures{.step = step, .standard = kStandardStep67};
    for (const StepFigures& f : *rows) {
      if (f.step == step) figures = f;
    }
    report.steps.push_back(figures);
  }
  return report;
}

}  // namespace sertel::certificate
