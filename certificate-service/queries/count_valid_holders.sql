-- The SOP's recorded figure over all units (or unit $2 when not empty) as of $1: people
-- (distinct NIKs) holding a certificate that has started, not ended and not been revoked. One
-- person with two valid certificates (two units, or a new one before the old one is revoked)
-- counts once.
SELECT count(DISTINCT nik) AS holders
FROM certificates
WHERE issued_at <= from_micros($1) AND ($2 = '' OR unit = $2)
  AND not_before <= from_micros($1) AND not_after > from_micros($1)
  AND (revoked_at IS NULL OR revoked_at > from_micros($1))
