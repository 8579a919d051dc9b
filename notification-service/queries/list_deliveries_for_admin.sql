-- OutboxAdminService.ListOutboxMessages at the notification service: its messages as outbox rows,
-- newest first (keyset on seq), in the statuses $1 (a text[]; empty: any), of application $2
-- ('' any), after the page that ended at seq $3 (0: from the newest), $4 rows. finished_at: when
-- it was delivered, or when it was given up (its FAILED attempt). Never the recipient or params.
SELECT n.seq, n.channel, n.template, n.status, n.attempts, COALESCE(n.last_error, '') AS last_error,
       n.application_id, n.retries, to_micros(n.created_at) AS created_at_us,
       to_micros(n.next_attempt_at) AS next_attempt_at_us,
       to_micros(COALESCE(n.delivered_at,
                          (SELECT max(d.at) FROM delivery_attempts d
                           WHERE d.notification_id = n.id AND d.outcome = 'FAILED')))
         AS finished_at_us
FROM notifications n
WHERE (cardinality($1::text[]) = 0 OR n.status = ANY ($1::text[]))
  AND ($2 = '' OR n.application_id = $2) AND ($3::bigint = 0 OR n.seq < $3::bigint)
ORDER BY n.seq DESC
LIMIT $4
