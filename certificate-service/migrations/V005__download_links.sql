-- certificate-service, issue 18.
-- The one-time links of a handover by WhatsApp (or by email without attachment): the link
-- carries a random 256-bit token; only its SHA-256 is kept. A link gives the sealed PKCS#12 once
-- (used_at, with the address and user agent of that download, also in the audit chain), until
-- expires_at; a new handover or a revocation ends the links still open (revoked_at).
CREATE TABLE download_links (
  token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
  application_id text NOT NULL,
  serial text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
  used_at timestamptz,
  used_from text,
  used_user_agent text,
  revoked_at timestamptz
);

-- The links still open for an application (ended by a new handover or a revocation).
CREATE INDEX download_links_open ON download_links (application_id)
  WHERE used_at IS NULL AND revoked_at IS NULL;
