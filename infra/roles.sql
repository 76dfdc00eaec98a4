-- Guichet Clauses — database roles, for DBAs who prefer psql over
-- `guichet db create-roles`. Same result; idempotent (safe to re-run, re-applies
-- the passwords and the grants).
--
-- Mirrors saas/dbroles.py. Run as a superuser, connected to any database other than guichet:
--   psql "postgresql://postgres@HOST:5432/postgres" \
--        -v owner_password='...' -v app_password='...' -f infra/roles.sql
--
-- guichet_owner : owns the database and schema, runs the migrations. Not a
--                 superuser and no BYPASSRLS: the tables use FORCE ROW LEVEL
--                 SECURITY, so even the owner is filtered by the policies.
-- guichet_app   : used by web and worker. Owns nothing and cannot bypass RLS:
--                 every row it sees is filtered on app.tenant_id.
--
-- Note: passwords are sent in clear to the server (ALTER ROLE ... PASSWORD);
-- avoid log_statement = 'ddl'/'all' while running this, or set them afterwards
-- with psql's \password.

\set ON_ERROR_STOP on

\if :{?owner_password}
\else
  \echo 'missing: -v owner_password=...'
  SELECT 1 / 0 AS missing_owner_password;
\endif
\if :{?app_password}
\else
  \echo 'missing: -v app_password=...'
  SELECT 1 / 0 AS missing_app_password;
\endif

-- 1. Roles ------------------------------------------------------------------
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'guichet_owner') THEN
    CREATE ROLE guichet_owner;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'guichet_app') THEN
    CREATE ROLE guichet_app;
  END IF;
END
$$;

-- Attributes and passwords are (re)applied on every run.
ALTER ROLE guichet_owner WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT
  PASSWORD :'owner_password';
ALTER ROLE guichet_app WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT
  PASSWORD :'app_password';

-- 2. Database (CREATE DATABASE cannot run inside a DO block or a transaction) -
SELECT 'CREATE DATABASE guichet OWNER guichet_owner ENCODING ''UTF8'' TEMPLATE template0'
WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = 'guichet')
\gexec
ALTER DATABASE guichet OWNER TO guichet_owner;
REVOKE ALL ON DATABASE guichet FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE guichet TO guichet_app;
GRANT ALL ON DATABASE guichet TO guichet_owner;

-- 3. Schema and privileges, inside the guichet database ---------------------
\connect guichet

ALTER SCHEMA public OWNER TO guichet_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO guichet_app;

-- Objects the owner creates later (i.e. every migration) are usable by the app.
ALTER DEFAULT PRIVILEGES FOR ROLE guichet_owner IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO guichet_app;
ALTER DEFAULT PRIVILEGES FOR ROLE guichet_owner IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO guichet_app;

-- Objects that already exist (when re-run after migrations).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO guichet_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO guichet_app;

-- Accent-insensitive search (the migrations add the IMMUTABLE wrapper f_unaccent).
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;

-- 4. Optional: a backup role. pg_dump must read every row, which FORCE ROW
--    LEVEL SECURITY forbids to both roles above; use the postgres superuser, or:
-- CREATE ROLE guichet_backup LOGIN BYPASSRLS PASSWORD '...';
-- GRANT pg_read_all_data TO guichet_backup;
-- GRANT CONNECT ON DATABASE guichet TO guichet_backup;
