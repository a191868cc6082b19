-- The log is read only through app.activity_log, a view that runs with the
-- caller's rights (security_invoker): API roles may select the table (they
-- have no usage of schema audit, so not by name), these policies confine
-- them to their tenant's log with audit.read (portal users never), and the
-- view adds the rule of each audited table (db/functions/40_audit/10_activity_log.sql).

ALTER TABLE audit.activity_log ENABLE ROW LEVEL SECURITY;

GRANT SELECT ON audit.activity_log TO app_user, app_admin;
GRANT SELECT ON app.activity_log TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION app.entity_timeline(text, text) TO app_user, app_admin;

CREATE POLICY activity_log_select_reader ON audit.activity_log FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('audit.read'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY activity_log_select_operator ON audit.activity_log FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));
