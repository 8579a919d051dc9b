-- One delivery attempt, for operators: outcome DELIVERED, RETRY or FAILED, the error if any.
INSERT INTO delivery_attempts (notification_id, attempt, at, outcome, error)
VALUES ($1::uuid, $2, from_micros($3), $4, NULLIF($5, ''))
ON CONFLICT (notification_id, attempt) DO NOTHING
