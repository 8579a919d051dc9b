-- Issue 16: the chain is keyed, HMAC-SHA-256 under the service's own key (a file or Secret,
-- never in the database), so a database writer can no longer recompute it. A chain written
-- before (SHA-256) is re-keyed once by the service at start (AuditLog::KeyLegacyChain), after it
-- verified; from then on the head says `keyed` and every row is keyed.
ALTER TABLE audit_head ADD COLUMN keyed boolean NOT NULL DEFAULT false;
