-- The tamper-evident audit chain (architecture.md): every state change appends a row whose hash
-- covers the previous row's hash and this row's canonical form. audit_head holds the last hash,
-- so appends serialize on one row lock and a deleted tail is detected.
CREATE TABLE audit_log (
  seq         bigint PRIMARY KEY,
  at_micros   bigint NOT NULL,                   -- Unix time in microseconds
  actor_sub   text   NOT NULL,
  actor_role  text   NOT NULL,
  action      text   NOT NULL,
  entity_type text   NOT NULL,
  entity_id   text   NOT NULL,
  details     text   NOT NULL,                   -- canonical JSON; never a secret
  prev_hash   bytea  NOT NULL,
  hash        bytea  NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id, seq);
CREATE TABLE audit_head (
  id        integer PRIMARY KEY CHECK (id = 1),
  last_seq  bigint  NOT NULL,
  last_hash bytea   NOT NULL
);
INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));
