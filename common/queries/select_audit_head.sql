SELECT last_seq, last_hash FROM audit_head WHERE id = 1
