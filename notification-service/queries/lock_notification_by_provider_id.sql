-- The message the Cloud API knows by id $1, locked while its reported statuses are applied.
SELECT id::text AS id, request_id, application_id, channel, recipient, template, params::text AS params,
       status, attempts, COALESCE(last_error, '') AS last_error,
       COALESCE(fallback_email, '') AS fallback_email, COALESCE(fallback_id::text, '') AS fallback_id,
       to_micros(delivered_at) AS delivered_at_us, to_micros(read_at) AS read_at_us
FROM notifications
WHERE provider_message_id = $1
FOR UPDATE
