-- The transactional outbox (architecture.md, "Transactional outbox"): a state change and the
-- call it owes a downstream service commit together; a dispatcher delivers the row later.
CREATE TABLE outbox (
  id              bigserial PRIMARY KEY,
  topic           text        NOT NULL,          -- e.g. 'disposition.OpenCase'
  idempotency_key text        NOT NULL,          -- carried in the downstream request
  payload         bytea       NOT NULL,          -- the serialized request message
  status          text        NOT NULL DEFAULT 'PENDING'
                  CHECK (status IN ('PENDING', 'DELIVERED', 'DEAD')),
  attempts        integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz,
  UNIQUE (topic, idempotency_key)
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'PENDING';
