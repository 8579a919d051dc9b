-- SOP step 1: a new application, SUBMITTED. Nothing when the request_id exists (a concurrent
-- submission of the same request): the caller then looks it up.
INSERT INTO applications (id, request_id, request_hash, nik, nip, full_name, email, phone, unit,
                          position, note, status, created_at, updated_at)
VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'SUBMITTED', from_micros($12),
        from_micros($12))
ON CONFLICT (request_id) DO NOTHING
RETURNING id::text AS id
