-- Exit criteria: what must hold before a project leaves its stage, as data
-- on the definition's stages (app.workflow_exit_criteria). The action that
-- would complete a stage (completing or skipping its last open required
-- sub-stage) is refused while a checked criterion is unmet and not waived;
-- the automatic advance waits for them too. Text criteria are informative.

CREATE OR REPLACE VIEW app.project_exit_criteria WITH (security_invoker) AS
SELECT p.organization_id, p.id AS project_id, p.project_number, p.current_stage_id AS workflow_stage_id,
       c.id AS criterion_id, c.key, c.position, c.kind, c.description, c.document_category, c.min_count, d.document_count,
       c.project_field, c.approval_type, c.waivable,
       w.id IS NOT NULL AS is_waived, w.reason AS waiver_reason, w.waived_by, w.waived_at,
       CASE WHEN c.kind = 'text' THEN NULL
            ELSE w.id IS NOT NULL OR CASE c.kind
              WHEN 'documents' THEN d.document_count >= c.min_count
              WHEN 'project_value' THEN pg_catalog.to_jsonb(p) ->> c.project_field IS NOT NULL
              WHEN 'approval' THEN EXISTS (SELECT FROM app.approvals AS a
                                            WHERE a.organization_id = p.organization_id AND a.project_id = p.id
                                              AND a.approval_type = c.approval_type AND a.status = 'approved')
            END END AS is_met
  FROM app.projects AS p
  JOIN app.workflow_exit_criteria AS c
    ON c.organization_id = p.organization_id AND c.workflow_definition_id = p.workflow_definition_id
   AND c.workflow_stage_id = p.current_stage_id
  LEFT JOIN app.exit_criterion_waivers AS w
    ON w.organization_id = p.organization_id AND w.project_id = p.id AND w.criterion_id = c.id
  LEFT JOIN LATERAL (
    SELECT count(*)::integer AS document_count
      FROM app.documents AS x
     WHERE x.organization_id = p.organization_id AND x.project_id = p.id AND x.category = c.document_category
       AND x.version > 0 AND x.approval_state IN ('not_required', 'approved')
  ) AS d ON c.kind = 'documents';

COMMENT ON VIEW app.project_exit_criteria IS
  E'The exit criteria of each project''s current stage, met or not (the progress screen): GET /project_exit_criteria?project_id=eq.<id>&order=position. is_met is empty for text criteria (informative), true when met or waived; the stage completes only when none is false.';
COMMENT ON COLUMN app.project_exit_criteria.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.project_exit_criteria.project_id IS 'The project (projects.id).';
COMMENT ON COLUMN app.project_exit_criteria.project_number IS 'The project''s human id.';
COMMENT ON COLUMN app.project_exit_criteria.workflow_stage_id IS 'The project''s current stage.';
COMMENT ON COLUMN app.project_exit_criteria.criterion_id IS 'The criterion (workflow_exit_criteria.id); waive it with app.waive_exit_criterion.';
COMMENT ON COLUMN app.project_exit_criteria.key IS 'Its stable key.';
COMMENT ON COLUMN app.project_exit_criteria.position IS 'Display order.';
COMMENT ON COLUMN app.project_exit_criteria.kind IS 'text, documents, project_value or approval.';
COMMENT ON COLUMN app.project_exit_criteria.description IS 'What must hold, in words.';
COMMENT ON COLUMN app.project_exit_criteria.document_category IS 'documents: the category counted.';
COMMENT ON COLUMN app.project_exit_criteria.min_count IS 'documents: how many are needed.';
COMMENT ON COLUMN app.project_exit_criteria.document_count IS 'documents: how many qualified ones the project holds.';
COMMENT ON COLUMN app.project_exit_criteria.project_field IS 'project_value: the project column that must have a value.';
COMMENT ON COLUMN app.project_exit_criteria.approval_type IS 'approval: the type that must have been approved.';
COMMENT ON COLUMN app.project_exit_criteria.waivable IS 'Whether it may be waived for the project.';
COMMENT ON COLUMN app.project_exit_criteria.is_waived IS 'Whether it was waived for the project.';
COMMENT ON COLUMN app.project_exit_criteria.waiver_reason IS 'Why it was waived.';
COMMENT ON COLUMN app.project_exit_criteria.waived_by IS 'Who waived it.';
COMMENT ON COLUMN app.project_exit_criteria.waived_at IS 'When.';
COMMENT ON COLUMN app.project_exit_criteria.is_met IS 'true: met or waived; false: unmet (the stage cannot complete); empty: a text criterion, not checked.';

