-- notification-service, issue 18: delivery as the WhatsApp Cloud API reports it.
-- An accepted WhatsApp message is SENT (the API answered with its id, provider_message_id) until
-- the webhook reports it delivered (DELIVERED), read (read_at) or failed (FAILED). Every status
-- event received is kept once (whatsapp_status_events): a replay changes nothing, and an event
-- that arrives before the worker recorded the message's id is applied when it does.
-- fallback_email: where a message that WhatsApp cannot deliver (131026, 131047) goes instead;
-- fallback_of: the WhatsApp message an email replaces.
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check
  CHECK (status IN ('QUEUED', 'SENDING', 'SENT', 'DELIVERED', 'FAILED'));
ALTER TABLE notifications ADD COLUMN provider_message_id text UNIQUE;
ALTER TABLE notifications ADD COLUMN sent_at timestamptz;
ALTER TABLE notifications ADD COLUMN read_at timestamptz;
ALTER TABLE notifications ADD COLUMN fallback_email text;
ALTER TABLE notifications ADD COLUMN fallback_of uuid REFERENCES notifications (id);
ALTER TABLE notifications ADD COLUMN fallback_id uuid REFERENCES notifications (id);

ALTER TABLE delivery_attempts DROP CONSTRAINT delivery_attempts_outcome_check;
ALTER TABLE delivery_attempts ADD CONSTRAINT delivery_attempts_outcome_check
  CHECK (outcome IN ('SENT', 'DELIVERED', 'RETRY', 'FAILED'));

CREATE TABLE whatsapp_status_events (
  provider_message_id text        NOT NULL,
  status              text        NOT NULL CHECK (status IN ('sent', 'delivered', 'read', 'failed')),
  at                  timestamptz NOT NULL,     -- the event's own timestamp
  error_code          bigint,                   -- failed only
  error_text          text,
  received_at         timestamptz NOT NULL,
  PRIMARY KEY (provider_message_id, status)
);

CREATE OR REPLACE VIEW notification_view AS
SELECT n.seq, n.id, n.request_id, n.application_id, n.channel, n.recipient, n.template,
       n.params::text AS params, n.status, n.attempts,
       COALESCE(n.last_error, '') AS last_error, to_micros(n.created_at) AS created_at_us,
       to_micros(n.delivered_at) AS delivered_at_us,
       to_micros(n.next_attempt_at) AS next_attempt_at_us,
       COALESCE((SELECT json_agg(json_build_object('filename', a.filename, 'content_type',
                                                   a.content_type, 'size_bytes', a.size_bytes)
                                 ORDER BY a.position)
                 FROM notification_attachments a WHERE a.notification_id = n.id),
                '[]')::text AS attachments,
       COALESCE(n.provider_message_id, '') AS provider_message_id,
       to_micros(n.sent_at) AS sent_at_us, to_micros(n.read_at) AS read_at_us,
       COALESCE(n.fallback_email, '') AS fallback_email,
       COALESCE(n.fallback_of::text, '') AS fallback_of,
       COALESCE(n.fallback_id::text, '') AS fallback_id
FROM notifications n;
