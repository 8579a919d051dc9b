-- A claimed message was accepted by the channel: DELIVERED at $4 after $3 attempts.
UPDATE notifications
SET status = 'DELIVERED', attempts = $3, delivered_at = from_micros($4), last_error = NULL,
    claimed_until = NULL, claim_token = NULL
WHERE id = $1::uuid AND claim_token = $2::uuid AND status = 'SENDING'
RETURNING id::text AS id
