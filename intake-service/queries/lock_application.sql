-- The application a change is decided on, locked until the transaction ends (IntakeStore::Apply),
-- so two changes of one application are serialized.
SELECT id::text AS id, request_id, request_hash, nik, nip, full_name, email, phone, unit,
       position, note, status, resubmissions,
       coalesce(last_resubmit_key, '') AS last_resubmit_key,
       to_micros(last_resubmitted_at) AS last_resubmitted_at_us,
       coalesce(withdraw_reason, '') AS withdraw_reason,
       to_micros(created_at) AS created_at_us, to_micros(updated_at) AS updated_at_us,
       coalesce(case_status, '') AS case_status, coalesce(case_step, 0) AS case_step,
       case_version, to_micros(case_reported_at) AS case_reported_at_us,
       coalesce(enrollment_status, '') AS enrollment_status,
       coalesce(enrollment_step, 0) AS enrollment_step, enrollment_version,
       to_micros(enrollment_reported_at) AS enrollment_reported_at_us,
       sop_status, current_step, mirror_complete
FROM applications
WHERE id = $1::uuid
FOR UPDATE
