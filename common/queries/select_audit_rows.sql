-- AuditLog::Verify: one page of the chain after seq $1, in order.
SELECT seq, at_micros, actor_sub, actor_role, action, entity_type, entity_id, details, nonce,
       prev_hash, hash
FROM audit_log
WHERE seq > $1
ORDER BY seq
LIMIT $2
