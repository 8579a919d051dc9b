-- The sertel_outbox_dead_rows gauge at the notification service: its FAILED messages (an
-- index-only count over notifications_failed).
SELECT count(*) AS dead FROM notifications WHERE status = 'FAILED'
