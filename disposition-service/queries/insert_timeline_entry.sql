-- One entry of a case's timeline: who acted at which step, and how long the case waited there
-- (microseconds) against the SOP's standard time.
INSERT INTO case_timeline (application_id, step, action, actor_sub, actor_role, note, at,
                           duration_us, standard_us, within_standard, counts_for_sla)
VALUES ($1, $2, $3, $4, $5, $6, from_micros($7), $8, $9, $10, $11)
