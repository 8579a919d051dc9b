-- AuditLog::ChainPending: one unlinked row takes its place in the chain.
UPDATE audit_log SET seq = $2, prev_hash = $3, hash = $4 WHERE id = $1 AND seq IS NULL
