UPDATE outbox
SET status = 'DELIVERED', attempts = attempts + 1, delivered_at = now(), finished_at = now(),
    last_error = NULL
WHERE id = $1
