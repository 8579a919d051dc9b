-- The one timestamp convention of sertel's SQL (docs/architecture.md, "SQL"): a timestamptz
-- crosses the boundary as exact microseconds since the Unix epoch (bigint), never through double
-- precision. Reads: to_micros(col) AS col_us; writes: from_micros($n). Both inline, so an index
-- on the column still serves a comparison with from_micros($n).
CREATE FUNCTION to_micros(t timestamptz) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT (extract(epoch FROM t) * 1000000)::bigint $$;

CREATE FUNCTION from_micros(us bigint) RETURNS timestamptz
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  AS $$ SELECT 'epoch'::timestamptz + us * interval '1 microsecond' $$;
