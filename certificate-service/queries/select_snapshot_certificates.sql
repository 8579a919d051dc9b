-- CheckCertificate's snapshot (certificate_snapshot.h), a full reload: every certificate with the
-- holder its enrollment names. Without the PEM: the caller of a check holds the certificate.
SELECT c.serial, c.application_id, c.nik, c.full_name, c.email, c.unit, c.subject,
       to_micros(c.not_before) AS not_before_us, to_micros(c.not_after) AS not_after_us,
       c.sha256_fingerprint, '' AS certificate_pem, c.key_algorithm,
       to_micros(c.issued_at) AS issued_at_us, to_micros(c.revoked_at) AS revoked_at_us,
       coalesce(c.revocation_reason, 0) AS revocation_reason, c.proof_of_use::text AS proof_of_use,
       e.nik AS holder_nik, e.nip AS holder_nip, e.full_name AS holder_full_name,
       e.email AS holder_email, e.phone AS holder_phone, e.unit AS holder_unit,
       e.position AS holder_position, e.certificate_ou AS holder_certificate_ou
FROM certificates c
JOIN enrollments e ON e.application_id = c.application_id
