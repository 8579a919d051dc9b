-- Locks a message its claim still holds (SENDING under claim_token $2): the only row a worker's
-- outcome may change. No row when the lease ran out and another worker took the message over.
SELECT id::text AS id, application_id, channel, template, status, attempts
FROM notifications
WHERE id = $1::uuid AND claim_token = $2::uuid AND status = 'SENDING'
FOR UPDATE
