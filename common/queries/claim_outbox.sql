-- OutboxDispatcher::RunOnce: due rows, oldest first; SKIP LOCKED so replicas never share a row.
SELECT id, topic, idempotency_key, payload, attempts, COALESCE(application_id, '') AS application_id
FROM outbox
WHERE status = 'PENDING' AND next_attempt_at <= now()
ORDER BY next_attempt_at, id
LIMIT $1
FOR UPDATE SKIP LOCKED
