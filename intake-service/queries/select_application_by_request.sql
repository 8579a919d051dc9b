-- Idempotency of SubmitApplication: the application a request_id made, and its payload's hash.
SELECT id::text AS id, request_hash FROM applications WHERE request_id = $1
