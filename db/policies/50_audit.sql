-- The log table is reachable by no API role; app.activity_log (a view
-- owned by the schema owner) filters it by tenant and audit.read.

ALTER TABLE audit.activity_log ENABLE ROW LEVEL SECURITY;

GRANT SELECT ON app.activity_log TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION app.entity_timeline(text, text) TO app_user, app_admin;
