-- AuditChainer: whether (and how many) rows wait to be linked (the partial index audit_log_unlinked).
SELECT count(*) AS unlinked FROM audit_log WHERE seq IS NULL
