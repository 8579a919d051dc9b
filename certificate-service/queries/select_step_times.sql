-- Steps 6 (ISSUED) and 7 (HANDED_OVER) completed in [$1, $2): count, p50, p95, max in
-- microseconds and how many took longer than $3 microseconds (the SOP's standard time). Served by
-- the partial index enrollment_timeline_sla (V002).
SELECT step, count(*) AS count,
       round(1000 * percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms))::bigint AS p50_us,
       round(1000 * percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms))::bigint AS p95_us,
       max(duration_ms) * 1000 AS max_us,
       count(*) FILTER (WHERE duration_ms * 1000 > $3::bigint) AS exceeded
FROM enrollment_timeline
WHERE ((step = 6 AND action = 'ISSUED') OR (step = 7 AND action = 'HANDED_OVER'))
  AND at >= from_micros($1) AND at < from_micros($2)
GROUP BY step
ORDER BY step
