-- One entry of intake's part of the timeline (step 1: submitted, resubmitted, withdrawn).
INSERT INTO application_timeline (application_id, step, action, actor_sub, actor_role, note, at)
VALUES ($1::uuid, $2, $3, $4, $5, $6, from_micros($7))
