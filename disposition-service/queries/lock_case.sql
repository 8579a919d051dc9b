-- DispositionStore::Apply: the case to change, locked until the transaction ends, so two
-- officials acting at once are serialized and the second sees the first's version.
SELECT application_id, status, current_step, version,
       to_micros(opened_at) AS opened_at_us,
       to_micros(step_entered_at) AS step_entered_at_us,
       to_micros(submitted_at) AS submitted_at_us,
       applicant_nik, applicant_nip, applicant_full_name, applicant_email, applicant_phone,
       applicant_unit, applicant_position, applicant_certificate_ou, return_reason, missing_documents, checklist_confirmed,
       to_micros(updated_at) AS updated_at_us
  FROM cases
 WHERE application_id = $1
   FOR UPDATE
