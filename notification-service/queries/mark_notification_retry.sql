-- A claimed message failed for now: QUEUED again, due at $5, with the error $4.
UPDATE notifications
SET status = 'QUEUED', attempts = $3, last_error = $4, next_attempt_at = from_micros($5),
    claimed_until = NULL, claim_token = NULL
WHERE id = $1::uuid AND claim_token = $2::uuid AND status = 'SENDING'
RETURNING id::text AS id
