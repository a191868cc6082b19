-- The permission catalog and the system roles every tenant starts with.
-- Applied by every `pulse db migrate` and `pulse seed`; idempotent. Later
-- domains add their permissions here.

INSERT INTO app.permissions (code, description) VALUES
  ('organization.update', 'Change the organization''s name, settings and branding'),
  ('site.manage', 'Create, change and close sites'),
  ('partner.read', 'Read customers, suppliers and their contacts'),
  ('partner.manage', 'Create and change customers, suppliers and their contacts'),
  ('membership.manage', 'Add people to the organization, revoke memberships, set managers'),
  ('role.read', 'See who holds which roles'),
  ('role.manage', 'Create and change the organization''s own roles'),
  ('role.assign', 'Grant and revoke roles'),
  ('audit.read', 'Read the activity log')
ON CONFLICT (code) DO UPDATE SET description = excluded.description;

INSERT INTO app_private.system_roles (key, name, description) VALUES
  ('admin', 'Administrator', 'Runs the organization in Pulse: people, roles, sites, settings'),
  ('management', 'Management', 'Oversees projects and approvals; overrides stages'),
  ('engineering', 'Engineering', 'Designs, drawings, change orders'),
  ('qa', 'Quality assurance', 'Inspections, NCRs, CAPA, quality gates'),
  ('procurement', 'Procurement', 'Suppliers and purchasing'),
  ('production', 'Production', 'Manufacturing and work orders on the floor'),
  ('sales', 'Sales', 'Customers, inquiries and quotes'),
  ('finance', 'Finance', 'Costs, invoices and payments'),
  ('logistics', 'Logistics', 'Shipping, receiving and tracking'),
  ('auditor', 'Auditor', 'Reads everything needed for an audit, changes nothing'),
  ('lab_manager', 'Lab manager', 'Runs the lab: samples, instruments, methods'),
  ('lab_tech', 'Lab technician', 'Handles samples and runs tests'),
  ('maintenance_planner', 'Maintenance planner', 'Plans maintenance work orders'),
  ('technician', 'Technician', 'Carries out maintenance work'),
  ('customer_portal', 'Customer portal', 'A customer''s or supplier''s person, bound to their partner')
ON CONFLICT (key) DO UPDATE SET name = excluded.name, description = excluded.description;

DELETE FROM app_private.system_role_permissions;
INSERT INTO app_private.system_role_permissions (role_key, permission)
SELECT 'admin', code FROM app.permissions
UNION ALL
SELECT role_key, permission
  FROM (VALUES
    ('management', 'partner.read'), ('management', 'role.read'), ('management', 'audit.read'),
    ('engineering', 'partner.read'),
    ('qa', 'partner.read'), ('qa', 'audit.read'),
    ('procurement', 'partner.read'), ('procurement', 'partner.manage'),
    ('sales', 'partner.read'), ('sales', 'partner.manage'),
    ('finance', 'partner.read'),
    ('logistics', 'partner.read'),
    ('auditor', 'partner.read'), ('auditor', 'role.read'), ('auditor', 'audit.read'),
    ('lab_manager', 'partner.read'),
    ('customer_portal', 'partner.read')
  ) AS grants (role_key, permission);

SELECT app_private.sync_system_roles(id) FROM app.organizations;
