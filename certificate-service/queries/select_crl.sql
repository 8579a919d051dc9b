-- The current DER CRL; no row before the first one was made.
SELECT der FROM crl WHERE id = 1
