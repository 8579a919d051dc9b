#include "disposition_config.h"

namespace sertel::disposition {

DispositionConfig DispositionConfig::FromEnv(EnvReader& env) {
  DispositionConfig c;
  c.certificate_address = env.String("SERTEL_CERTIFICATE_ADDRESS", c.certificate_address);
  c.notification_address = env.String("SERTEL_NOTIFICATION_ADDRESS", c.notification_address);
  c.intake_address = env.String("SERTEL_INTAKE_ADDRESS", c.intake_address);
  if (c.certificate_address.empty()) env.AddError("SERTEL_CERTIFICATE_ADDRESS must not be empty");
  if (c.notification_address.empty()) {
    env.AddError("SERTEL_NOTIFICATION_ADDRESS must not be empty");
  }
  if (c.intake_address.empty()) env.AddError("SERTEL_INTAKE_ADDRESS must not be empty");
  return c;
}

}  // namespace sertel::disposition
