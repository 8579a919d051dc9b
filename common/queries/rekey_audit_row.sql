-- AuditLog::KeyLegacyChain: one row's links under the service's key.
UPDATE audit_log SET prev_hash = $2, hash = $3 WHERE seq = $1
