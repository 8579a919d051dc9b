-- SOP step 1: the application, its applicant and its four documents (every version kept).
CREATE TABLE applications (
  id                 uuid        PRIMARY KEY,
  request_id         text        NOT NULL UNIQUE,   -- the caller's idempotency key
  request_hash       text        NOT NULL,          -- SHA-256 of the canonical request payload
  nik                text        NOT NULL,
  nip                text        NOT NULL,
  full_name          text        NOT NULL,
  email              text        NOT NULL,
  phone              text        NOT NULL,
  unit               text        NOT NULL,
  position           text        NOT NULL,
  note               text        NOT NULL DEFAULT '',
  -- intake's own view; the rest of the SOP's statuses come from disposition and certificate
  status             text        NOT NULL CHECK (status IN ('SUBMITTED', 'WITHDRAWN')),
  resubmissions      integer     NOT NULL DEFAULT 0,
  last_resubmit_key  text,
  last_resubmitted_at timestamptz,
  withdraw_reason    text,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL
);
-- ListApplications: newest first, keyset over (created_at, id).
CREATE INDEX applications_newest ON applications (created_at DESC, id DESC);
CREATE INDEX applications_by_nik ON applications (nik, created_at DESC, id DESC);
CREATE INDEX applications_by_unit ON applications (unit, created_at DESC, id DESC);

CREATE TABLE documents (
  application_id uuid        NOT NULL REFERENCES applications (id),
  kind           smallint    NOT NULL CHECK (kind BETWEEN 1 AND 4),
  version        integer     NOT NULL CHECK (version >= 1),
  filename       text        NOT NULL,
  content_type   text        NOT NULL,
  content        bytea       NOT NULL,
  sha256         text        NOT NULL,
  size_bytes     bigint      NOT NULL,
  uploaded_at    timestamptz NOT NULL,
  PRIMARY KEY (application_id, kind, version)
);

-- Intake's own part of the timeline (step 1: submitted, resubmitted, withdrawn).
CREATE TABLE application_timeline (
  id             bigserial   PRIMARY KEY,
  application_id uuid        NOT NULL REFERENCES applications (id),
  step           smallint    NOT NULL,
  action         text        NOT NULL,
  actor_sub      text        NOT NULL,
  actor_role     text        NOT NULL,
  note           text        NOT NULL DEFAULT '',
  at             timestamptz NOT NULL
);
CREATE INDEX application_timeline_app ON application_timeline (application_id, id);
