-- An enrollment's timeline, oldest first.
SELECT step, action, actor_sub, actor_role, note, to_micros(at) AS at_us,
       duration_ms * 1000 AS duration_us
FROM enrollment_timeline
WHERE application_id = $1
ORDER BY id
