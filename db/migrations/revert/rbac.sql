-- Revert pulse:rbac from pg

BEGIN;

DROP TABLE app.role_assignments, app.role_permissions, app.roles, app_private.system_role_permissions,
           app_private.system_roles, app.permissions CASCADE;

COMMIT;
