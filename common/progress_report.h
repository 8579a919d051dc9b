// The one way disposition and certificate tell intake how far an application went (so that
// intake lists and filters applications by their status across all seven steps, and knows which
// person still has an open application): a plain ProgressReport, turned into the outbox item
// that carries IntakeService.RecordProgress. Written in the same transaction as the change it
// reports; intake applies reports per source in version order, so a late or repeated one changes
// nothing. Only progress_report.cc knows the protobuf message.
//
//   ch.outbox.push_back(ProgressOutboxItem({.application_id = id,
//       .source = ProgressSource::kDisposition, .version = after.version,
//       .status = ApplicationStatus::kInReview, .step = 3, .at = now}));
#pragma once

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "common/application_status.h"
#include "common/change_records.h"

namespace sertel {

// Outbox topic of IntakeService.RecordProgress (payload: RecordProgressRequest).
inline constexpr char kRecordProgressTopic[] = "intake.RecordProgress";

// The numbers are sertel.v1.ProgressSource's.
enum class ProgressSource { kDisposition = 1, kCertificate = 2 };

struct ProgressReport {
  std::string application_id;
  ProgressSource source = ProgressSource::kDisposition;
  int64_t version = 0;  // the case's or the enrollment's version after the change
  ApplicationStatus status = ApplicationStatus::kInReview;
  int step = 0;  // the SOP step (1-7) the application is at after the change
  absl::Time at;
};

// The RecordProgressRequest for `report`, serialized; its request_id is
// "<source>:progress:<application_id>:<version>".
std::string RecordProgressPayload(const ProgressReport& report);
// {kRecordProgressTopic, request_id, RecordProgressPayload(report), report.application_id}.
OutboxItem ProgressOutboxItem(const ProgressReport& report);

}  // namespace sertel
