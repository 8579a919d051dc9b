-- certificate-service: enrollments (SOP steps 5-7), their timeline, the issued certificates, the
-- sealed keystores (purged some time after handover) and the CRL. No passphrase, private key or
-- activation code in clear is ever stored: the code only as HMAC-SHA256, the key only inside
-- the PKCS#12 encrypted under the owner's passphrase.
CREATE TABLE enrollments (
  application_id             text PRIMARY KEY,
  request_id                 text NOT NULL,
  nik                        text NOT NULL,
  nip                        text NOT NULL,
  full_name                  text NOT NULL,
  email                      text NOT NULL,
  phone                      text NOT NULL,
  unit                       text NOT NULL,
  position                   text NOT NULL,
  status                     text NOT NULL CHECK (status IN
                               ('AWAITING_PASSPHRASE', 'ISSUED', 'HANDED_OVER', 'REVOKED')),
  version                    bigint NOT NULL DEFAULT 1,
  activation_hash            bytea,
  activation_expires_at      timestamptz,
  activation_attempts        integer NOT NULL DEFAULT 0,
  activation_codes_sent      integer NOT NULL DEFAULT 1,
  certificate_serial         text,
  handover_channel           integer NOT NULL DEFAULT 0,
  handed_over_at             timestamptz,
  issued_at                  timestamptz,
  created_at                 timestamptz NOT NULL,
  updated_at                 timestamptz NOT NULL
);
CREATE INDEX enrollments_nik ON enrollments (nik);
CREATE INDEX enrollments_status ON enrollments (status);

CREATE TABLE enrollment_timeline (
  id             bigserial PRIMARY KEY,
  application_id text NOT NULL REFERENCES enrollments (application_id),
  step           integer NOT NULL,
  action         text NOT NULL,
  actor_sub      text NOT NULL,
  actor_role     text NOT NULL,
  note           text NOT NULL DEFAULT '',
  at             timestamptz NOT NULL,
  duration_ms    bigint NOT NULL
);
CREATE INDEX enrollment_timeline_app ON enrollment_timeline (application_id, id);

CREATE TABLE certificates (
  serial                    text PRIMARY KEY,             -- lowercase hex, 128 random bits
  application_id            text NOT NULL UNIQUE REFERENCES enrollments (application_id),
  nik                       text NOT NULL,
  full_name                 text NOT NULL,
  email                     text NOT NULL,
  unit                      text NOT NULL,
  subject                   text NOT NULL,
  not_before                timestamptz NOT NULL,
  not_after                 timestamptz NOT NULL,
  sha256_fingerprint        text NOT NULL UNIQUE,
  certificate_pem           text NOT NULL,
  key_algorithm             text NOT NULL,
  issued_at                 timestamptz NOT NULL,
  revoked_at                timestamptz,
  revocation_reason         integer,                       -- RevocationReason enum number
  expiry_reminder_queued_at timestamptz
);
CREATE INDEX certificates_nik ON certificates (nik);
CREATE INDEX certificates_not_after ON certificates (not_after) WHERE revoked_at IS NULL;

-- The PKCS#12 sealed under the owner's passphrase; the row is deleted after the retention time.
CREATE TABLE keystores (
  application_id text PRIMARY KEY REFERENCES enrollments (application_id),
  pkcs12         bytea NOT NULL,
  created_at     timestamptz NOT NULL
);

-- The current CRL (one row), rebuilt in the revoking transaction.
CREATE TABLE crl (
  id          integer PRIMARY KEY CHECK (id = 1),
  crl_number  bigint NOT NULL,
  der         bytea NOT NULL,
  this_update timestamptz NOT NULL,
  next_update timestamptz NOT NULL
);
