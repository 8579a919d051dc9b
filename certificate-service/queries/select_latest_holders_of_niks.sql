-- CheckCertificate's snapshot after a change: the latest holder of each NIK in $1 (a text[]).
SELECT * FROM latest_holders WHERE holder_nik = ANY ($1::text[])
