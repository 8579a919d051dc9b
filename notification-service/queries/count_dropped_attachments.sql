-- Attachments of message $1 whose bytes are gone (dropped when it was delivered or failed).
SELECT count(*) AS dropped FROM notification_attachments
WHERE notification_id = $1::uuid AND content IS NULL
