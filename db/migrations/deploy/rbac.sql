-- Deploy pulse:rbac to pg
-- requires: identity

BEGIN;

CREATE TABLE app.permissions (
  code text PRIMARY KEY CONSTRAINT permissions_code_format CHECK (code ~ '^[a-z][a-z_]*\.[a-z][a-z_]*$'),
  description text NOT NULL
);

COMMENT ON TABLE app.permissions IS 'The permission catalog: resource.action codes that roles bundle. Reference data, the same for every tenant.';
COMMENT ON COLUMN app.permissions.code IS 'resource.action, e.g. partner.manage.';
COMMENT ON COLUMN app.permissions.description IS 'What the permission allows.';

CREATE TABLE app_private.system_roles (
  key text PRIMARY KEY,
  name text NOT NULL,
  description text NOT NULL
);

COMMENT ON TABLE app_private.system_roles IS 'The roles every tenant starts with; copied into app.roles when a tenant is created.';

CREATE TABLE app_private.system_role_permissions (
  role_key text NOT NULL REFERENCES app_private.system_roles (key) ON DELETE CASCADE,
  permission text NOT NULL REFERENCES app.permissions (code) ON DELETE CASCADE,
  PRIMARY KEY (role_key, permission)
);

COMMENT ON TABLE app_private.system_role_permissions IS 'Which permissions each system role carries.';

CREATE TABLE app.roles (
  organization_id uuid NOT NULL DEFAULT auth.jwt_org_id() REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  key text NOT NULL CONSTRAINT roles_key_format CHECK (key ~ '^[a-z][a-z0-9_]{1,39}$'),
  name text NOT NULL CONSTRAINT roles_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 100),
  description text NOT NULL DEFAULT '' CONSTRAINT roles_description_length CHECK (length(description) <= 1000),
  is_system boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT roles_key_unique UNIQUE (organization_id, key)
);

COMMENT ON TABLE app.roles IS 'Business roles of a tenant (admin, qa, lab_tech, ...): data, not database roles. System roles are seeded with the tenant.';
COMMENT ON COLUMN app.roles.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.roles.id IS 'Role id.';
COMMENT ON COLUMN app.roles.key IS 'Stable key, unique in the tenant: lower-case letters, digits and _.';
COMMENT ON COLUMN app.roles.name IS 'Display name.';
COMMENT ON COLUMN app.roles.description IS 'What the role is for.';
COMMENT ON COLUMN app.roles.is_system IS 'Seeded with the tenant; its permissions follow the platform''s catalog.';
COMMENT ON COLUMN app.roles.created_at IS 'When the role was created.';
COMMENT ON COLUMN app.roles.updated_at IS 'When the role was last changed.';

CREATE TABLE app.role_permissions (
  organization_id uuid NOT NULL DEFAULT auth.jwt_org_id(),
  role_id uuid NOT NULL,
  permission text NOT NULL REFERENCES app.permissions (code) ON DELETE CASCADE,
  PRIMARY KEY (organization_id, role_id, permission),
  FOREIGN KEY (organization_id, role_id) REFERENCES app.roles (organization_id, id) ON DELETE CASCADE
);

CREATE INDEX role_permissions_permission_idx ON app.role_permissions (organization_id, permission);

COMMENT ON TABLE app.role_permissions IS 'The permissions a role bundles.';
COMMENT ON COLUMN app.role_permissions.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.role_permissions.role_id IS 'The role.';
COMMENT ON COLUMN app.role_permissions.permission IS 'A code of the permission catalog.';

CREATE TABLE app.role_assignments (
  organization_id uuid NOT NULL DEFAULT auth.jwt_org_id(),
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  membership_id uuid NOT NULL,
  role_id uuid NOT NULL,
  site_id uuid,
  granted_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT role_assignments_unique UNIQUE NULLS NOT DISTINCT (organization_id, membership_id, role_id, site_id),
  FOREIGN KEY (organization_id, membership_id) REFERENCES app.memberships (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, role_id) REFERENCES app.roles (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id) ON DELETE CASCADE
);

CREATE INDEX role_assignments_role_idx ON app.role_assignments (organization_id, role_id);
CREATE INDEX role_assignments_granted_by_idx ON app.role_assignments (granted_by) WHERE granted_by IS NOT NULL;
CREATE INDEX role_assignments_site_idx ON app.role_assignments (organization_id, site_id) WHERE site_id IS NOT NULL;

COMMENT ON TABLE app.role_assignments IS
  'Who holds which role in a tenant, for the whole tenant (site_id empty) or at one site. Managed through app.grant_role and app.revoke_role.';
COMMENT ON COLUMN app.role_assignments.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.role_assignments.id IS 'Assignment id.';
COMMENT ON COLUMN app.role_assignments.membership_id IS 'The member holding the role.';
COMMENT ON COLUMN app.role_assignments.role_id IS 'The role.';
COMMENT ON COLUMN app.role_assignments.site_id IS 'The one site the role applies to; empty for the whole tenant.';
COMMENT ON COLUMN app.role_assignments.granted_by IS 'Who granted it.';
COMMENT ON COLUMN app.role_assignments.created_at IS 'When it was granted.';

COMMIT;
