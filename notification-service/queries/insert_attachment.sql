-- One attachment of a new message, with its bytes (deleted once delivered or failed).
INSERT INTO notification_attachments (notification_id, position, filename, content_type,
                                      size_bytes, sha256, content)
VALUES ($1::uuid, $2, $3, $4, $5, $6, $7)
