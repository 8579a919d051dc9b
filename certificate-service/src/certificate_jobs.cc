#include "certificate_jobs.h"

#include "common/log.h"

namespace sertel::certificate {

absl::Status CertificateJobs::RunOnce() {
  absl::Status first;
  absl::StatusOr<int> purged = maintenance_->PurgeKeystores();
  if (!purged.ok()) {
    first.Update(purged.status());
    Log::Error("keystore_purge_failed", {{"error", std::string(purged.status().message())}});
  } else if (*purged > 0) {
    Log::Info("keystores_purged", {{"count", *purged}});
  }
  absl::StatusOr<int> reminded = maintenance_->QueueExpiryReminders();
  if (!reminded.ok()) {
    first.Update(reminded.status());
    Log::Error("expiry_reminders_failed", {{"error", std::string(reminded.status().message())}});
  } else if (*reminded > 0) {
    Log::Info("expiry_reminders_queued", {{"count", *reminded}});
  }
  // A new CRL daily, well within its validity (default 7 days).
  absl::Time now = absl::Now();
  if (now - last_crl_ >= absl::Hours(24)) {
    if (absl::Status s = revocation_->RefreshCrl(); !s.ok()) {
      first.Update(s);
      Log::Error("crl_refresh_failed", {{"error", std::string(s.message())}});
    } else {
      last_crl_ = now;
    }
  }
  return first;
}

void CertificateJobs::Start() {
  thread_ = std::thread([this] {
    do {
      (void)RunOnce();
    } while (!stop_.WaitForNotificationWithTimeout(interval_));
  });
}

void CertificateJobs::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

}  // namespace sertel::certificate
