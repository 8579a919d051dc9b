-- Outbox::Enqueue: the call a state change owes, in the change's transaction; a second row
-- with the same topic and key is ignored (idempotent). $4: the application it is about ('' when
-- none), which a DEAD row marks (common/outbox_attention.h).
INSERT INTO outbox (topic, idempotency_key, payload, application_id)
VALUES ($1, $2, $3, NULLIF($4, ''))
ON CONFLICT (topic, idempotency_key) DO NOTHING
