-- Keystores of enrollments handed over before $1, claimed so that replicas do not collide.
SELECT k.application_id
FROM keystores k JOIN enrollments e USING (application_id)
WHERE e.handed_over_at IS NOT NULL AND e.handed_over_at < from_micros($1)
ORDER BY k.application_id
FOR UPDATE OF k SKIP LOCKED
