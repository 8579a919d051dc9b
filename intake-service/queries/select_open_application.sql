-- SubmitApplication: the person's open application, the one applications_one_open_per_nik
-- counts (not REJECTED, WITHDRAWN, HANDED_OVER or REVOKED), if any.
SELECT id::text AS id, sop_status
FROM applications
WHERE nik = $1 AND mirror_complete
  AND sop_status IN ('SUBMITTED', 'IN_REVIEW', 'RETURNED', 'SENT_TO_CA', 'AWAITING_PASSPHRASE',
                     'ISSUED')
LIMIT 1
