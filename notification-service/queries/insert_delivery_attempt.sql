-- One delivery attempt, for operators: outcome DELIVERED, RETRY or FAILED, the error if any;
-- numbered within the message's current round (notifications.retries: an operator's retry
-- starts a new one, V003).
INSERT INTO delivery_attempts (notification_id, retry_round, attempt, at, outcome, error)
SELECT n.id, n.retries, $2::integer, from_micros($3), $4::text, NULLIF($5::text, '')
FROM notifications n
WHERE n.id = $1::uuid
ON CONFLICT (notification_id, retry_round, attempt) DO NOTHING
