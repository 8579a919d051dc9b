-- ServiceRuntime: the key that signs this service's page tokens (C004__page_token_key.sql).
SELECT key FROM page_token_key WHERE id = 1
