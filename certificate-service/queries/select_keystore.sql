-- The sealed PKCS#12 of an application; no row once purged.
SELECT pkcs12 FROM keystores WHERE application_id = $1
