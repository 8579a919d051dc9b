-- RetryOutboxMessage at the notification service: message seq $1, locked, with what the rule
-- needs (a FAILED message whose attachment bytes were dropped cannot be sent again).
SELECT n.seq, n.id::text AS id, n.channel, n.template, n.status, n.attempts,
       COALESCE(n.last_error, '') AS last_error, n.application_id, n.retries,
       to_micros(n.created_at) AS created_at_us, to_micros(n.next_attempt_at) AS next_attempt_at_us,
       to_micros(n.delivered_at) AS finished_at_us
FROM notifications n
WHERE n.seq = $1
FOR UPDATE
