-- Deploy pulse:health_report to pg
-- requires: schemas

BEGIN;

CREATE TYPE app.health_report AS (
  database_ok boolean,
  server_version text,
  deployed_changes integer,
  last_change text,
  last_deployed_at timestamptz,
  checked_at timestamptz
);

COMMENT ON TYPE app.health_report IS 'What app.health() reports: reachability, server version and migration state.';
COMMENT ON COLUMN app.health_report.database_ok IS 'True when the database answered the check.';
COMMENT ON COLUMN app.health_report.server_version IS 'PostgreSQL server version, e.g. 15.8.';
COMMENT ON COLUMN app.health_report.deployed_changes IS 'How many migration changes are deployed.';
COMMENT ON COLUMN app.health_report.last_change IS 'Name of the most recently deployed migration change.';
COMMENT ON COLUMN app.health_report.last_deployed_at IS 'When the most recent migration change was deployed.';
COMMENT ON COLUMN app.health_report.checked_at IS 'Server time of the check.';

COMMIT;
