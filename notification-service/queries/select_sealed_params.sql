-- The sealed secret parameters of a claimed message (empty when it has none).
SELECT COALESCE(sealed_params, ''::bytea) AS sealed_params FROM notifications WHERE id = $1::uuid
