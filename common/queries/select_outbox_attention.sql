-- The newest DEAD row about application $1 (common/outbox_attention.h), from the partial index
-- outbox_dead_by_application.
SELECT id, topic, COALESCE(last_error, '') AS last_error, to_micros(finished_at) AS finished_at_us
FROM outbox
WHERE status = 'DEAD' AND application_id = $1
ORDER BY finished_at DESC NULLS LAST, id DESC
LIMIT 1
