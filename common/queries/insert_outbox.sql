-- Outbox::Enqueue: the call a state change owes, in the change's transaction; a second row
-- with the same topic and key is ignored (idempotent).
INSERT INTO outbox (topic, idempotency_key, payload) VALUES ($1, $2, $3)
ON CONFLICT (topic, idempotency_key) DO NOTHING
