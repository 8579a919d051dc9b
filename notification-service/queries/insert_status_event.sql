-- A status event of the Cloud API webhook, kept once: no row back when it was received before
-- (a replay).
INSERT INTO whatsapp_status_events (provider_message_id, status, at, error_code, error_text,
                                    received_at)
VALUES ($1, $2, from_micros($3), NULLIF($4::bigint, 0), NULLIF($5, ''), from_micros($6))
ON CONFLICT (provider_message_id, status) DO NOTHING
RETURNING status
