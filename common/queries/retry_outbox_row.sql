-- An operator puts a DEAD row back: PENDING, due now, its attempts start again, one more retry.
-- last_error stays until the next attempt (what it failed with); the history is in the audit.
UPDATE outbox
SET status = 'PENDING', attempts = 0, next_attempt_at = now(), finished_at = NULL,
    retries = retries + 1
WHERE id = $1 AND status = 'DEAD'
RETURNING id, topic, status, attempts, COALESCE(last_error, '') AS last_error,
          COALESCE(application_id, '') AS application_id, retries,
          to_micros(created_at) AS created_at_us, to_micros(next_attempt_at) AS next_attempt_at_us,
          to_micros(finished_at) AS finished_at_us
