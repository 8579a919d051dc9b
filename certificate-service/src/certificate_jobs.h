// certificate-service's periodic work: the keystore purge after the retention time (the sealed
// key is kept only as long as a handover might need repeating), the EXPIRY_REMINDER 30 days
// before a certificate ends (once per serial), and a fresh CRL before the current one's
// nextUpdate. Safe with several replicas (rows are claimed with SKIP LOCKED).
//
//   CertificateJobs jobs(&maintenance, &revocation, absl::Hours(1));
//   jobs.Start();   // or jobs.RunOnce() in tests
#pragma once

#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "maintenance_manager.h"
#include "revocation_manager.h"

namespace sertel::certificate {

class CertificateJobs {
 public:
  CertificateJobs(MaintenanceManager* maintenance, RevocationManager* revocation,
                  absl::Duration interval)
      : maintenance_(maintenance), revocation_(revocation), interval_(interval) {}
  ~CertificateJobs() { Stop(); }

  // Runs every job once; logs and returns the first error (the others still ran).
  absl::Status RunOnce();
  void Start();
  void Stop();

 private:
  MaintenanceManager* maintenance_;
  RevocationManager* revocation_;
  absl::Duration interval_;
  std::thread thread_;
  absl::Notification stop_;
  absl::Time last_crl_ = absl::InfinitePast();
};

}  // namespace sertel::certificate
