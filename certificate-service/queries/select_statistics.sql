-- The SOP's recorded figure per unit ($2, or all when empty) as of $1: people (distinct NIKs)
-- holding a certificate that has started, not ended and not been revoked, with the totals.
WITH c AS (SELECT * FROM certificates
           WHERE issued_at <= from_micros($1) AND ($2 = '' OR unit = $2)),
     e AS (SELECT * FROM enrollments
           WHERE created_at <= from_micros($1) AND ($2 = '' OR unit = $2)
             AND (issued_at IS NULL OR issued_at > from_micros($1))),
     units AS (SELECT unit FROM c UNION SELECT unit FROM e)
SELECT u.unit,
       (SELECT count(DISTINCT nik) FROM c
        WHERE c.unit = u.unit AND c.not_before <= from_micros($1)
          AND c.not_after > from_micros($1)
          AND (c.revoked_at IS NULL OR c.revoked_at > from_micros($1)))
         AS holders_with_valid_certificate,
       (SELECT count(*) FROM c WHERE c.unit = u.unit) AS issued_total,
       (SELECT count(*) FROM c WHERE c.unit = u.unit AND c.revoked_at <= from_micros($1))
         AS revoked_total,
       (SELECT count(*) FROM c WHERE c.unit = u.unit AND c.not_after <= from_micros($1))
         AS expired_total,
       (SELECT count(*) FROM e WHERE e.unit = u.unit) AS awaiting_passphrase
FROM units u
ORDER BY u.unit
