-- Verify pulse:audit/activity_retention on pg

BEGIN;

SELECT singleton, activity_log_retention_years FROM app_private.default_audit_settings WHERE false;
SELECT organization_id, activity_log_retention_years, updated_at FROM app.audit_settings WHERE false;
SELECT id, organization_id, occurred_at, actor_user_id, actor_role, entity_type, entity_id, action, old_values,
       new_values, request_id, client_address, project_id, archived_at
  FROM audit.activity_log_archive WHERE false;
-- Every tenant has its settings.
SELECT 1 / (NOT EXISTS (SELECT FROM app.organizations AS o
                         WHERE NOT EXISTS (SELECT FROM app.audit_settings AS s WHERE s.organization_id = o.id)))::int;

ROLLBACK;
