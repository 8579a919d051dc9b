-- CheckCertificate's snapshot (certificate_snapshot.h), a full reload (the view: migration V006).
SELECT * FROM snapshot_certificates
