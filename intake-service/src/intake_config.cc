#include "intake_config.h"

#include "absl/strings/str_cat.h"

namespace sertel::intake {

IntakeConfig IntakeConfig::FromEnv(EnvReader& env) {
  IntakeConfig c;
  // Four documents must fit the transport limit (SERTEL_MAX_MESSAGE_BYTES), so 64 MiB is plenty.
  c.max_document_bytes =
      env.Int("SERTEL_INTAKE_MAX_DOCUMENT_BYTES", c.max_document_bytes, 1, int64_t{64} << 20);
  c.disposition_address = env.String("SERTEL_DISPOSITION_ADDRESS", c.disposition_address);
  c.certificate_address = env.String("SERTEL_CERTIFICATE_ADDRESS", c.certificate_address);
  c.notification_address = env.String("SERTEL_NOTIFICATION_ADDRESS", c.notification_address);
  c.lookup_deadline = env.Duration("SERTEL_INTAKE_LOOKUP_DEADLINE", c.lookup_deadline);
  c.submit_burst = env.Int("SERTEL_INTAKE_SUBMIT_BURST", c.submit_burst, 1, 100000);
  c.submit_refill = env.Duration("SERTEL_INTAKE_SUBMIT_REFILL", c.submit_refill);
  if (c.submit_refill <= absl::ZeroDuration()) {
    env.AddError("SERTEL_INTAKE_SUBMIT_REFILL must be positive");
  }
  c.units_file = env.String("SERTEL_INTAKE_UNITS_FILE", c.units_file);
  if (c.lookup_deadline <= absl::ZeroDuration()) {
    env.AddError("SERTEL_INTAKE_LOOKUP_DEADLINE must be positive");
  }
  return c;
}

}  // namespace sertel::intake
