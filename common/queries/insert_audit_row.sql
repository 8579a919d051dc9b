INSERT INTO audit_log
  (seq, at_micros, actor_sub, actor_role, action, entity_type, entity_id, details, prev_hash, hash)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
