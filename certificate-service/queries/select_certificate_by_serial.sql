-- One certificate by its serial (lowercase hex without leading zeros).
SELECT serial, application_id, nik, full_name, email, unit, subject,
       to_micros(not_before) AS not_before_us, to_micros(not_after) AS not_after_us,
       sha256_fingerprint, certificate_pem, key_algorithm, to_micros(issued_at) AS issued_at_us,
       to_micros(revoked_at) AS revoked_at_us,
       coalesce(revocation_reason, 0) AS revocation_reason,
       proof_of_use::text AS proof_of_use
FROM certificates
WHERE serial = $1
