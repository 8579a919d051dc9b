-- The progress mirror (the last report of the case and of the enrollment; NULL/0 for a source
-- that has not reported) and the status across the SOP derived from it, with every change that
-- may move them (progress_mirror.h). $6 / $11 say whether $5 / $10 are times.
UPDATE applications
SET case_status = nullif($2, ''), case_step = nullif($3::smallint, 0), case_version = $4,
    case_reported_at = CASE WHEN $6::boolean THEN from_micros($5) END,
    enrollment_status = nullif($7, ''), enrollment_step = nullif($8::smallint, 0),
    enrollment_version = $9,
    enrollment_reported_at = CASE WHEN $11::boolean THEN from_micros($10) END,
    sop_status = $12, current_step = $13, updated_at = from_micros($14)
WHERE id = $1::uuid
