SELECT last_seq, last_hash, keyed FROM audit_head WHERE id = 1
