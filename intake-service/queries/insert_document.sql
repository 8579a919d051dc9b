-- One version of one document (every version is kept).
INSERT INTO documents (application_id, kind, version, filename, content_type, content, sha256,
                       size_bytes, uploaded_at)
VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, from_micros($9))
