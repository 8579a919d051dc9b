-- The one download a link gives: when, from where, by what.
UPDATE download_links
SET used_at = from_micros($2), used_from = $3, used_user_agent = $4
WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL
RETURNING application_id
