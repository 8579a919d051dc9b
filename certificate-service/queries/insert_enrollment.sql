-- SOP step 5: a new enrollment awaiting its passphrase. A concurrent start of the same
-- application inserts nothing (the store answers ABORTED, the manager reads the winner's row).
INSERT INTO enrollments (application_id, request_id, nik, nip, full_name, email, phone, unit,
                         position, status, version, activation_hash, activation_expires_at,
                         activation_attempts, activation_codes_sent, created_at, updated_at,
                         certificate_ou)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, from_micros($13), $14, $15,
        from_micros($16), from_micros($17), $18)
ON CONFLICT (application_id) DO NOTHING
