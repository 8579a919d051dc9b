-- SOP step 1: a new application, SUBMITTED (sop_status too, by default). Nothing when the
-- request_id exists (a concurrent submission of the same request) or the NIK has an open
-- application (applications_one_open_per_nik): the caller then looks up which.
INSERT INTO applications (id, request_id, request_hash, nik, nip, full_name, email, phone, unit,
                          position, note, status, created_at, updated_at)
VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'SUBMITTED', from_micros($12),
        from_micros($12))
ON CONFLICT DO NOTHING
RETURNING id::text AS id
