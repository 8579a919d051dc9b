-- The expiry reminder of a certificate is queued (once per serial).
UPDATE certificates SET expiry_reminder_queued_at = from_micros($2) WHERE serial = $1