CREATE OR REPLACE FUNCTION app_private.unmet_exit_criteria(p_project app.projects, p_pending_approval app.approval_type DEFAULT NULL)
RETURNS SETOF app.project_exit_criteria
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT c.* FROM app.project_exit_criteria AS c
   WHERE c.organization_id = p_project.organization_id AND c.project_id = p_project.id AND NOT c.is_met
     AND NOT (c.kind = 'approval' AND c.approval_type IS NOT DISTINCT FROM p_pending_approval)
   ORDER BY c.position, c.key
$$;

COMMENT ON FUNCTION app_private.unmet_exit_criteria(app.projects, app.approval_type) IS
  'The checked exit criteria of the project''s current stage that are neither met nor waived, in order; an approval criterion of p_pending_approval (the approval the action is about to request) is left out.';

CREATE OR REPLACE FUNCTION app_private.refuse_unmet_exit_criteria(
  p_project app.projects, p_progress app.project_sub_stage_progress, p_pending_approval app.approval_type
) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_unmet app.project_exit_criteria;
  v_stage text;
  v_waiver text;
BEGIN
  -- Only the action that would complete the stage: its sub-stage is in the
  -- current stage and every other required one there is done.
  IF p_progress.workflow_stage_id IS DISTINCT FROM p_project.current_stage_id OR EXISTS (
       SELECT FROM app.project_sub_stage_progress AS x
        WHERE x.organization_id = p_project.organization_id AND x.project_id = p_project.id
          AND x.workflow_stage_id = p_project.current_stage_id AND x.is_required AND x.id <> p_progress.id
          AND x.status NOT IN ('completed', 'skipped')) THEN
    RETURN;
  END IF;
  SELECT * INTO v_unmet FROM app_private.unmet_exit_criteria(p_project, p_pending_approval) LIMIT 1;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  SELECT s.name INTO v_stage FROM app.workflow_stages AS s
   WHERE s.organization_id = p_project.organization_id AND s.id = p_project.current_stage_id;
  v_waiver := CASE WHEN v_unmet.waivable
                   THEN format(', or have it waived (POST /rpc/waive_exit_criterion {"project_id": "%s", "criterion_id": "%s", "reason": "..."})',
                               p_project.id, v_unmet.criterion_id)
                   ELSE '' END;
  CASE v_unmet.kind
  WHEN 'documents' THEN
    RAISE EXCEPTION 'stage "%" cannot be completed: exit criterion "%" is not met', v_stage, v_unmet.description
      USING ERRCODE = 'PT409', DETAIL = 'exit_criterion.documents_missing',
            HINT = format('Exit criterion %s needs %s qualified %s document(s); the project holds %s. Upload them%s.',
                          v_unmet.key, v_unmet.min_count, v_unmet.document_category, v_unmet.document_count, v_waiver);
  WHEN 'project_value' THEN
    RAISE EXCEPTION 'stage "%" cannot be completed: exit criterion "%" is not met', v_stage, v_unmet.description
      USING ERRCODE = 'PT409', DETAIL = 'exit_criterion.value_missing',
            HINT = format('Exit criterion %s needs the project''s %s. Set it%s.', v_unmet.key, v_unmet.project_field, v_waiver);
  ELSE
    RAISE EXCEPTION 'stage "%" cannot be completed: exit criterion "%" is not met', v_stage, v_unmet.description
      USING ERRCODE = 'PT409', DETAIL = 'exit_criterion.approval_missing',
            HINT = format('Exit criterion %s needs an approved %s approval of the project%s.', v_unmet.key, v_unmet.approval_type, v_waiver);
  END CASE;
END
$$;

COMMENT ON FUNCTION app_private.refuse_unmet_exit_criteria(app.projects, app.project_sub_stage_progress, app.approval_type) IS
  'When acting on p_progress would complete the project''s current stage (it is the stage''s last open required sub-stage), refuses while a checked exit criterion is neither met nor waived: PT409 exit_criterion.documents_missing, .value_missing or .approval_missing, the criterion named in the message and its key and remedy in the hint. p_pending_approval: the approval type the action requests (that criterion is met by the decision).';

CREATE OR REPLACE FUNCTION app.waive_exit_criterion(project_id uuid, criterion_id uuid, reason text) RETURNS app.exit_criterion_waivers
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_project app.projects;
  v_criterion app.workflow_exit_criteria;
  v_waiver app.exit_criterion_waivers;
