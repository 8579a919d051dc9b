-- The sertel_outbox_dead_rows gauge: an index-only count over outbox_dead_by_application.
SELECT count(*) AS dead FROM outbox WHERE status = 'DEAD'
