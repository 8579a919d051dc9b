-- CheckCertificate's snapshot, after a change: the holder of the latest enrollment of each NIK in
-- $1 (a text[]), as select_latest_holders.
SELECT DISTINCT ON (nik)
       nik AS holder_nik, nip AS holder_nip, full_name AS holder_full_name,
       email AS holder_email, phone AS holder_phone, unit AS holder_unit,
       position AS holder_position, certificate_ou AS holder_certificate_ou
FROM enrollments
WHERE nik = ANY ($1::text[])
ORDER BY nik, created_at DESC
