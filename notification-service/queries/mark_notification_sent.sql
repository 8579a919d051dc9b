-- A claimed WhatsApp message was accepted by the Cloud API (its id $5): SENT at $4 after $3
-- attempts, until the webhook reports what became of it.
UPDATE notifications
SET status = 'SENT', attempts = $3, sent_at = from_micros($4), provider_message_id = $5,
    last_error = NULL, claimed_until = NULL, claim_token = NULL
WHERE id = $1::uuid AND claim_token = $2::uuid AND status = 'SENDING'
RETURNING id::text AS id
