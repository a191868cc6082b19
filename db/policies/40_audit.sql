-- The log is read only through app.activity_log, a view that runs with the
-- caller's rights (security_invoker): API roles may select the table (they
-- have no usage of schema audit, so not by name), these policies confine
-- them to their tenant's log with audit.read (portal users never), and the
-- view adds the rule of each audited table (db/functions/40_audit/10_activity_log.sql).

ALTER TABLE audit.activity_log ENABLE ROW LEVEL SECURITY;

GRANT SELECT ON audit.activity_log TO app_user, app_admin;
GRANT SELECT ON app.activity_log TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION app.entity_timeline(text, text) TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION auth.activity_visibility(text, uuid, text) TO app_user, app_admin;

CREATE POLICY activity_log_select_reader ON audit.activity_log FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('audit.read'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY activity_log_select_operator ON audit.activity_log FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

-- The archive reads as the log does: app.activity_log_archive runs with the
-- caller's rights over audit.activity_log_archive, confined by these
-- policies to the tenant's audit readers (db/functions/40_audit/30_retention.sql).
ALTER TABLE audit.activity_log_archive ENABLE ROW LEVEL SECURITY;

GRANT SELECT ON audit.activity_log_archive TO app_user, app_admin;
GRANT SELECT ON app.activity_log_archive TO app_user, app_admin;

CREATE POLICY activity_log_archive_select_reader ON audit.activity_log_archive FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('audit.read'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY activity_log_archive_select_operator ON audit.activity_log_archive FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

-- Audit settings: read by audit readers and by those who change the
-- organization's settings, changed (the retention only) with organization.update.
ALTER TABLE app.audit_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.audit_settings FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.audit_settings TO app_user, app_admin;
GRANT UPDATE (activity_log_retention_years) ON app.audit_settings TO app_user;
CREATE POLICY audit_settings_select_reader ON app.audit_settings FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND ((SELECT auth.has_permission('audit.read')) OR (SELECT auth.has_permission('organization.update')))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY audit_settings_update_manager ON app.audit_settings FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('organization.update'))
         AND (SELECT auth.partner_id()) IS NULL)
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('organization.update'))
              AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY audit_settings_select_operator ON app.audit_settings FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));
