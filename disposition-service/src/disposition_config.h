// disposition-service's own settings: the addresses of the services it calls (certificate for
// StartEnrollment after SOP step 5, notification for the applicant's return/reject messages,
// intake for the progress of every case), read with the shared EnvReader so that every bad
// value is reported at once.
//
//   EnvReader env;
//   DispositionConfig own = DispositionConfig::FromEnv(env);
#pragma once

#include <string>

#include "common/config.h"

namespace sertel::disposition {

struct DispositionConfig {
  std::string certificate_address = "127.0.0.1:50053";   // SERTEL_CERTIFICATE_ADDRESS
  std::string notification_address = "127.0.0.1:50054";  // SERTEL_NOTIFICATION_ADDRESS
  std::string intake_address = "localhost:50051";        // SERTEL_INTAKE_ADDRESS

  static DispositionConfig FromEnv(EnvReader& env);
};

}  // namespace sertel::disposition
