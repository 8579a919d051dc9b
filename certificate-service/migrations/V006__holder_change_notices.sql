-- certificate-service, issue 22: CheckCertificate answers from memory (certificate_snapshot.h).
-- Every change a snapshot must see - a certificate issued or revoked, an enrollment started
-- (the latest holder of a NIK) - sends the NIK on the channel <schema>_holders from the same
-- transaction (PostgreSQL delivers it at commit, once per NIK per transaction). Triggers, so
-- that no writer can forget it; an expiry reminder or a keystore purge does not notify.
CREATE FUNCTION notify_holder_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  PERFORM pg_notify(TG_TABLE_SCHEMA || '_holders', NEW.nik);
  RETURN NULL;
END
$$;

CREATE TRIGGER certificates_notify_holder
  AFTER INSERT OR UPDATE OF revoked_at, revocation_reason ON certificates
  FOR EACH ROW EXECUTE FUNCTION notify_holder_change();

CREATE TRIGGER enrollments_notify_holder
  AFTER INSERT ON enrollments
  FOR EACH ROW EXECUTE FUNCTION notify_holder_change();
