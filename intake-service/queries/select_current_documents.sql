-- The current (highest) version of each kind of one application's documents, without bytes.
SELECT DISTINCT ON (kind) application_id::text AS application_id, kind, version, filename, content_type, sha256,
       size_bytes, to_micros(uploaded_at) AS uploaded_at_us
FROM documents
WHERE application_id = $1::uuid
ORDER BY kind, version DESC
