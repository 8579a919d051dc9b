-- AuditLog::Append and KeyLegacyChain: the chain's head, locked until the transaction ends.
SELECT last_seq, last_hash, keyed FROM audit_head WHERE id = 1 FOR UPDATE
