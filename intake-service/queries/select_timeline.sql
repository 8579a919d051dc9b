-- Intake's timeline of one application, oldest first.
SELECT step, action, actor_sub, actor_role, note, to_micros(at) AS at_us
FROM application_timeline
WHERE application_id = $1::uuid
ORDER BY id
