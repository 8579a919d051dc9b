// Collects every invalid field of a request so that the caller learns all of them at once
// (google.rpc.BadRequest at the gRPC boundary; see common/grpc_status.h). Plain Abseil: domain
// code uses it without gRPC.
//
//   FieldViolations v;
//   v.AddIfError("applicant.nik", ValidateNik(a.nik));
//   if (!v.empty()) return v.ToStatus("the application is invalid");
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace sertel {

struct FieldViolation {
  std::string field;
  std::string description;     // English
  std::string reason;          // UPPER_SNAKE, e.g. "TOO_LONG" (google.rpc FieldViolation.reason)
  std::string description_id;  // Bahasa Indonesia (FieldViolation.localized_message, "id-ID")
};

class FieldViolations {
 public:
  void Add(std::string field, std::string description) {
    violations_.push_back({std::move(field), std::move(description), "", ""});
  }
  void Add(FieldViolation violation) { violations_.push_back(std::move(violation)); }
  // Adds `violation` when there is one (common/field_rules.h's CheckField).
  void AddIf(std::optional<FieldViolation> violation) {
    if (violation) violations_.push_back(*std::move(violation));
  }
  // Adds `field` with the status message when `status` is not OK.
  void AddIfError(std::string field, const absl::Status& status) {
    if (!status.ok()) Add(std::move(field), std::string(status.message()));
  }
  bool empty() const { return violations_.empty(); }
  const std::vector<FieldViolation>& violations() const { return violations_; }

  // INVALID_ARGUMENT whose message lists the fields, carrying the violations as a payload.
  absl::Status ToStatus(absl::string_view summary) const;

  // `status` with these violations attached (for a code other than INVALID_ARGUMENT).
  absl::Status AttachTo(absl::Status status) const;

  // The violations carried by `status` (empty when it has none).
  static std::vector<FieldViolation> FromStatus(const absl::Status& status);

 private:
  std::vector<FieldViolation> violations_;
};

// Shorthand for a single invalid field.
absl::Status InvalidField(std::string field, std::string description);

}  // namespace sertel
