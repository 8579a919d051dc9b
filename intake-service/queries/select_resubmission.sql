-- Idempotency of ResubmitDocuments: the application a request_id resubmitted, and its payload's
-- hash.
SELECT application_id::text AS application_id, request_hash
FROM resubmission_requests
WHERE request_id = $1
