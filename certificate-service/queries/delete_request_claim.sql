-- Idempotency: a SetPassphrase that failed after claiming its key gives the claim up, so that
-- the same request may be tried again at once. Only its own claim, never a DONE key.
DELETE FROM request_keys
WHERE rpc = $1 AND request_id = $2 AND state = 'CLAIMED' AND claim = $3
