-- A message as every read sees it (GetNotification, ListNotifications, the worker's claim):
-- timestamps as exact microseconds (to_micros, C003__sql_time.sql), last_error never NULL, and
-- the attachments' metadata as JSON, never their bytes. The statements in queries/ select from
-- it, so the columns are named once.
CREATE VIEW notification_view AS
SELECT n.seq, n.id, n.request_id, n.application_id, n.channel, n.recipient, n.template,
       n.params::text AS params, n.status, n.attempts,
       COALESCE(n.last_error, '') AS last_error, to_micros(n.created_at) AS created_at_us,
       to_micros(n.delivered_at) AS delivered_at_us,
       to_micros(n.next_attempt_at) AS next_attempt_at_us,
       COALESCE((SELECT json_agg(json_build_object('filename', a.filename, 'content_type',
                                                   a.content_type, 'size_bytes', a.size_bytes)
                                 ORDER BY a.position)
                 FROM notification_attachments a WHERE a.notification_id = n.id),
                '[]')::text AS attachments
FROM notifications n;
