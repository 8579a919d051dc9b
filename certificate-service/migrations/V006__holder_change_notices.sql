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

-- What the snapshot reads (CertificateStore::LoadSnapshotRows): every certificate with the holder
-- its enrollment names (without the PEM: the caller of a check holds the certificate), and the
-- holder of each NIK's latest enrollment (an unknown certificate is compared with the person it
-- claims to be).
CREATE VIEW snapshot_certificates AS
SELECT c.serial, c.application_id, c.nik, c.full_name, c.email, c.unit, c.subject,
       to_micros(c.not_before) AS not_before_us, to_micros(c.not_after) AS not_after_us,
       c.sha256_fingerprint, '' AS certificate_pem, c.key_algorithm,
       to_micros(c.issued_at) AS issued_at_us, to_micros(c.revoked_at) AS revoked_at_us,
       coalesce(c.revocation_reason, 0) AS revocation_reason, c.proof_of_use::text AS proof_of_use,
       e.nik AS holder_nik, e.nip AS holder_nip, e.full_name AS holder_full_name,
       e.email AS holder_email, e.phone AS holder_phone, e.unit AS holder_unit,
       e.position AS holder_position, e.certificate_ou AS holder_certificate_ou
FROM certificates c
JOIN enrollments e ON e.application_id = c.application_id;

CREATE VIEW latest_holders AS
SELECT DISTINCT ON (nik)
       nik AS holder_nik, nip AS holder_nip, full_name AS holder_full_name,
       email AS holder_email, phone AS holder_phone, unit AS holder_unit,
       position AS holder_position, certificate_ou AS holder_certificate_ou
FROM enrollments
ORDER BY nik, created_at DESC;
