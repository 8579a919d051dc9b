-- CheckCertificate's snapshot, a full reload: the holder of each NIK's latest enrollment (an
-- unknown certificate is compared with the person it claims to be).
SELECT DISTINCT ON (nik)
       nik AS holder_nik, nip AS holder_nip, full_name AS holder_full_name,
       email AS holder_email, phone AS holder_phone, unit AS holder_unit,
       position AS holder_position, certificate_ou AS holder_certificate_ou
FROM enrollments
ORDER BY nik, created_at DESC
