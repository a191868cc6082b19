-- Verify pulse:rbac on pg

BEGIN;

SELECT code, description FROM app.permissions WHERE false;
SELECT key, name, description FROM app_private.system_roles WHERE false;
SELECT role_key, permission FROM app_private.system_role_permissions WHERE false;
SELECT organization_id, id, key, name, description, is_system, created_at, updated_at FROM app.roles WHERE false;
SELECT organization_id, role_id, permission FROM app.role_permissions WHERE false;
SELECT organization_id, id, membership_id, role_id, site_id, granted_by, created_at FROM app.role_assignments WHERE false;

ROLLBACK;
