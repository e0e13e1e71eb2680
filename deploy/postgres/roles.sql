-- Least privilege for PostgreSQL (issue 19). Run as the superuser: on first start by init-roles.sh, by hand after
-- a restore or when upgrading an installation whose API ran as the superuser (RUNBOOK.md §3). Safe to re-run.
-- psql variables: owner_password, app_password.
--   iop_owner  owns database iop and every table in it; only the migration step (--migrate) connects as it.
--   iop_api    the API: owns nothing, no superuser, so it cannot disable the audit and note-lock triggers
--              (ALTER TABLE ... DISABLE TRIGGER needs the owner, SET session_replication_role the superuser);
--              --migrate grants it row access table by table, without UPDATE/DELETE on the audit tables.
SELECT format('CREATE ROLE iop_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L', :'owner_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'iop_owner') \gexec
SELECT format('CREATE ROLE iop_api LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L', :'app_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'iop_api') \gexec
ALTER ROLE iop_owner PASSWORD :'owner_password';
ALTER ROLE iop_api PASSWORD :'app_password';
SELECT 'CREATE DATABASE iop OWNER iop_owner' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'iop') \gexec
ALTER DATABASE iop OWNER TO iop_owner;
\connect iop
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO iop_owner;
-- An installation whose tables the superuser created: hand them (and Hangfire's schema) to the owner.
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT format('ALTER TABLE %I.%I OWNER TO iop_owner', schemaname, tablename) AS cmd
             FROM pg_tables WHERE schemaname IN ('public', 'hangfire') AND tableowner <> 'iop_owner' LOOP
        EXECUTE r.cmd;
    END LOOP;
    FOR r IN SELECT format('ALTER FUNCTION %s OWNER TO iop_owner', p.oid::regprocedure) AS cmd
             FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname IN ('public', 'hangfire') AND p.proowner <> 'iop_owner'::regrole LOOP
        EXECUTE r.cmd;
    END LOOP;
    IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'hangfire') THEN
        EXECUTE 'ALTER SCHEMA hangfire OWNER TO iop_owner';
    END IF;
END
$$;
