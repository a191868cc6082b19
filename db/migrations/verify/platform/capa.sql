-- Verify pulse:platform/capa on pg

BEGIN;

SELECT organization_id, id, capa_number, title, kind, source, status, site_id, owner_id, team_member_ids, problem_statement,
       containment_summary, root_cause, root_cause_method, corrective_action_plan, prevention_summary, effectiveness_criteria,
       effectiveness_due, effectiveness_result, effectiveness_note, effectiveness_checked_by, effectiveness_checked_at,
       closure_summary, due_date, opened_by, status_changed_at, closed_at, cancel_reason, created_at, updated_at
  FROM app.capas WHERE false;
SELECT organization_id, id, capa_id, discipline, description, owner_id, due_date, status, completed_by, completed_at,
       completion_note, reminded_at, created_at, updated_at
  FROM app.capa_actions WHERE false;
SELECT organization_id, id, capa_id, entity_type, entity_id, relation, linked_by, created_at FROM app.capa_links WHERE false;

-- Nobody deletes a CAPA record through the API; anonymous callers reach nothing.
SELECT 1 / (NOT has_table_privilege('app_user', 'app.capas', 'DELETE'))::int;
SELECT 1 / (NOT has_table_privilege('anon', 'app.capas', 'SELECT'))::int;
SELECT 1 / (NOT has_column_privilege('app_user', 'app.capas', 'status', 'UPDATE'))::int;

ROLLBACK;
