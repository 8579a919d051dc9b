-- AuditLog::Append: an unlinked row (the chainer links it after commit).
INSERT INTO audit_log
  (at_micros, actor_sub, actor_role, action, entity_type, entity_id, details, nonce, row_mac)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
