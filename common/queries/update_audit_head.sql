UPDATE audit_head SET last_seq = $1, last_hash = $2 WHERE id = 1
