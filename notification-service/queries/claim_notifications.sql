-- The delivery worker's claim: up to $2 due messages (QUEUED and due at $1, or SENDING whose
-- lease ran out) become SENDING under claim_token $4 until $3. FOR UPDATE SKIP LOCKED: two
-- workers never claim the same row; the lease brings back the rows of a worker that died.
WITH due AS (
  SELECT id FROM notifications
  WHERE (status = 'QUEUED' AND next_attempt_at <= from_micros($1))
     OR (status = 'SENDING' AND claimed_until <= from_micros($1))
  ORDER BY next_attempt_at, seq
  LIMIT $2
  FOR UPDATE SKIP LOCKED)
UPDATE notifications n
SET status = 'SENDING', claimed_until = from_micros($3), claim_token = $4::uuid
FROM due
WHERE n.id = due.id
RETURNING n.id::text AS id
