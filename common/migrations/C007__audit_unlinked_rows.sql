-- Issue 22: appends no longer serialize on the chain head. A state change's transaction writes
-- its audit row unlinked (seq, prev_hash and hash NULL) with a random nonce and a row MAC,
-- HMAC-SHA-256 under the service's audit key over the nonce and the row's content
-- (AuditLog::PendingCanonical). Right after commit a single chainer (AuditChainer; one at a
-- time across replicas, it locks audit_head) checks each unlinked row's MAC and links the rows
-- in the order they were written (id): seq, prev_hash and hash as before, so the linked chain,
-- its checkpoints and the offline verifier are unchanged. Verify walks the linked chain, then
-- checks every unlinked row's MAC and that none waits longer than the bound.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_pkey;
ALTER TABLE audit_log ADD COLUMN id bigserial;
ALTER TABLE audit_log ADD PRIMARY KEY (id);
ALTER TABLE audit_log ALTER COLUMN seq DROP NOT NULL,
                      ALTER COLUMN prev_hash DROP NOT NULL,
                      ALTER COLUMN hash DROP NOT NULL;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_seq_unique UNIQUE (seq);
ALTER TABLE audit_log ADD COLUMN nonce bytea UNIQUE, ADD COLUMN row_mac bytea;
-- Linked rows have all three links; unlinked ones a nonce and a MAC (rows from before this
-- migration are all linked).
ALTER TABLE audit_log ADD CONSTRAINT audit_log_linked_or_signed CHECK (
  (seq IS NOT NULL AND prev_hash IS NOT NULL AND hash IS NOT NULL)
  OR (seq IS NULL AND prev_hash IS NULL AND hash IS NULL AND nonce IS NOT NULL
      AND row_mac IS NOT NULL));
CREATE INDEX audit_log_unlinked ON audit_log (id) WHERE seq IS NULL;
