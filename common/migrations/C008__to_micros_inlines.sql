-- Issue 22's profile: to_micros (C003) was declared IMMUTABLE, but extract(epoch FROM
-- timestamptz) is only STABLE, so PostgreSQL never inlined it. Every call ran as a separate SQL
-- function whose body was parsed and planned again on each execution of the statement that
-- called it (8x the cost of the inlined expression over 100 000 rows, and base_yyparse in
-- every read's profile). Declared STABLE, as its body is, it inlines: the statement then holds
-- the expression itself. No index or stored column uses it.
CREATE OR REPLACE FUNCTION to_micros(t timestamptz) RETURNS bigint
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  AS $$ SELECT (extract(epoch FROM t) * 1000000)::bigint $$;
