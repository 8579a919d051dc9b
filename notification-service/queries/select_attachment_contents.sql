-- A claimed message's attachments with their bytes, in order.
SELECT filename, content_type, size_bytes, sha256, COALESCE(content, ''::bytea) AS content
FROM notification_attachments
WHERE notification_id = $1::uuid
ORDER BY position
