-- OutboxAdminService.ListOutboxMessages: newest first (keyset on id), in state $1 ('' any), about
-- application $2 ('' any), after the page that ended at id $3 (0: from the newest), $4 rows (one
-- more than the page, to know whether another follows). Never the payload.
SELECT id, topic, status, attempts, COALESCE(last_error, '') AS last_error,
       COALESCE(application_id, '') AS application_id, retries,
       to_micros(created_at) AS created_at_us, to_micros(next_attempt_at) AS next_attempt_at_us,
       to_micros(finished_at) AS finished_at_us
FROM outbox
WHERE ($1 = '' OR status = $1) AND ($2 = '' OR application_id = $2)
  AND ($3::bigint = 0 OR id < $3::bigint)
ORDER BY id DESC
LIMIT $4
