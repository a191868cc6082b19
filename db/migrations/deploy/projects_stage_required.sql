-- Deploy pulse:projects_stage_required to pg
-- requires: collaboration

BEGIN;

-- A project always has a stage. Projects that lost theirs (an override to
-- "no stage" was possible) go back to the last stage they entered, or the
-- first included stage of their definition; the repair is recorded as a
-- manual transition. Triggers stay quiet: the repair is not a user's move.
SET LOCAL session_replication_role = replica;
WITH repaired AS (
  UPDATE app.projects AS p
     SET current_stage_id = coalesce(
           (SELECT t.to_stage_id FROM app.project_stage_transitions AS t
             WHERE t.organization_id = p.organization_id AND t.project_id = p.id AND t.to_stage_id IS NOT NULL
             ORDER BY t.changed_at DESC, t.id DESC LIMIT 1),
           (SELECT ds.workflow_stage_id
              FROM app.workflow_definition_stages AS ds
              JOIN app.workflow_stages AS s ON s.organization_id = ds.organization_id AND s.id = ds.workflow_stage_id
             WHERE ds.organization_id = p.organization_id AND ds.workflow_definition_id = p.workflow_definition_id
               AND ds.is_included
             ORDER BY coalesce(ds.stage_order_override, s.stage_order), s.slug LIMIT 1))
   WHERE p.current_stage_id IS NULL
  RETURNING p.organization_id, p.id, p.current_stage_id
)
INSERT INTO app.project_stage_transitions (organization_id, project_id, from_stage_id, to_stage_id, kind, reason)
SELECT organization_id, id, NULL, current_stage_id, 'manual', 'stage restored: a project always has a stage'
  FROM repaired;
SET LOCAL session_replication_role = origin;

ALTER TABLE app.projects ALTER COLUMN current_stage_id SET NOT NULL;

-- @hasDefault (as project_id and workflow_definition_id): the insert trigger
-- fills it, so GraphQL keeps it optional on create.
COMMENT ON COLUMN app.projects.current_stage_id IS
  E'@hasDefault\nThe stage the project is in (always one); the first stage of its definition when not sent. It changes by itself as stages are done, or through app.override_project_stage (management, with a reason).';
COMMENT ON COLUMN app.projects.stage_change_reason IS
  'Retired: always empty. The reason of a manual stage change is sent to app.override_project_stage and recorded in project_stage_transitions.';

COMMIT;
