#include "common/field_violations.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace sertel {
namespace {

// The payload is "field\x1fdescription\x1freason\x1fdescription_id\x1e..." - separators that
// validated text never contains.
constexpr char kPayloadUrl[] = "type.sertel/field_violations";
constexpr char kUnit = '\x1f';
constexpr char kRecord = '\x1e';

}  // namespace

absl::Status FieldViolations::AttachTo(absl::Status status) const {
  if (violations_.empty()) return status;
  std::string payload;
  for (const auto& v : violations_) {
    const std::string unit(1, kUnit);
    absl::StrAppend(&payload, v.field, unit, v.description, unit, v.reason, unit, v.description_id,
                    std::string(1, kRecord));
  }
  if (!status.ok()) status.SetPayload(kPayloadUrl, absl::Cord(payload));
  return status;
}

absl::Status FieldViolations::ToStatus(absl::string_view summary) const {
  // Every violation in the message too, so a person reading only the message learns all of them
  // (clients that parse use the google.rpc.BadRequest details).
  std::vector<std::string> parts;
  for (const auto& v : violations_) parts.push_back(absl::StrCat(v.field, ": ", v.description));
  return AttachTo(
      absl::InvalidArgumentError(absl::StrCat(summary, ": ", absl::StrJoin(parts, "; "))));
}

std::vector<FieldViolation> FieldViolations::FromStatus(const absl::Status& status) {
  std::vector<FieldViolation> out;
  auto payload = status.GetPayload(kPayloadUrl);
  if (!payload.has_value()) return out;
  std::string text(*payload);
  for (absl::string_view record : absl::StrSplit(text, kRecord, absl::SkipEmpty())) {
    std::vector<std::string> parts = absl::StrSplit(record, absl::MaxSplits(kUnit, 3));
    parts.resize(4);
    out.push_back({parts[0], parts[1], parts[2], parts[3]});
  }
  return out;
}

absl::Status InvalidField(std::string field, std::string description) {
  FieldViolations v;
  v.Add(std::move(field), std::move(description));
  return v.ToStatus("invalid request");
}

}  // namespace sertel
