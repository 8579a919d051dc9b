-- What the reported statuses made of a SENT or DELIVERED message: its status, when it was
-- delivered and read, and the error of a failure.
UPDATE notifications
SET status = $2, delivered_at = from_micros($3), read_at = from_micros($4),
    last_error = NULLIF($5, '')
WHERE id = $1::uuid
