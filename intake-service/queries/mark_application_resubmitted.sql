-- ResubmitDocuments: the resubmission counter, its idempotency key ('' = none) and time.
UPDATE applications
SET resubmissions = $2, last_resubmit_key = nullif($3, ''),
    last_resubmitted_at = from_micros($4), updated_at = from_micros($4)
WHERE id = $1::uuid
