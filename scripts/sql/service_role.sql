-- One service's PostgreSQL role and schema (least privilege, docs/security.md): the role
-- sertel_<service> logs in, owns the schema <service> and everything in it, and has no right
-- on any other service's schema (a schema is private to its owner unless USAGE is granted,
-- and nothing here grants it). The service migrates its schema as that owner.
-- Run as a superuser (or the database owner) with psql:
--   SERTEL_ROLE_PASSWORD=... psql "$ADMIN_URL" -v ON_ERROR_STOP=1 -v service=intake -f service_role.sql
-- Idempotent. On a database from before per-service roles it hands the schema's existing
-- objects to the role.
SET client_min_messages = warning;
\getenv password SERTEL_ROLE_PASSWORD
\set role sertel_:service

SELECT format('CREATE ROLE %I LOGIN', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L',
              :'role', :'password') \gexec
-- No role may create objects in public (PostgreSQL 15's default; said again for older ones).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

SELECT format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', :'service', :'role') \gexec
SELECT format('ALTER SCHEMA %I OWNER TO %I', :'service', :'role') \gexec
SELECT format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', :'service') \gexec

-- Objects an earlier, shared role made: tables (with their owned sequences), free-standing
-- sequences, views and functions.
SELECT format('ALTER TABLE %I.%I OWNER TO %I', schemaname, tablename, :'role')
  FROM pg_tables WHERE schemaname = :'service' AND tableowner <> :'role' \gexec
SELECT format('ALTER SEQUENCE %I.%I OWNER TO %I', s.schemaname, s.sequencename, :'role')
  FROM pg_sequences s
 WHERE s.schemaname = :'service' AND s.sequenceowner <> :'role'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.objid = format('%I.%I', s.schemaname, s.sequencename)::regclass
                      AND d.deptype IN ('a', 'i')) \gexec
SELECT format('ALTER VIEW %I.%I OWNER TO %I', schemaname, viewname, :'role')
  FROM pg_views WHERE schemaname = :'service' AND viewowner <> :'role' \gexec
SELECT format('ALTER ROUTINE %s OWNER TO %I', p.oid::regprocedure, :'role')
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = :'service' AND pg_get_userbyid(p.proowner) <> :'role' \gexec
