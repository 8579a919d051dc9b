-- GetCase (and Apply's answer) in one statement, one snapshot, one round trip: the case's
-- columns on every row, then one timeline entry per row (NULLs when there is none yet), oldest
-- first.
SELECT c.application_id, c.status, c.current_step, c.version,
       to_micros(c.opened_at) AS opened_at_us,
       to_micros(c.step_entered_at) AS step_entered_at_us,
       to_micros(c.submitted_at) AS submitted_at_us,
       c.applicant_nik, c.applicant_nip, c.applicant_full_name, c.applicant_email,
       c.applicant_phone, c.applicant_unit, c.applicant_position, c.applicant_certificate_ou, c.return_reason,
       c.missing_documents, c.checklist_confirmed,
       to_micros(c.updated_at) AS updated_at_us,
       t.id AS timeline_id, t.step, t.action, t.actor_sub, t.actor_role, t.note,
       to_micros(t.at) AS at_us, t.duration_us, t.standard_us, t.within_standard,
       t.counts_for_sla
  FROM cases c
  LEFT JOIN case_timeline t ON t.application_id = c.application_id
 WHERE c.application_id = $1
 ORDER BY t.id
