-- A permanent failure or the last attempt: kept, never deleted; it marks its application until
-- an operator retries it (OutboxAdminService.RetryOutboxMessage).
UPDATE outbox SET status = 'DEAD', attempts = $2, last_error = $3, finished_at = now()
WHERE id = $1
