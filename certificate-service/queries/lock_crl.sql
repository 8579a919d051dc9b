-- The CRL row, locked first so that CRL numbers never go backwards.
SELECT crl_number FROM crl WHERE id = 1 FOR UPDATE
