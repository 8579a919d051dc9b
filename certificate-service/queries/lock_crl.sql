-- The CRL row, locked first so that CRL numbers and dates never go backwards.
SELECT crl_number, to_micros(this_update) AS this_update_us FROM crl WHERE id = 1 FOR UPDATE
