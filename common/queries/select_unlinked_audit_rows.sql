-- AuditLog::ChainPending and Verify: unlinked rows after id $1, in the order they were written.
SELECT id, at_micros, actor_sub, actor_role, action, entity_type, entity_id, details, nonce,
       row_mac
FROM audit_log
WHERE seq IS NULL AND id > $1
ORDER BY id
LIMIT $2
