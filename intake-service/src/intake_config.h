// intake-service's own settings (SERTEL_INTAKE_* and the addresses of the services it calls),
// read with the shared EnvReader so that every bad value is reported at once.
//
//   EnvReader env;
//   IntakeConfig own = IntakeConfig::FromEnv(env);
#pragma once

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "common/config.h"

namespace sertel::intake {

struct IntakeConfig {
  // SOP step 1 documents: at most this many bytes each (SERTEL_INTAKE_MAX_DOCUMENT_BYTES).
  int64_t max_document_bytes = 5 << 20;
  // Per caller (token sub): SubmitApplication at most `submit_burst` at once and one more every
  // `submit_refill` (SERTEL_INTAKE_SUBMIT_BURST, SERTEL_INTAKE_SUBMIT_REFILL).
  int64_t submit_burst = 20;
  absl::Duration submit_refill = absl::Seconds(6);
  std::string disposition_address = "127.0.0.1:50052";   // SERTEL_DISPOSITION_ADDRESS
  std::string certificate_address = "127.0.0.1:50053";   // SERTEL_CERTIFICATE_ADDRESS
  std::string notification_address = "127.0.0.1:50054";  // SERTEL_NOTIFICATION_ADDRESS
  // Deadline of the read-only GetCase/GetEnrollment calls made while answering a caller
  // (SERTEL_INTAKE_LOOKUP_DEADLINE); the tracking view is best effort past it.
  absl::Duration lookup_deadline = absl::Seconds(1);
  // The unit registry (unit_registry.h), a JSON file; in Kubernetes the intake-units ConfigMap
  // (SERTEL_INTAKE_UNITS_FILE). The service does not start without a valid one.
  std::string units_file = "/etc/sertel/units/units.json";

  static IntakeConfig FromEnv(EnvReader& env);
};

}  // namespace sertel::intake
