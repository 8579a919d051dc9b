-- AuditLog::Append: the new head; every row from now on is keyed.
UPDATE audit_head SET last_seq = $1, last_hash = $2, keyed = true WHERE id = 1
