-- A link by its token's hash, locked: two downloads with one token are serialized.
SELECT application_id, serial, to_micros(expires_at) AS expires_at_us,
       used_at IS NOT NULL AS used, revoked_at IS NOT NULL AS ended
FROM download_links
WHERE token_hash = $1
FOR UPDATE
