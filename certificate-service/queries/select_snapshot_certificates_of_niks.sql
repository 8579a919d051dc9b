-- CheckCertificate's snapshot after a change: the certificates of the NIKs in $1 (a text[]).
SELECT * FROM snapshot_certificates WHERE nik = ANY ($1::text[])
