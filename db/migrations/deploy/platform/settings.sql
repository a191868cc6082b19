-- Deploy pulse:platform/settings to pg
-- requires: platform/feature_flags rbac

BEGIN;

-- Typed tenant settings (db/functions/50_platform/66_settings.sql). The
-- platform defines each setting as data (db/seeds/reference/50_platform.sql):
-- a key, a JSON schema its values must match (the platform's validator,
-- 50_platform/08_json_schema.sql), a default, a description and the
-- permission that changes it. A tenant stores only the values it changes
-- (app.tenant_settings); every other setting has its default, so a setting
-- added later reaches every tenant without a copy.
CREATE TABLE app_private.setting_definitions (
  key text PRIMARY KEY CONSTRAINT setting_definitions_key_format CHECK (key ~ '^[a-z][a-z0-9_]{1,62}$'),
  value_schema jsonb NOT NULL,
  default_value jsonb NOT NULL,
  description text NOT NULL CONSTRAINT setting_definitions_description_length CHECK (length(btrim(description)) BETWEEN 1 AND 500),
  permission text NOT NULL DEFAULT 'settings.manage' REFERENCES app.permissions (code) ON UPDATE CASCADE
);
CREATE INDEX setting_definitions_permission_idx ON app_private.setting_definitions (permission);
COMMENT ON TABLE app_private.setting_definitions IS
  'The tenant settings the platform defines (db/seeds/reference/50_platform.sql): the JSON schema a value must match, the default every tenant has until it sets its own, and the permission that changes it.';
COMMENT ON COLUMN app_private.setting_definitions.key IS 'The setting''s key (measurement_system).';
COMMENT ON COLUMN app_private.setting_definitions.value_schema IS 'The JSON schema (the supported subset of draft 2020-12) every value must match.';
COMMENT ON COLUMN app_private.setting_definitions.default_value IS 'The value of every tenant that set none; it matches the schema.';
COMMENT ON COLUMN app_private.setting_definitions.description IS 'What the setting changes.';
COMMENT ON COLUMN app_private.setting_definitions.permission IS 'The permission a tenant''s member needs to change it (settings.manage unless a setting needs another).';

CREATE TABLE app.tenant_settings (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  setting_key text NOT NULL REFERENCES app_private.setting_definitions (key) ON DELETE CASCADE,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  PRIMARY KEY (organization_id, setting_key)
);
CREATE INDEX tenant_settings_setting_idx ON app.tenant_settings (setting_key);
CREATE INDEX tenant_settings_updated_by_idx ON app.tenant_settings (updated_by);
COMMENT ON TABLE app.tenant_settings IS
  E'Settings a tenant set\nThe tenant''s own value of a platform setting, validated against the setting''s JSON schema; deleting it restores the default. Changed by holders of the setting''s permission (GET /settings names it); GET /settings shows every setting with its value in force.';
COMMENT ON COLUMN app.tenant_settings.organization_id IS E'Tenant\nThe tenant (filled from the token when left out).';
COMMENT ON COLUMN app.tenant_settings.setting_key IS E'Setting\nThe setting (GET /settings lists them).';
COMMENT ON COLUMN app.tenant_settings.value IS E'Value\nA JSON value matching the setting''s schema (GET /settings shows it).';
COMMENT ON COLUMN app.tenant_settings.updated_at IS E'Changed at\nWhen the value was last set.';
COMMENT ON COLUMN app.tenant_settings.updated_by IS E'Changed by\nWho last set it (the server fills it).';

COMMIT;
