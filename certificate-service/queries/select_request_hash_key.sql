-- The key of the idempotency hashes (V003, request_hash_key).
SELECT key FROM request_hash_key WHERE id = 1
