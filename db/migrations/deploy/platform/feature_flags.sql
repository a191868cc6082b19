-- Deploy pulse:platform/feature_flags to pg
-- requires: platform/entities

BEGIN;

-- Tenant feature flags. The platform defines the flags as data (filled by
-- db/seeds/reference/50_platform.sql on every migrate): a key, a type, the
-- values it may take and a default. A tenant's administrators set their own
-- value (app.tenant_feature_flags); a flag without one has its default, so a
-- flag added later reaches every tenant without a copy. Domains read the
-- effective value with app_private.feature_flag(org, key) or
-- auth.feature_enabled(key).
CREATE TABLE app_private.feature_flag_definitions (
  key text PRIMARY KEY CONSTRAINT feature_flag_definitions_key_format CHECK (key ~ '^[a-z][a-z0-9_]{1,62}$'),
  value_type text NOT NULL CONSTRAINT feature_flag_definitions_type_known CHECK (value_type IN ('boolean', 'integer', 'text', 'enum')),
  allowed_values text[]
    CONSTRAINT feature_flag_definitions_enum_values CHECK ((value_type = 'enum') = (cardinality(allowed_values) > 0)),
  minimum bigint,
  maximum bigint,
  default_value jsonb NOT NULL,
  description text NOT NULL CONSTRAINT feature_flag_definitions_description_length CHECK (length(btrim(description)) BETWEEN 1 AND 500),
  CONSTRAINT feature_flag_definitions_bounds CHECK ((value_type = 'integer' OR (minimum IS NULL AND maximum IS NULL)) AND minimum <= maximum)
);
COMMENT ON TABLE app_private.feature_flag_definitions IS
  'The feature flags the platform defines (db/seeds/reference/50_platform.sql): type, allowed values or bounds, the default every tenant has until it sets its own.';

CREATE TABLE app.tenant_feature_flags (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  flag_key text NOT NULL REFERENCES app_private.feature_flag_definitions (key) ON DELETE CASCADE,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid,
  PRIMARY KEY (organization_id, flag_key)
);
CREATE INDEX tenant_feature_flags_flag_idx ON app.tenant_feature_flags (flag_key);
COMMENT ON TABLE app.tenant_feature_flags IS
  E'Feature flags a tenant set\nThe tenant''s own value of a platform feature flag, checked against the flag''s type; deleting it restores the default. Set with organization.manage_features; GET /feature_flags shows every flag with its value in force.';
COMMENT ON COLUMN app.tenant_feature_flags.organization_id IS E'Tenant\nThe tenant (filled from the token when left out).';
COMMENT ON COLUMN app.tenant_feature_flags.flag_key IS E'Flag\nThe flag (GET /feature_flags lists them).';
COMMENT ON COLUMN app.tenant_feature_flags.value IS E'Value\nA JSON value of the flag''s type: true/false, an integer within the bounds, a string, or one of the allowed values.';
COMMENT ON COLUMN app.tenant_feature_flags.updated_at IS E'Changed at\nWhen the value was last set.';
COMMENT ON COLUMN app.tenant_feature_flags.updated_by IS E'Changed by\nWho last set it (the server fills it).';

COMMIT;
