-- SOP step 6: the certificate the CA issued, stored with the enrollment's change.
INSERT INTO certificates (serial, application_id, nik, full_name, email, unit, subject,
                          not_before, not_after, sha256_fingerprint, certificate_pem,
                          key_algorithm, issued_at, proof_of_use)
VALUES ($1, $2, $3, $4, $5, $6, $7, from_micros($8), from_micros($9), $10, $11, $12,
        from_micros($13), $14::jsonb)
