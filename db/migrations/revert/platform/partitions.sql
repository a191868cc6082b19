-- Revert pulse:platform/partitions from pg

BEGIN;

DROP VIEW IF EXISTS app.activity_log CASCADE;
ALTER TABLE audit.activity_log RENAME TO activity_log_partitioned;
ALTER TABLE audit.activity_log_partitioned RENAME CONSTRAINT activity_log_pkey TO activity_log_partitioned_pkey;
DROP INDEX audit.activity_log_organization_time_idx, audit.activity_log_entity_idx, audit.activity_log_project_idx,
  audit.activity_log_actor_idx;

CREATE TABLE audit.activity_log (
  id uuid PRIMARY KEY DEFAULT public.uuid_generate_v7(),
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
  project_id uuid
);
CREATE INDEX activity_log_organization_time_idx ON audit.activity_log (organization_id, occurred_at DESC);
CREATE INDEX activity_log_entity_idx ON audit.activity_log (organization_id, entity_type, entity_id, occurred_at DESC);
CREATE INDEX activity_log_project_idx ON audit.activity_log (organization_id, project_id, occurred_at) WHERE project_id IS NOT NULL;
CREATE INDEX activity_log_actor_idx ON audit.activity_log (organization_id, actor_user_id, occurred_at);
COMMENT ON TABLE audit.activity_log IS
  'Append-only record of every change to core entities. Nobody, owner included, can change or delete a row; only app.purge_organization removes a purged tenant''s rows.';
COMMENT ON COLUMN audit.activity_log.project_id IS 'The project the changed row belongs to, when it belongs to one.';

INSERT INTO audit.activity_log SELECT * FROM audit.activity_log_partitioned;

DELETE FROM partman.part_config WHERE parent_table = 'audit.activity_log';
DROP TABLE audit.activity_log_partitioned;
DROP TABLE IF EXISTS partman.template_audit_activity_log;

DROP TABLE app_private.append_heavy_tables;
DROP TABLE app_private.partition_settings;
DROP EXTENSION pg_partman;
DROP SCHEMA partman;

COMMIT;
