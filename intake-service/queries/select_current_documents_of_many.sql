-- The same for the applications of one list page ($1: a uuid[] literal).
SELECT DISTINCT ON (application_id, kind) application_id::text AS application_id, kind, version, filename, content_type, sha256,
       size_bytes, to_micros(uploaded_at) AS uploaded_at_us
FROM documents
WHERE application_id = ANY($1::uuid[])
ORDER BY application_id, kind, version DESC
