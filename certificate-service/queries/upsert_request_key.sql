-- Idempotency: the key of a call, written with the change it made (DONE) or claimed by a
-- SetPassphrase before it issues (CLAIMED). A claim of the same request may be taken over or
-- completed; a DONE key or another request's key stays as it is (no row: the store answers
-- ALREADY_EXISTS).
INSERT INTO request_keys (rpc, request_id, request_hash, application_id, state, claim, claimed_at)
VALUES ($1, $2, $3, $4, $5, $6, from_micros($7))
ON CONFLICT (rpc, request_id) DO UPDATE
SET state = EXCLUDED.state, claim = EXCLUDED.claim, claimed_at = EXCLUDED.claimed_at
WHERE request_keys.state = 'CLAIMED' AND request_keys.request_hash = EXCLUDED.request_hash
