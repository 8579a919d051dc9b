// The operations of certificate-service's periodic jobs (certificate_jobs.h): the keystore purge
// after the retention time (the sealed key is kept only as long as a handover might need
// repeating) and the EXPIRY_REMINDER before a certificate ends (once per serial). The CRL
// refresh is RevocationManager's.
//
//   MaintenanceManager m(&store, settings, &clock);
//   absl::StatusOr<int> purged = m.PurgeKeystores();
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "certificate_settings.h"
#include "certificate_store.h"
#include "common/clock.h"

namespace sertel::certificate {

class MaintenanceManager {
 public:
  MaintenanceManager(CertificateStore* store, const ManagerSettings& settings, const Clock* clock)
      : store_(store), settings_(settings), clock_(clock) {}

  // Each returns how many items it handled.
  absl::StatusOr<int> PurgeKeystores();
  absl::StatusOr<int> QueueExpiryReminders();

 private:
  CertificateStore* store_;
  ManagerSettings settings_;
  const Clock* clock_;
};

}  // namespace sertel::certificate
