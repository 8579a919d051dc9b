-- Every revoked certificate, for the CRL.
SELECT serial, to_micros(revoked_at) AS revoked_at_us,
       coalesce(revocation_reason, 0) AS revocation_reason
FROM certificates
WHERE revoked_at IS NOT NULL
ORDER BY revoked_at, serial
