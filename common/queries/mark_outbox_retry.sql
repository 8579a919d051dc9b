-- $4: the backoff in microseconds.
UPDATE outbox
SET attempts = $2, last_error = $3, next_attempt_at = now() + $4::bigint * interval '1 microsecond'
WHERE id = $1
