#include "common/progress_report.h"

#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "sertel/v1/intake.pb.h"

namespace sertel {
namespace {

std::string RequestId(const ProgressReport& report) {
  return absl::StrCat(report.source == ProgressSource::kDisposition ? "disposition" : "certificate",
                      ":progress:", report.application_id, ":", report.version);
}

}  // namespace

std::string RecordProgressPayload(const ProgressReport& report) {
  v1::RecordProgressRequest r;
  r.set_application_id(report.application_id);
  r.set_source(static_cast<v1::ProgressSource>(report.source));
  r.set_version(report.version);
  r.set_status(static_cast<v1::ApplicationStatus>(report.status));
  r.set_current_step(static_cast<v1::Step>(report.step));
  *r.mutable_at() = ToProtoTimestamp(report.at);
  r.set_request_id(RequestId(report));
  return r.SerializeAsString();
}

OutboxItem ProgressOutboxItem(const ProgressReport& report) {
  return OutboxItem{kRecordProgressTopic, RequestId(report), RecordProgressPayload(report),
                    report.application_id};
}

}  // namespace sertel
