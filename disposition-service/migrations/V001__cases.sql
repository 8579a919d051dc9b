-- disposition-service: SOP steps 2-5. One case per intake application, its disposition
-- timeline (who acted at which step, how long the case waited there against the SOP's standard
-- time) and the request ids that make OpenCase/ResumeCase/WithdrawCase idempotent.
CREATE TABLE cases (
  application_id      text        PRIMARY KEY,
  status              text        NOT NULL
                      CHECK (status IN ('IN_REVIEW', 'RETURNED', 'REJECTED', 'SENT_TO_CA',
                                        'WITHDRAWN')),
  -- SOP steps 2 (head of agency) .. 5 (verifier): the step waiting to act, or the step that
  -- returned / rejected / sent the case.
  current_step        smallint    NOT NULL CHECK (current_step BETWEEN 2 AND 5),
  version             bigint      NOT NULL CHECK (version >= 1),
  opened_at           timestamptz NOT NULL,
  step_entered_at     timestamptz NOT NULL,
  submitted_at        timestamptz,
  applicant_nik       text        NOT NULL,
  applicant_nip       text        NOT NULL,
  applicant_full_name text        NOT NULL,
  applicant_email     text        NOT NULL,
  applicant_phone     text        NOT NULL,
  applicant_unit      text        NOT NULL,
  applicant_position  text        NOT NULL,
  return_reason       text        NOT NULL DEFAULT '',
  missing_documents   text        NOT NULL DEFAULT '',   -- "KTP_COPY,SK_COPY"
  -- SOP step 5: every checklist item confirmed by the verifier (Verify requires all of them).
  checklist_confirmed boolean     NOT NULL DEFAULT false,
  updated_at          timestamptz NOT NULL
);

-- The inboxes (ListInbox): cases waiting at one step, oldest arrival first, keyset-paged. Partial,
-- so that closed cases (the vast majority after a while) are not in it at all: the index stays
-- as small as the open work, however many cases the table holds. See
-- docs/disposition-inbox-plan.md.
CREATE INDEX cases_inbox ON cases (current_step, step_entered_at, application_id)
  WHERE status = 'IN_REVIEW';

CREATE TABLE case_timeline (
  id                bigserial   PRIMARY KEY,
  application_id    text        NOT NULL REFERENCES cases (application_id),
  step              smallint    NOT NULL CHECK (step BETWEEN 1 AND 7),
  action            text        NOT NULL,
  actor_sub         text        NOT NULL,
  actor_role        text        NOT NULL,
  note              text        NOT NULL DEFAULT '',
  at                timestamptz NOT NULL,
  duration_us       bigint      NOT NULL CHECK (duration_us >= 0),
  standard_us       bigint      NOT NULL,
  within_standard   boolean     NOT NULL,
  -- An official's action at the step (FORWARDED, VERIFIED, RETURNED, REJECTED): its duration is
  -- the step's waiting time and counts for the SLA report. Service entries (OPENED, RESUMED,
  -- WITHDRAWN) do not.
  counts_for_sla    boolean     NOT NULL
);
CREATE INDEX case_timeline_case ON case_timeline (application_id, id);
CREATE INDEX case_timeline_sla ON case_timeline (at, step) WHERE counts_for_sla;

CREATE TABLE case_requests (
  request_id     text        PRIMARY KEY,
  application_id text        NOT NULL REFERENCES cases (application_id),
  kind           text        NOT NULL,     -- OPEN, RESUME, WITHDRAW
  created_at     timestamptz NOT NULL DEFAULT now()
);
