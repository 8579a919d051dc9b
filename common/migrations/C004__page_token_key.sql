-- The key that signs this service's page tokens (common/page_token.h). Made once, from
-- PostgreSQL's strong random source, and shared by every replica. It only keeps callers from
-- editing a cursor; a list is still filtered by the caller's rights on every page.
CREATE TABLE page_token_key (
  id  smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  key bytea    NOT NULL CHECK (length(key) = 32)
);
INSERT INTO page_token_key (key)
  SELECT sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text
                           || clock_timestamp()::text, 'UTF8'));
