-- RetryOutboxMessage: the row, locked (a dispatcher that claimed it with SKIP LOCKED holds it
-- only while PENDING, so a DEAD row is never in a dispatcher's hands).
SELECT id, topic, status, attempts, COALESCE(last_error, '') AS last_error,
       COALESCE(application_id, '') AS application_id, retries,
       to_micros(created_at) AS created_at_us, to_micros(next_attempt_at) AS next_attempt_at_us,
       to_micros(finished_at) AS finished_at_us
FROM outbox
WHERE id = $1
FOR UPDATE
