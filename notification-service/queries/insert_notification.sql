-- Queues a message (QUEUED, due at once: next_attempt_at = created_at). Nothing when request_id
-- is taken: the caller then compares payload hashes (select_notification_by_request).
INSERT INTO notifications (id, request_id, payload_hash, application_id, channel, recipient,
                           template, params, sealed_params, created_at, next_attempt_at,
                           fallback_email, fallback_of)
VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8::jsonb, NULLIF($9::bytea, ''::bytea),
        from_micros($10), from_micros($10), NULLIF($11, ''), NULLIF($12, '')::uuid)
ON CONFLICT (request_id) DO NOTHING
RETURNING id::text AS id
