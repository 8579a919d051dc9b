-- Remembers a resubmission's request_id, so that its repeat is answered, not redone. The same
-- key at once for another application: unique violation (ALREADY_EXISTS), rolled back.
INSERT INTO resubmission_requests (request_id, application_id, request_hash, resubmission,
                                   created_at)
VALUES ($1, $2::uuid, $3, $4, from_micros($5))
