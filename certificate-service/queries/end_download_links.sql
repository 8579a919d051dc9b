-- Ends the links of an application that were neither used nor ended (a new handover replaces
-- them; a revocation ends them).
UPDATE download_links
SET revoked_at = from_micros($2)
WHERE application_id = $1 AND used_at IS NULL AND revoked_at IS NULL
