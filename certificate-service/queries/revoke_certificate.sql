-- Revocation, written with the enrollment's change; no row when it was revoked already.
UPDATE certificates
SET revoked_at = from_micros($3), revocation_reason = $2
WHERE serial = $1 AND revoked_at IS NULL
RETURNING application_id
