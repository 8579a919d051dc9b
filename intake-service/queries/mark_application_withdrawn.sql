-- WithdrawApplication: SUBMITTED -> WITHDRAWN with the applicant's reason.
UPDATE applications
SET status = 'WITHDRAWN', withdraw_reason = $2, updated_at = from_micros($3)
WHERE id = $1::uuid AND status = 'SUBMITTED'
