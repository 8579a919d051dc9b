-- One message as GetNotification shows it: no sealed parameters, attachments without bytes.
SELECT seq, id, request_id, application_id, channel, recipient, template, params, status,
       attempts, last_error, created_at_us, delivered_at_us, next_attempt_at_us, attachments,
       provider_message_id, sent_at_us, read_at_us, fallback_email, fallback_of, fallback_id
FROM notification_view WHERE id = $1::uuid
