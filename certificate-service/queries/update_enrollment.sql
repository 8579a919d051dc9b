-- Writes an enrollment's change (CertificateStore::Apply, the row locked): its mutable columns,
-- if the row still has the version the change was decided on. An empty activation_hash or
-- certificate_serial is stored as NULL. ResendActivationCode replaces the code: its hash, its
-- expiry ($12) and the count of codes sent ($13). $14: the issuance's hold (NULL: none).
UPDATE enrollments
SET status = $2,
    version = $3,
    activation_hash = NULLIF($4, ''::bytea),
    activation_attempts = $5,
    certificate_serial = NULLIF($6, ''),
    handover_channel = $7,
    handed_over_at = from_micros($8),
    issued_at = from_micros($9),
    updated_at = from_micros($10),
    activation_expires_at = from_micros($12),
    activation_codes_sent = $13,
    issuing_until = from_micros($14)
WHERE application_id = $1 AND version = $11
