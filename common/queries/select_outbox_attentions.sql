-- The newest DEAD row of each application in the array $1 (a page of cases), one row each.
SELECT DISTINCT ON (application_id)
       application_id, id, topic, COALESCE(last_error, '') AS last_error,
       to_micros(finished_at) AS finished_at_us
FROM outbox
WHERE status = 'DEAD' AND application_id = ANY ($1::text[])
ORDER BY application_id, finished_at DESC NULLS LAST, id DESC
