-- One enrollment by its application.
SELECT application_id, request_id, nik, nip, full_name, email, phone, unit, certificate_ou,
       position, status, version, activation_hash,
       to_micros(activation_expires_at) AS activation_expires_at_us,
       activation_attempts, activation_codes_sent,
       coalesce(certificate_serial, '') AS certificate_serial, handover_channel,
       to_micros(handed_over_at) AS handed_over_at_us, to_micros(issued_at) AS issued_at_us,
       to_micros(issuing_until) AS issuing_until_us,
       EXISTS (SELECT 1 FROM keystores k WHERE k.application_id = enrollments.application_id)
         AS keystore_available,
       to_micros(created_at) AS created_at_us, to_micros(updated_at) AS updated_at_us
FROM enrollments
WHERE application_id = $1
