-- Idempotency: what an earlier call of RPC $1 left under request_id $2 (CertificateStore, inside
-- the transaction that locked the enrollment, or before it for the contract's order of checks).
SELECT request_hash, application_id, state, claim, to_micros(claimed_at) AS claimed_at_us
FROM request_keys
WHERE rpc = $1 AND request_id = $2