BEGIN
  -- Permission first, then the project, the criterion, then the input.
  PERFORM app_private.require_permission('project.waive_exit_criteria');
  PERFORM app_private.refuse_portal_user();
  SELECT * INTO v_project FROM app.projects AS p
   WHERE p.organization_id = auth.org_id() AND p.id = waive_exit_criterion.project_id
   FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no project %', waive_exit_criterion.project_id USING ERRCODE = 'PT404', DETAIL = 'project.not_found',
      HINT = 'GET /projects lists the projects of your organization.';
  END IF;
  SELECT * INTO v_criterion FROM app.workflow_exit_criteria AS c
   WHERE c.organization_id = v_project.organization_id AND c.workflow_definition_id = v_project.workflow_definition_id
     AND c.id = waive_exit_criterion.criterion_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no exit criterion % in the workflow of project %', waive_exit_criterion.criterion_id, v_project.project_number
      USING ERRCODE = 'PT404', DETAIL = 'exit_criterion.not_found',
            HINT = 'GET /project_exit_criteria?project_id=eq.' || v_project.id || ' lists those of its current stage.';
  END IF;
  IF v_project.status IN ('completed', 'cancelled') THEN
    RAISE EXCEPTION 'project % is %', v_project.project_number, v_project.status USING ERRCODE = 'PT409',
      DETAIL = 'project.closed', HINT = 'A completed or cancelled project takes no more waivers.';
  END IF;
  IF NOT v_criterion.waivable THEN
    RAISE EXCEPTION 'exit criterion "%" cannot be waived', v_criterion.description USING ERRCODE = 'PT409',
      DETAIL = 'exit_criterion.not_waivable', HINT = 'Meet it, or ask management to override the stage (app.override_project_stage).';
  END IF;
  IF coalesce(btrim(waive_exit_criterion.reason), '') = '' THEN
    PERFORM app_private.raise_invalid('exit_criterion.reason_required', 'a waiver needs a reason',
                                      'Send {"project_id": ..., "criterion_id": ..., "reason": "why it does not apply"}.');
  END IF;
  INSERT INTO app.exit_criterion_waivers (organization_id, project_id, criterion_id, reason, waived_by)
  VALUES (v_project.organization_id, v_project.id, v_criterion.id, btrim(waive_exit_criterion.reason), auth.user_id())
  ON CONFLICT ON CONSTRAINT exit_criterion_waivers_once DO NOTHING
  RETURNING * INTO v_waiver;
  IF v_waiver.id IS NULL THEN
    RAISE EXCEPTION 'exit criterion "%" is already waived for project %', v_criterion.description, v_project.project_number
      USING ERRCODE = 'PT409', DETAIL = 'exit_criterion.already_waived',
            HINT = 'GET /exit_criterion_waivers?project_id=eq.' || v_project.id || ' shows who waived it and why.';
  END IF;
  -- The stage may have been waiting for just this.
  PERFORM app_private.advance_project_if_ready(v_project.organization_id, v_project.id);
  RETURN v_waiver;
END
$$;

COMMENT ON FUNCTION app.waive_exit_criterion(uuid, uuid, text) IS
  'POST /rpc/waive_exit_criterion: waives a waivable exit criterion of the project''s workflow for that project, with a reason (audited); a waived criterion counts as met, and a stage waiting only for it advances. Needs project.waive_exit_criteria (management, admin). Errors: PT403 permission.missing or project.staff_only, PT404 project.not_found or exit_criterion.not_found, PT409 project.closed, exit_criterion.not_waivable or exit_criterion.already_waived, PT422 exit_criterion.reason_required.';

CREATE OR REPLACE FUNCTION app_private.tg_projects__retry_advance() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.advance_project_if_ready(NEW.organization_id, NEW.id);
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_projects__retry_advance() IS
  'AFTER UPDATE of a value an exit criterion may ask for: a stage whose sub-stages are done and that waited for the value advances.';

CREATE OR REPLACE TRIGGER _530_retry_advance
  AFTER UPDATE OF customer_organization_id, assigned_to, requested_due_date, promised_due_date, quote_value, po_value ON app.projects
  FOR EACH ROW
  WHEN (ROW(NEW.customer_organization_id, NEW.assigned_to, NEW.requested_due_date, NEW.promised_due_date, NEW.quote_value, NEW.po_value)
        IS DISTINCT FROM ROW(OLD.customer_organization_id, OLD.assigned_to, OLD.requested_due_date, OLD.promised_due_date,
                             OLD.quote_value, OLD.po_value))
  EXECUTE FUNCTION app_private.tg_projects__retry_advance();
