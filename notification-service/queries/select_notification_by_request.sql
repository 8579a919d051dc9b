-- The message already queued under a request_id, and the hash of the payload it was sent with.
SELECT id::text AS id, payload_hash FROM notifications WHERE request_id = $1
