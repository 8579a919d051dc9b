-- A claimed message is given up (a permanent error or the last attempt): FAILED with error $4.
UPDATE notifications
SET status = 'FAILED', attempts = $3, last_error = $4, claimed_until = NULL, claim_token = NULL
WHERE id = $1::uuid AND claim_token = $2::uuid AND status = 'SENDING'
RETURNING id::text AS id
