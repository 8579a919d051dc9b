-- AuditLog::Append: the chain's head, locked until the appending transaction ends.
SELECT last_seq, last_hash FROM audit_head WHERE id = 1 FOR UPDATE
