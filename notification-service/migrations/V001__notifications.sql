-- Outgoing messages (email, WhatsApp), their delivery state and every attempt. A message is
-- QUEUED when stored, SENDING while a worker holds its lease (claimed_until; a crashed worker's
-- rows come back when the lease runs out), then DELIVERED or FAILED (last_error says why).
CREATE TABLE notifications (
  seq             bigserial   UNIQUE,              -- keyset order for ListNotifications
  id              uuid        PRIMARY KEY,
  request_id      text        NOT NULL UNIQUE,     -- the caller's idempotency key
  payload_hash    bytea       NOT NULL,            -- SHA-256 of the request: same key, other payload -> ALREADY_EXISTS
  application_id  text        NOT NULL,
  channel         text        NOT NULL CHECK (channel IN ('EMAIL', 'WHATSAPP')),
  recipient       text        NOT NULL,
  template        text        NOT NULL,
  params          jsonb       NOT NULL,            -- the template's non-secret parameters
  sealed_params   bytea,                           -- secret parameters (activation code), AES-256-GCM
  status          text        NOT NULL DEFAULT 'QUEUED'
                  CHECK (status IN ('QUEUED', 'SENDING', 'DELIVERED', 'FAILED')),
  attempts        integer     NOT NULL DEFAULT 0,
  last_error      text,
  created_at      timestamptz NOT NULL,
  next_attempt_at timestamptz NOT NULL,
  claimed_until   timestamptz,                     -- the worker's lease while SENDING
  claim_token     uuid,                            -- which claim may finish the row
  delivered_at    timestamptz
);
CREATE INDEX notifications_due ON notifications (next_attempt_at, seq)
  WHERE status IN ('QUEUED', 'SENDING');
CREATE INDEX notifications_by_application ON notifications (application_id, seq DESC);

-- Attachments (the PKCS#12 of SOP step 7). content is set to NULL once the message is delivered
-- or has failed for good: it may hold a keystore.
CREATE TABLE notification_attachments (
  notification_id uuid    NOT NULL REFERENCES notifications (id),
  position        integer NOT NULL,
  filename        text    NOT NULL,
  content_type    text    NOT NULL,
  size_bytes      bigint  NOT NULL,
  sha256          bytea   NOT NULL,
  content         bytea,
  PRIMARY KEY (notification_id, position)
);

-- One row per delivery attempt, for operators.
CREATE TABLE delivery_attempts (
  notification_id uuid        NOT NULL REFERENCES notifications (id),
  attempt         integer     NOT NULL,
  at              timestamptz NOT NULL,
  outcome         text        NOT NULL CHECK (outcome IN ('DELIVERED', 'RETRY', 'FAILED')),
  error           text,
  PRIMARY KEY (notification_id, attempt)
);
