-- The current CRL (one row).
INSERT INTO crl (id, crl_number, der, this_update, next_update)
VALUES (1, $1, $2, from_micros($3), from_micros($4))
ON CONFLICT (id) DO UPDATE
SET crl_number = EXCLUDED.crl_number, der = EXCLUDED.der, this_update = EXCLUDED.this_update,
    next_update = EXCLUDED.next_update
