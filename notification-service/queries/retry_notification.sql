-- An operator puts a FAILED message back: QUEUED, due at $2, a new round of attempts (attempts
-- count from 1 again, retries + 1). last_error stays until the next attempt.
UPDATE notifications
SET status = 'QUEUED', attempts = 0, next_attempt_at = from_micros($2), claimed_until = NULL,
    claim_token = NULL, retries = retries + 1
WHERE seq = $1 AND status = 'FAILED'
RETURNING seq, channel, template, status, attempts, COALESCE(last_error, '') AS last_error,
          application_id, retries, to_micros(created_at) AS created_at_us,
          to_micros(next_attempt_at) AS next_attempt_at_us, NULL::bigint AS finished_at_us
