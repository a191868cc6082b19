-- Deploy pulse:audit/activity_retention to pg
-- requires: workflow/routing_defaults

BEGIN;

-- How long a tenant's activity log stays in the hot table: the platform
-- default (db/seeds/reference/40_audit.sql fills it) and each tenant's own
-- setting, copied from it when the tenant is provisioned.
CREATE TABLE app_private.default_audit_settings (
  singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT default_audit_settings_singleton CHECK (singleton),
  activity_log_retention_years integer NOT NULL
    CONSTRAINT default_audit_settings_retention_range CHECK (activity_log_retention_years BETWEEN 1 AND 100)
);
COMMENT ON TABLE app_private.default_audit_settings IS
  'The activity log retention every tenant starts with (copied into app.audit_settings); one row.';
INSERT INTO app_private.default_audit_settings (activity_log_retention_years) VALUES (2);

CREATE TABLE app.audit_settings (
  organization_id uuid PRIMARY KEY REFERENCES app.organizations (id) ON DELETE CASCADE,
  activity_log_retention_years integer NOT NULL
    CONSTRAINT audit_settings_retention_range CHECK (activity_log_retention_years BETWEEN 1 AND 100),
  updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE app.audit_settings IS
  E'Per-tenant audit settings; one row per tenant.\nChanged with organization.update; read with audit.read or organization.update.';
COMMENT ON COLUMN app.audit_settings.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.audit_settings.activity_log_retention_years IS
  'Years activity log events stay in the activity log; older ones move to the archive (app.activity_log_archive) by the archive-activity-log job.';
COMMENT ON COLUMN app.audit_settings.updated_at IS 'When the settings were last changed.';
INSERT INTO app.audit_settings (organization_id, activity_log_retention_years)
SELECT o.id, d.activity_log_retention_years FROM app.organizations AS o CROSS JOIN app_private.default_audit_settings AS d;

-- The archive: the same rows as audit.activity_log, moved there by
-- audit.archive_activity_log once older than their tenant's retention.
-- Append-only as the hot table is; read through app.activity_log_archive.
CREATE TABLE audit.activity_log_archive (
  id uuid PRIMARY KEY,
  organization_id uuid,
  occurred_at timestamptz NOT NULL,
  actor_user_id uuid,
  actor_role text NOT NULL,
  entity_type text NOT NULL,
  entity_id text NOT NULL,
  action audit.action NOT NULL,
  old_values jsonb,
  new_values jsonb,
  request_id text,
  client_address inet,
  project_id uuid,
  archived_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activity_log_archive_organization_time_idx ON audit.activity_log_archive (organization_id, occurred_at);
CREATE INDEX activity_log_archive_entity_idx ON audit.activity_log_archive (organization_id, entity_type, entity_id, occurred_at);
COMMENT ON TABLE audit.activity_log_archive IS
  'Activity log events older than their tenant''s retention, moved out of audit.activity_log by the archive job (same columns, plus when). Append-only; leaves only with its tenant.';
COMMENT ON COLUMN audit.activity_log_archive.archived_at IS 'When the archive job moved the event here.';

COMMIT;
