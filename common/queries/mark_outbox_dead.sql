-- A permanent failure or the last attempt: kept, never deleted.
UPDATE outbox SET status = 'DEAD', attempts = $2, last_error = $3 WHERE id = $1
