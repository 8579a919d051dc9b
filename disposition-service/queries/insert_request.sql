-- Remembers a service call's request id, so that its repeat is answered, not redone.
INSERT INTO case_requests (request_id, application_id, kind)
VALUES ($1, $2, $3)
    ON CONFLICT (request_id) DO NOTHING
