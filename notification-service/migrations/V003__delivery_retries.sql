-- A permanent failure is repairable (issue 15): an operator may put a FAILED message back to
-- QUEUED (OutboxAdminService.RetryOutboxMessage) once the cause is fixed. `retries` counts how
-- often; each retry starts a new round of attempts (attempts count from 1 again), so a delivery
-- attempt is numbered within its round and no earlier attempt is overwritten or lost.
ALTER TABLE notifications ADD COLUMN retries integer NOT NULL DEFAULT 0;
ALTER TABLE delivery_attempts ADD COLUMN retry_round integer NOT NULL DEFAULT 0;
ALTER TABLE delivery_attempts DROP CONSTRAINT delivery_attempts_pkey;
ALTER TABLE delivery_attempts ADD PRIMARY KEY (notification_id, retry_round, attempt);
-- The FAILED messages of an application (attention), listed for an operator, and their count
-- (the sertel_outbox_dead_rows gauge).
CREATE INDEX notifications_failed ON notifications (application_id, seq DESC)
  WHERE status = 'FAILED';
