-- One step of an enrollment's timeline. The duration crosses as microseconds; the column keeps
-- the milliseconds V001 gave it.
INSERT INTO enrollment_timeline (application_id, step, action, actor_sub, actor_role, note, at,
                                 duration_ms)
VALUES ($1, $2, $3, $4, $5, $6, from_micros($7), $8::bigint / 1000)
