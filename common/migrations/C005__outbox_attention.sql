-- A permanent failure is loud and repairable (issue 15): an outbox row knows the application it
-- is about, so a DEAD row marks that application (common/outbox_attention.h); it records when it
-- was given up or delivered, and how many times an operator put it back to PENDING
-- (OutboxAdminService.RetryOutboxMessage). Rows written before this migration have no
-- application_id; a DEAD one of them is still listed and retried, it only marks nothing.
ALTER TABLE outbox
  ADD COLUMN application_id text,
  ADD COLUMN retries        integer NOT NULL DEFAULT 0,
  ADD COLUMN finished_at    timestamptz;
UPDATE outbox SET finished_at = delivered_at WHERE status = 'DELIVERED';
UPDATE outbox SET finished_at = next_attempt_at WHERE status = 'DEAD';
-- The newest DEAD row of an application (attention), the DEAD rows listed for an operator and
-- their count (the sertel_outbox_dead_rows gauge): all from this small partial index.
CREATE INDEX outbox_dead_by_application ON outbox (application_id, finished_at DESC, id DESC)
  WHERE status = 'DEAD';
