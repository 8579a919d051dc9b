-- certificate-service, issue 15.
-- The unit's name as it goes into the certificate's subject OU (intake's unit registry,
-- Applicant.certificate_ou); `unit` now holds the unit's code. Older rows keep their unit name,
-- which was their OU.
ALTER TABLE enrollments ADD COLUMN certificate_ou text NOT NULL DEFAULT '';
UPDATE enrollments SET certificate_ou = unit;

-- Idempotency keys of SetPassphrase, HandOver, RevokeCertificate and ResendActivationCode
-- (request_id), scoped per RPC, written in the transaction of the change they made. Only a keyed
-- hash of the request is kept (HMAC-SHA256 under request_hash_key): a SetPassphrase request
-- holds a passphrase and an activation code, neither of which is ever stored. A SetPassphrase
-- claims its key (CLAIMED) while it issues outside any transaction, so that the same request
-- arriving twice issues once; the claim becomes DONE with the issuance.
CREATE TABLE request_keys (
  rpc            text        NOT NULL,
  request_id     text        NOT NULL,
  request_hash   bytea       NOT NULL CHECK (length(request_hash) = 32),
  application_id text        NOT NULL REFERENCES enrollments (application_id),
  state          text        NOT NULL CHECK (state IN ('CLAIMED', 'DONE')),
  claim          text        NOT NULL DEFAULT '',
  claimed_at     timestamptz NOT NULL,
  PRIMARY KEY (rpc, request_id)
);
CREATE INDEX request_keys_app ON request_keys (application_id);

-- The key of those hashes, made once from PostgreSQL's strong random source and shared by every
-- replica (as common's page_token_key).
CREATE TABLE request_hash_key (
  id  smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  key bytea    NOT NULL CHECK (length(key) = 32)
);
INSERT INTO request_hash_key (key)
  SELECT sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text
                           || clock_timestamp()::text, 'UTF8'));
