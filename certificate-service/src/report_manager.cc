#include "report_manager.h"

#include "common/field_rules.h"
#include "common/field_violations.h"
#include "common/sla_window.h"
#include "common/sop.h"

namespace sertel::certificate {
namespace {

constexpr absl::Duration kStandardStep67 = SopStandardTime(6);  // steps 6 and 7 alike

// The certificates' and enrollments' counts add up over the units; the people do not (see
// GetStatistics).
void AddTo(UnitFigures& total, const UnitFigures& u) {
  total.issued_total += u.issued_total;
  total.revoked_total += u.revoked_total;
  total.expired_total += u.expired_total;
  total.awaiting_passphrase += u.awaiting_passphrase;
}

}  // namespace

absl::StatusOr<StatisticsReport> ReportManager::GetStatistics(const std::string& unit,
                                                              std::optional<absl::Time> as_of) {
  // The filter is a unit's code (Applicant.unit, intake's unit registry).
  FieldViolations v;
  v.AddIf(CheckField("unit", field_rules::kUnitCode, unit, /*required=*/false));
  if (!v.empty()) return v.ToStatus("the statistics request is invalid");
  StatisticsReport report{.as_of = as_of.value_or(clock_->Now())};
  absl::StatusOr<StatisticsRows> rows = store_->Statistics(report.as_of, unit);
  if (!rows.ok()) return rows.status();
  for (const UnitFigures& u : rows->by_unit) AddTo(report.total, u);
  // The SOP's figure is people: one person may hold valid certificates in two units, or a new
  // one next to an old one, and counts once (distinct NIKs), not once per unit.
  report.total.holders_with_valid_certificate = rows->holders_with_valid_certificate;
  report.by_unit = std::move(rows->by_unit);
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
