-- ListInbox, first page: the cases waiting at step $1, oldest arrival first, at most $2. The
-- predicate repeats the partial index cases_inbox's literally (status = 'IN_REVIEW'), so even a
-- generic plan uses it (docs/disposition-inbox-plan.md).
SELECT application_id, status, current_step, version,
       to_micros(opened_at) AS opened_at_us,
       to_micros(step_entered_at) AS step_entered_at_us,
       to_micros(submitted_at) AS submitted_at_us,
       applicant_nik, applicant_nip, applicant_full_name, applicant_email, applicant_phone,
       applicant_unit, applicant_position, applicant_certificate_ou, return_reason, missing_documents, checklist_confirmed,
       to_micros(updated_at) AS updated_at_us
  FROM cases
 WHERE status = 'IN_REVIEW' AND current_step = $1
 ORDER BY step_entered_at, application_id
 LIMIT $2
