-- Verify pulse:platform/rules on pg

BEGIN;

SELECT singleton, max_depth, run_retention_days FROM app_private.rule_settings WHERE false;
SELECT 1 / (SELECT count(*)::int FROM app_private.rule_settings);
SELECT id, xact_id, depth FROM app_private.rule_contexts WHERE false;
SELECT kind, description, registered_at FROM app_private.rule_action_kinds WHERE false;
SELECT entity_type, update_permission, registered_at FROM app_private.rule_targets WHERE false;
SELECT organization_id, id, key, name, description, event_type, condition, actions, is_active, author_id, created_at, updated_at
  FROM app.rules WHERE false;
SELECT organization_id, id, rule_id, event_id, event_type, event_depth, matched, status, actions, error, ran_at
  FROM app.rule_runs WHERE false;

-- Internal: API roles never read the settings and registries directly.
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.rule_settings', 'SELECT'))::int;
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.rule_action_kinds', 'SELECT'))::int;
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.rule_targets', 'SELECT'))::int;
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.rule_contexts', 'SELECT'))::int;
-- The run log is the server's to write.
SELECT 1 / (NOT has_table_privilege('app_user', 'app.rule_runs', 'INSERT'))::int;

ROLLBACK;
