-- ListNotifications: newest first (keyset on seq), of one application or all ($1 = ''), after
-- the page ending at seq $2 (0: from the newest), $3 rows (one more than the page, to know
-- whether another follows).
SELECT seq, id, request_id, application_id, channel, recipient, template, params, status,
       attempts, last_error, created_at_us, delivered_at_us, next_attempt_at_us, attachments,
       provider_message_id, sent_at_us, read_at_us, fallback_email, fallback_of, fallback_id
FROM notification_view
WHERE ($1 = '' OR application_id = $1) AND ($2::bigint = 0 OR seq < $2::bigint)
ORDER BY seq DESC
LIMIT $3
