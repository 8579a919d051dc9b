-- A case's new state. Optimistic concurrency: the row changes only if it still has the version
-- ($10) the rules saw; otherwise 0 rows.
UPDATE cases
   SET status = $2, current_step = $3, version = $4, step_entered_at = from_micros($5),
       return_reason = $6, missing_documents = $7, checklist_confirmed = $8,
       updated_at = from_micros($9)
 WHERE application_id = $1 AND version = $10
