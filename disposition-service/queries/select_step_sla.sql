-- GetSlaReport, steps 1-5 with from_micros($1) <= time < from_micros($2): per step the count,
-- p50, p95 and max waiting time (microseconds) and how many exceeded the SOP's standard time.
-- Steps 2-5: the officials' timeline entries (partial index case_timeline_sla).
SELECT step, count(*) AS count,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_us) AS p50_us,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_us) AS p95_us,
       max(duration_us) AS max_us,
       count(*) FILTER (WHERE NOT within_standard) AS exceeded
  FROM case_timeline
 WHERE counts_for_sla AND at >= from_micros($1) AND at < from_micros($2)
 GROUP BY step
 UNION ALL
-- Step 1: from the submission at intake to the case opening at the head of agency; over $3
-- microseconds is exceeded. Two services' clocks: a negative difference (skew) counts as 0.
SELECT 1, count(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY d),
       percentile_cont(0.95) WITHIN GROUP (ORDER BY d),
       max(d),
       count(*) FILTER (WHERE d > $3::bigint)
  FROM (SELECT GREATEST(0, to_micros(opened_at) - to_micros(submitted_at)) AS d
          FROM cases
         WHERE submitted_at IS NOT NULL
           AND opened_at >= from_micros($1) AND opened_at < from_micros($2)) s
HAVING count(*) > 0
 ORDER BY 1
