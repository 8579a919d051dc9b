-- A new one-time link (its token's SHA-256), written with the handover's change.
INSERT INTO download_links (token_hash, application_id, serial, created_at, expires_at)
VALUES ($1, $2, $3, from_micros($4), from_micros($5))
