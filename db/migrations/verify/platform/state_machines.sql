-- Verify pulse:platform/state_machines on pg

BEGIN;

SELECT organization_id, id, entity_type, version, name, labels, status, created_by, created_at, published_by, published_at, updated_at
  FROM app.state_machines WHERE false;
SELECT organization_id, id, state_machine_id, key, label, labels, is_initial, is_terminal, position FROM app.state_machine_states WHERE false;
SELECT organization_id, id, state_machine_id, from_state, to_state, label, labels, guards, effects, position
  FROM app.state_machine_transitions WHERE false;
SELECT organization_id, id, entity_type, entity_id, state_machine_id, state, entered_at, revision, started_by, started_at
  FROM app.entity_states WHERE false;
SELECT organization_id, id, entity_type, entity_id, state_machine_id, from_state, to_state, reason, signature, transitioned_by, transitioned_at
  FROM app.entity_state_history WHERE false;
SELECT 1 / count(*)::int FROM pg_constraint WHERE conname = 'approvals_entity_type_format';

-- Written only through the RPCs (db/functions/50_platform/16_state_machines.sql).
SELECT 1 / (NOT has_table_privilege('app_user', 'app.entity_states', 'UPDATE'))::int;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.entity_state_history', 'INSERT'))::int;

ROLLBACK;
