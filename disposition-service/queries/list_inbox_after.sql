-- ListInbox, next pages: as list_inbox_first, after the keyset position (step_entered_at in
-- microseconds $2, application_id $3) of the last case returned, at most $4. The row comparison
-- is an index condition on cases_inbox: a short range scan, no sort, no OFFSET.
SELECT application_id, status, current_step, version,
       to_micros(opened_at) AS opened_at_us,
       to_micros(step_entered_at) AS step_entered_at_us,
       to_micros(submitted_at) AS submitted_at_us,
       applicant_nik, applicant_nip, applicant_full_name, applicant_email, applicant_phone,
       applicant_unit, applicant_position, applicant_certificate_ou, return_reason, missing_documents, checklist_confirmed,
       to_micros(updated_at) AS updated_at_us
  FROM cases
 WHERE status = 'IN_REVIEW' AND current_step = $1
   AND (step_entered_at, application_id) > (from_micros($2), $3)
 ORDER BY step_entered_at, application_id
 LIMIT $4
