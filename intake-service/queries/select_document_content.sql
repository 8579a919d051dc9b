-- GetDocument: the current version of one kind, with its bytes.
SELECT application_id::text AS application_id, kind, version, filename, content_type, sha256,
       size_bytes, to_micros(uploaded_at) AS uploaded_at_us, content
FROM documents
WHERE application_id = $1::uuid AND kind = $2
ORDER BY version DESC
LIMIT 1
