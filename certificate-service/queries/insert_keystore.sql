-- SOP step 6: the PKCS#12 sealed under the owner's passphrase (purged after the retention time).
INSERT INTO keystores (application_id, pkcs12, created_at)
VALUES ($1, $2, from_micros($3))
