-- The webhook reported a temporary failure (a rate limit, "something went wrong"): the message
-- is QUEUED again, due at $3, and forgets the Cloud API id of the attempt that failed.
UPDATE notifications
SET status = 'QUEUED', provider_message_id = NULL, sent_at = NULL, last_error = $2,
    next_attempt_at = from_micros($3)
WHERE id = $1::uuid
