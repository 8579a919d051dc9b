-- AuditChainer: how long this transaction waits for a lock before it gives up (SET LOCAL).
SELECT set_config('lock_timeout', $1, true)
