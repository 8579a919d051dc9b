#include "maintenance_manager.h"

#include "enrollment_lifecycle.h"

namespace sertel::certificate {

absl::StatusOr<int> MaintenanceManager::PurgeKeystores() {
  return store_->PurgeKeystores(
      clock_->Now() - settings_.keystore_retention, [this](const std::string& application_id) {
        return EnrollmentLifecycle::KeystorePurged(application_id, settings_.actor);
      });
}

absl::StatusOr<int> MaintenanceManager::QueueExpiryReminders() {
  absl::Time now = clock_->Now();
  return store_->QueueExpiryReminders(now, now + settings_.expiry_reminder,
                                      EnrollmentLifecycle::ExpiryReminder);
}

}  // namespace sertel::certificate
