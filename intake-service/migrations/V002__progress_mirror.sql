-- Issue 15: intake mirrors how far each application went after step 1, from the reports that
-- disposition (the case, steps 2-5) and certificate (the enrollment, steps 5-7) send through
-- their outboxes (IntakeService.RecordProgress): the latest report per source, applied in
-- version order, and the status across the seven steps derived from them (sop_status.cc's
-- Merge). ListApplications filters and shows that status without asking anyone per row, and a
-- person has at most one open application.
ALTER TABLE applications
  ADD COLUMN case_status text
      CHECK (case_status IN ('IN_REVIEW', 'RETURNED', 'REJECTED', 'SENT_TO_CA', 'WITHDRAWN')),
  ADD COLUMN case_step smallint CHECK (case_step BETWEEN 1 AND 7),
  ADD COLUMN case_version bigint NOT NULL DEFAULT 0,
  ADD COLUMN case_reported_at timestamptz,
  ADD COLUMN enrollment_status text
      CHECK (enrollment_status IN ('AWAITING_PASSPHRASE', 'ISSUED', 'HANDED_OVER', 'REVOKED')),
  ADD COLUMN enrollment_step smallint CHECK (enrollment_step BETWEEN 1 AND 7),
  ADD COLUMN enrollment_version bigint NOT NULL DEFAULT 0,
  ADD COLUMN enrollment_reported_at timestamptz,
  -- Derived from intake's own status and the two reports; written with every change.
  ADD COLUMN sop_status text NOT NULL DEFAULT 'SUBMITTED'
      CHECK (sop_status IN ('SUBMITTED', 'IN_REVIEW', 'RETURNED', 'REJECTED', 'WITHDRAWN',
                            'SENT_TO_CA', 'AWAITING_PASSPHRASE', 'ISSUED', 'HANDED_OVER',
                            'REVOKED')),
  ADD COLUMN current_step smallint NOT NULL DEFAULT 1 CHECK (current_step BETWEEN 1 AND 7),
  -- Whether the mirror has followed the application since its submission. Applications
  -- submitted before this migration have no reports yet (their status downstream is unknown
  -- here), so the one-open-application rule does not count them.
  ADD COLUMN mirror_complete boolean NOT NULL DEFAULT false;
ALTER TABLE applications ALTER COLUMN mirror_complete SET DEFAULT true;
UPDATE applications SET sop_status = status;

-- One open application per person: not yet REJECTED, WITHDRAWN, HANDED_OVER or REVOKED. The
-- index is the rule (two concurrent submissions: one wins, the other's insert does nothing).
CREATE UNIQUE INDEX applications_one_open_per_nik ON applications (nik)
  WHERE mirror_complete
    AND sop_status IN ('SUBMITTED', 'IN_REVIEW', 'RETURNED', 'SENT_TO_CA', 'AWAITING_PASSPHRASE',
                       'ISSUED');
-- ListApplications filtered on the status across the SOP: newest first, keyset.
CREATE INDEX applications_by_sop_status ON applications (sop_status, created_at DESC, id DESC);

-- ResubmitDocuments' idempotency keys: the same key again answers without a new version or a
-- second ResumeCase; the same key with another payload is ALREADY_EXISTS.
CREATE TABLE resubmission_requests (
  request_id     text        PRIMARY KEY,
  application_id uuid        NOT NULL REFERENCES applications (id),
  request_hash   text        NOT NULL,  -- SHA-256 of the canonical resubmission
  resubmission   integer     NOT NULL,  -- which resubmission it made (1, 2, ...)
  created_at     timestamptz NOT NULL
);
