-- OpenCase: the new case at SOP step 2. submitted_at ($7) is written only when $8 is true (not
-- every caller knows when the application was submitted at intake). Nothing happens when the
-- case exists already (another replica opened it meanwhile): the caller sees 0 rows.
INSERT INTO cases (application_id, status, current_step, version, opened_at, step_entered_at,
                   submitted_at, applicant_nik, applicant_nip, applicant_full_name,
                   applicant_email, applicant_phone, applicant_unit, applicant_position,
                   updated_at, applicant_certificate_ou)
VALUES ($1, $2, $3, $4, from_micros($5), from_micros($6),
        CASE WHEN $8::boolean THEN from_micros($7) END,
        $9, $10, $11, $12, $13, $14, $15, from_micros($16), $17)
    ON CONFLICT (application_id) DO NOTHING
