-- Revert pulse:platform/state_machines from pg

BEGIN;

-- Approvals of other entity types stay, so the old check comes back unvalidated.
ALTER TABLE app.approvals DROP CONSTRAINT approvals_entity_type_format;
ALTER TABLE app.approvals ADD CONSTRAINT approvals_entity_type_known
  CHECK (entity_type IN ('project_sub_stage', 'document_version')) NOT VALID;
DROP TRIGGER IF EXISTS _020_entity_known ON app.approvals;
COMMENT ON COLUMN app.approvals.entity_type IS
  'project_sub_stage (entity_id: a project_sub_stage_progress id) or document_version (a document_versions id).';

-- CASCADE: the repeatables (functions, views, policies) hang off these; the
-- next `pulse db migrate` re-applies them.
DROP TABLE app.entity_state_history CASCADE;
DROP TABLE app.entity_states CASCADE;
DROP TABLE app.state_machine_transitions CASCADE;
DROP TABLE app.state_machine_states CASCADE;
DROP TABLE app.state_machines CASCADE;
DROP TYPE app.state_machine_status CASCADE;

COMMIT;
