-- Deploy pulse:platform/partitions to pg
-- requires: audit/activity_retention
-- requires: collaboration/notifications_tenant

BEGIN;

-- pg_partman manages the time partitions of the append-heavy tables
-- (native declarative partitioning; docs/scaling.md, "Partitions").
CREATE SCHEMA IF NOT EXISTS partman;
COMMENT ON SCHEMA partman IS 'pg_partman: partition sets (part_config), their template tables and maintenance.';
CREATE EXTENSION IF NOT EXISTS pg_partman WITH SCHEMA partman;

-- The platform's partition settings, the same for every tenant: how long
-- a partition is kept (partman's retention) and how many partitions are
-- made ahead (premake). app_private.apply_partition_settings copies them
-- into partman.part_config on every migrate and before each maintenance.
CREATE TABLE app_private.partition_settings (
  singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT partition_settings_singleton CHECK (singleton),
  retention interval NOT NULL
    CONSTRAINT partition_settings_retention_range CHECK (retention >= interval '1 month'),
  premake integer NOT NULL
    CONSTRAINT partition_settings_premake_range CHECK (premake BETWEEN 2 AND 36)
);
COMMENT ON TABLE app_private.partition_settings IS
  'The partition settings of the platform (one row, tenant-agnostic): retention, how old a partition of an append-heavy table may get before maintenance drops it; premake, how many partitions are made ahead of the current one.';
COMMENT ON COLUMN app_private.partition_settings.retention IS
  'Partitions whose whole range is older than this are dropped by the maintain-partitions job (audit.activity_log: never before its tenants'' own retention has moved the rows to the archive, see app_private.partition_retention).';
COMMENT ON COLUMN app_private.partition_settings.premake IS 'Partitions kept ready ahead of the current one (at least 2).';
INSERT INTO app_private.partition_settings (retention, premake) VALUES (interval '2 years', 4);

-- The register of append-heavy tables: a domain that partitions a table
-- by time adds its row here in the same change (docs/conventions.md,
-- "Append-heavy tables"); a catalog test holds the register, the
-- partitioned tables and partman's part_config equal.
CREATE TABLE app_private.append_heavy_tables (
  table_name text PRIMARY KEY
    CONSTRAINT append_heavy_tables_name_qualified CHECK (table_name ~ '^[a-z_]+\.[a-z_0-9]+$'),
  control_column text NOT NULL,
  partition_interval interval NOT NULL,
  why text NOT NULL
);
COMMENT ON TABLE app_private.append_heavy_tables IS
  'Tables partitioned by time under pg_partman: which column partitions them, at which interval, and why the table is append-heavy. The set of partitioned tables equals this register (db/tests/10_core/test_partitions.sql).';
COMMENT ON COLUMN app_private.append_heavy_tables.table_name IS 'The partitioned parent, schema-qualified.';
COMMENT ON COLUMN app_private.append_heavy_tables.control_column IS 'The timestamptz column the table is range-partitioned on (part of its primary key).';
COMMENT ON COLUMN app_private.append_heavy_tables.partition_interval IS 'The range of one partition.';
COMMENT ON COLUMN app_private.append_heavy_tables.why IS 'Why the table is append-heavy (rows are written once, read recently, dropped old).';

-- audit.activity_log becomes a partitioned table, one partition a month.
-- Its primary key takes the partition key: (id, occurred_at), since
-- events of no tenant (users) have no organization_id. Rows move
-- unchanged; the view over it, its triggers and policies are repeatables,
-- rebuilt by migrate.
DROP VIEW IF EXISTS app.activity_log CASCADE;
ALTER TABLE audit.activity_log RENAME TO activity_log_unpartitioned;
ALTER TABLE audit.activity_log_unpartitioned RENAME CONSTRAINT activity_log_pkey TO activity_log_unpartitioned_pkey;
DROP INDEX audit.activity_log_organization_time_idx, audit.activity_log_entity_idx, audit.activity_log_project_idx,
  audit.activity_log_actor_idx;

CREATE TABLE audit.activity_log (
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  organization_id uuid,
  occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_user_id uuid,
  actor_role text NOT NULL DEFAULT current_user,
  entity_type text NOT NULL,
  entity_id text NOT NULL,
  action audit.action NOT NULL,
  old_values jsonb,
  new_values jsonb,
  request_id text,
  client_address inet,
  project_id uuid,
  CONSTRAINT activity_log_pkey PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX activity_log_organization_time_idx ON audit.activity_log (organization_id, occurred_at DESC);
CREATE INDEX activity_log_entity_idx ON audit.activity_log (organization_id, entity_type, entity_id, occurred_at DESC);
CREATE INDEX activity_log_project_idx ON audit.activity_log (organization_id, project_id, occurred_at) WHERE project_id IS NOT NULL;
CREATE INDEX activity_log_actor_idx ON audit.activity_log (organization_id, actor_user_id, occurred_at);

COMMENT ON TABLE audit.activity_log IS
  'Append-only record of every change to core entities, partitioned by month of occurred_at (pg_partman). Nobody, owner included, can change or delete a row, on the table or on a partition; only app.purge_organization removes a purged tenant''s rows.';
COMMENT ON COLUMN audit.activity_log.project_id IS 'The project the changed row belongs to, when it belongs to one.';

-- Partitions from the month of the oldest event (none on a fresh
-- database: partman starts premake months back), premake months ahead.
SELECT partman.create_parent('audit.activity_log', 'occurred_at', 'native', '1 month',
         p_premake => (SELECT premake FROM app_private.partition_settings),
         p_start_partition => (SELECT pg_catalog.date_trunc('month', min(occurred_at))::text
                                 FROM audit.activity_log_unpartitioned),
         p_jobmon => false);

INSERT INTO audit.activity_log
  (id, organization_id, occurred_at, actor_user_id, actor_role, entity_type, entity_id, action, old_values, new_values,
   request_id, client_address, project_id)
SELECT id, organization_id, occurred_at, actor_user_id, actor_role, entity_type, entity_id, action, old_values,
       new_values, request_id, client_address, project_id
  FROM audit.activity_log_unpartitioned;

DROP TABLE audit.activity_log_unpartitioned;

INSERT INTO app_private.append_heavy_tables (table_name, control_column, partition_interval, why)
VALUES ('audit.activity_log', 'occurred_at', interval '1 month',
        'One row per audited change, never updated; read newest first per tenant and entity; old months leave to the archive.');

COMMIT;
