-- One PostgreSQL server, five databases: each service owns its own and nothing else
-- (ARCHITECTURE.md, "Database per service"). Each database has its own login role, and
-- no other role may connect to it, so a service cannot read another service's tables
-- even by mistake.
--
-- Run once, by the postgres image, when its data volume is empty
-- (/docker-entrypoint-initdb.d). To run it by hand against a server you manage:
--     psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -f deploy/postgres/init.sql
--
-- LOCAL DEVELOPMENT PASSWORDS ONLY. They match the DATABASE_URLs in deploy/compose.yaml.
-- Anywhere else, create the roles with passwords from your secret store.

CREATE ROLE waymark_directory LOGIN PASSWORD 'directory-dev-only';
CREATE ROLE waymark_audit LOGIN PASSWORD 'audit-dev-only';
CREATE ROLE waymark_planner LOGIN PASSWORD 'planner-dev-only';
CREATE ROLE waymark_destinations LOGIN PASSWORD 'destinations-dev-only';
CREATE ROLE waymark_reporting LOGIN PASSWORD 'reporting-dev-only';

CREATE DATABASE waymark_directory OWNER waymark_directory;
CREATE DATABASE waymark_audit OWNER waymark_audit;
CREATE DATABASE waymark_planner OWNER waymark_planner;
CREATE DATABASE waymark_destinations OWNER waymark_destinations;
CREATE DATABASE waymark_reporting OWNER waymark_reporting;

-- PostgreSQL lets every role connect to every database by default; the owner (and
-- superusers) keep their rights.
REVOKE ALL ON DATABASE waymark_directory FROM PUBLIC;
REVOKE ALL ON DATABASE waymark_audit FROM PUBLIC;
REVOKE ALL ON DATABASE waymark_planner FROM PUBLIC;
REVOKE ALL ON DATABASE waymark_destinations FROM PUBLIC;
REVOKE ALL ON DATABASE waymark_reporting FROM PUBLIC;
