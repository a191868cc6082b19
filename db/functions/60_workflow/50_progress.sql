-- Progress actions on a project's sub-stages: start, complete, skip, block.
-- The rules in force were copied onto the progress row when the stage was
-- entered; approval-gated sub-stages complete through an approval.

CREATE OR REPLACE FUNCTION app_private.finish_sub_stage(
  p_progress app.project_sub_stage_progress, p_status app.sub_stage_status, p_metadata jsonb DEFAULT NULL
) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  UPDATE app.project_sub_stage_progress
     SET status = p_status, completed_at = pg_catalog.now(), blocked_reason = NULL,
         started_at = coalesce(started_at, pg_catalog.now()), assigned_to = coalesce(assigned_to, auth.user_id()),
         metadata = coalesce(p_metadata, metadata)
   WHERE organization_id = p_progress.organization_id AND id = p_progress.id;

  IF p_status = 'completed' AND EXISTS (
       SELECT FROM app.workflow_sub_stages
        WHERE organization_id = p_progress.organization_id AND id = p_progress.sub_stage_id AND marks_delivery) THEN
    UPDATE app.projects SET delivered_at = pg_catalog.now()
     WHERE organization_id = p_progress.organization_id AND id = p_progress.project_id AND delivered_at IS NULL;
  END IF;

  -- The next sub-stage of the stage starts by itself when it auto-advances.
  UPDATE app.project_sub_stage_progress AS n
     SET status = 'in_progress', started_at = pg_catalog.now()
   WHERE n.organization_id = p_progress.organization_id AND n.id = (
           SELECT x.id FROM app.project_sub_stage_progress AS x
            WHERE x.organization_id = p_progress.organization_id AND x.project_id = p_progress.project_id
              AND x.workflow_stage_id = p_progress.workflow_stage_id AND x.sub_stage_order > p_progress.sub_stage_order
            ORDER BY x.sub_stage_order
            LIMIT 1)
     AND n.status = 'pending' AND n.auto_advance;

  PERFORM app_private.advance_project_if_ready(p_progress.organization_id, p_progress.project_id);
END
$$;

COMMENT ON FUNCTION app_private.finish_sub_stage(app.project_sub_stage_progress, app.sub_stage_status, jsonb) IS
  'Completes or skips a sub-stage (with its new metadata, when given): records delivery where the sub-stage marks it, starts the next one when it auto-advances, and advances the project''s stage when it is ready.';

CREATE OR REPLACE FUNCTION app_private.refuse_transition(
  p_progress app.project_sub_stage_progress, p_name text, p_action app.progress_action, p_allowed app.sub_stage_status[]
) RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = ''
AS $$
BEGIN
  IF p_progress.status <> ALL (p_allowed) THEN
    RAISE EXCEPTION 'cannot % sub-stage "%": it is %, and % needs it to be %', p_action, p_name, p_progress.status, p_action,
                    pg_catalog.array_to_string(p_allowed, ' or ')
      USING ERRCODE = 'PT409',
            DETAIL = 'progress.invalid_transition',
            HINT = CASE WHEN p_progress.status = 'in_review' THEN 'It waits for its approval (GET /approvals?entity_id=eq.' || p_progress.id || ').'
                        WHEN p_progress.status = 'pending' AND p_action = 'complete' THEN 'Start it first.'
                        ELSE 'GET /project_workflow?project_id=eq.' || p_progress.project_id || ' shows every sub-stage''s state.' END;
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.refuse_transition(app.project_sub_stage_progress, text, app.progress_action, app.sub_stage_status[]) IS
  'PT409 progress.invalid_transition, the message naming the current state and the requested action, when the action is not allowed from the current state.';

CREATE OR REPLACE FUNCTION app_private.checked_attachments(p_progress app.project_sub_stage_progress, p_attachments jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_item jsonb;
  v_file_path text;
  v_checked jsonb := '[]';
BEGIN
  IF p_attachments IS NULL OR p_attachments = 'null' THEN
    RETURN '[]';
  END IF;
  IF jsonb_typeof(p_attachments) <> 'array' OR jsonb_array_length(p_attachments) > 50 THEN
    PERFORM app_private.raise_invalid('progress.attachments_invalid',
                                      'attachments must be an array of at most 50 {"document_id", "version_number"} objects',
                                      'e.g. [{"document_id": "<uuid>", "version_number": 1}]');
  END IF;
  FOR v_item IN SELECT a FROM jsonb_array_elements(p_attachments) AS a LOOP
    v_file_path := NULL;
    IF jsonb_typeof(v_item) = 'object' AND (v_item ->> 'document_id') ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
       AND (v_item ->> 'version_number') ~ '^[0-9]{1,9}$' THEN
      SELECT v.file_path INTO v_file_path
        FROM app.document_versions AS v
        JOIN app.documents AS d ON d.organization_id = v.organization_id AND d.id = v.document_id
       WHERE v.organization_id = p_progress.organization_id AND d.project_id = p_progress.project_id
         AND v.document_id = (v_item ->> 'document_id')::uuid AND v.version_number = (v_item ->> 'version_number')::integer
         AND v.upload_state = 'stored';
    END IF;
    IF v_file_path IS NULL THEN
      PERFORM app_private.raise_invalid('progress.attachment_not_in_project',
                                        format('attachment %s is not a document version of this project', v_item),
                                        'Send {"document_id": ..., "version_number": n} of a version uploaded to the project whose file is stored.');
    END IF;
    v_checked := v_checked || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
      'document_id', v_item -> 'document_id', 'version_number', (v_item ->> 'version_number')::integer, 'file_path', v_file_path));
  END LOOP;
  RETURN v_checked;
END
$$;

COMMENT ON FUNCTION app_private.checked_attachments(app.project_sub_stage_progress, jsonb) IS
  'Validates attachments as document versions of the project (PT422 progress.attachments_invalid, progress.attachment_not_in_project) and returns them with their file paths.';

CREATE OR REPLACE FUNCTION app.update_progress(
  project_id uuid,
  sub_stage_id uuid,
  action app.progress_action,
  comment text DEFAULT NULL,
  attachments jsonb DEFAULT '[]',
  metadata jsonb DEFAULT NULL
) RETURNS app.project_sub_stage_progress
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_project app.projects;
  v_progress app.project_sub_stage_progress;
  v_name text;
  v_attachments jsonb;
  v_metadata jsonb;
  v_approval app.approvals;
  v_item jsonb;
BEGIN
  -- Whoever may not read the tenant's projects (portal users among them)
  -- finds none. Lock order everywhere: project, then approval, then progress.
  SELECT * INTO v_project FROM app.projects AS p
   WHERE p.organization_id = auth.org_id() AND p.id = update_progress.project_id
     AND auth.partner_id() IS NULL AND auth.has_permission('project.read')
   FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no project %', project_id USING ERRCODE = 'PT404', DETAIL = 'project.not_found',
      HINT = 'GET /projects lists the projects of your organization.';
  END IF;
  IF length(comment) > 4000 THEN
    PERFORM app_private.raise_invalid('progress.comment_too_long', 'comment is longer than 4000 characters',
                                      'Keep comments to 4000 characters; attach a document for more.');
  END IF;
  IF metadata IS NOT NULL AND (jsonb_typeof(metadata) <> 'object' OR octet_length(metadata::text) > 16384) THEN
    PERFORM app_private.raise_invalid('progress.metadata_invalid', 'metadata must be a JSON object of at most 16 KiB',
                                      'e.g. {"ctq_failures": 0, "rework_percent": 1.5}');
  END IF;
  IF v_project.status IN ('completed', 'cancelled') THEN
    RAISE EXCEPTION 'project % is %', v_project.project_number, v_project.status USING ERRCODE = 'PT409',
      DETAIL = 'project.closed', HINT = 'A completed or cancelled project takes no more progress.';
  END IF;
  SELECT pr.* INTO v_progress FROM app.project_sub_stage_progress AS pr
   WHERE pr.organization_id = v_project.organization_id AND pr.project_id = v_project.id
     AND pr.sub_stage_id = update_progress.sub_stage_id
   FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'sub-stage % has no progress in project %', sub_stage_id, v_project.project_number USING ERRCODE = 'PT404',
      DETAIL = 'progress.not_found',
      HINT = 'Sub-stages get progress when the project enters their stage (GET /project_workflow?project_id=eq.' || v_project.id || ').';
  END IF;
  SELECT s.name INTO v_name FROM app.workflow_sub_stages AS s
   WHERE s.organization_id = v_progress.organization_id AND s.id = v_progress.sub_stage_id;

  IF NOT (auth.holds_any_role(v_progress.responsible_roles) OR auth.has_permission('progress.manage')) THEN
    RAISE EXCEPTION '% "%" needs one of the roles: %', action, v_name, app_private.message_list(v_progress.responsible_roles || 'management'::text)
      USING ERRCODE = 'PT403', DETAIL = 'progress.not_responsible', HINT = 'Ask someone responsible for the sub-stage, or management.';
  END IF;

  -- One write per action: the log entry and the new state together.
  v_attachments := app_private.checked_attachments(v_progress, attachments);
  v_metadata := v_progress.metadata || coalesce(update_progress.metadata, '{}')
    || pg_catalog.jsonb_build_object('log', coalesce(v_progress.metadata -> 'log', '[]') || pg_catalog.jsonb_build_array(
         pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
           'at', pg_catalog.now(), 'by', auth.user_id(), 'action', update_progress.action,
           'comment', update_progress.comment, 'attachments', nullif(v_attachments, '[]')))));

  CASE action
  WHEN 'start' THEN
    PERFORM app_private.refuse_transition(v_progress, v_name, action, '{pending,blocked}');
    UPDATE app.project_sub_stage_progress AS pr
       SET status = 'in_progress', started_at = coalesce(pr.started_at, pg_catalog.now()), blocked_reason = NULL,
           metadata = v_metadata, assigned_to = coalesce(pr.assigned_to, auth.user_id())
     WHERE pr.organization_id = v_progress.organization_id AND pr.id = v_progress.id;
  WHEN 'complete' THEN
    PERFORM app_private.refuse_transition(v_progress, v_name, action, '{in_progress}');
    PERFORM app_private.refuse_unmet_exit_criteria(v_project, v_progress,
                                                   CASE WHEN v_progress.requires_approval THEN v_progress.approval_type END);
    IF v_progress.requires_approval THEN
      -- finalize_sub_stage_with_approval: the gate opens an approval and waits for it.
      UPDATE app.project_sub_stage_progress AS pr
         SET status = 'in_review', metadata = v_metadata, assigned_to = coalesce(pr.assigned_to, auth.user_id())
       WHERE pr.organization_id = v_progress.organization_id AND pr.id = v_progress.id;
      v_approval := app_private.open_approval(v_progress.organization_id, 'project_sub_stage', v_progress.id, v_project,
                                              v_progress.approval_type,
                                              (SELECT pg_catalog.jsonb_object_agg(k, v) FROM pg_catalog.jsonb_each(v_metadata) AS m (k, v)
                                                WHERE k IN ('ctq_failures', 'rework_percent')));
      FOR v_item IN SELECT a FROM jsonb_array_elements(v_attachments) AS a LOOP
        INSERT INTO app.approval_attachments (organization_id, approval_id, document_id, version_number, file_url, uploaded_by)
        VALUES (v_approval.organization_id, v_approval.id, (v_item ->> 'document_id')::uuid, (v_item ->> 'version_number')::integer,
                v_item ->> 'file_path', auth.user_id())
        ON CONFLICT DO NOTHING;
      END LOOP;
    ELSE
      PERFORM app_private.finish_sub_stage(v_progress, 'completed', v_metadata);
    END IF;
  WHEN 'skip' THEN
    PERFORM app_private.refuse_transition(v_progress, v_name, action, '{pending,in_progress,blocked}');
    IF NOT v_progress.can_skip THEN
      RAISE EXCEPTION 'sub-stage "%" cannot be skipped in this workflow', v_name USING ERRCODE = 'PT409',
        DETAIL = 'progress.cannot_skip',
        HINT = 'Only sub-stages with can_skip may be skipped; complete it or ask management to change the workflow.';
    END IF;
    PERFORM app_private.refuse_unmet_exit_criteria(v_project, v_progress, NULL);
    PERFORM app_private.finish_sub_stage(v_progress, 'skipped', v_metadata);
  WHEN 'block' THEN
    PERFORM app_private.refuse_transition(v_progress, v_name, action, '{pending,in_progress}');
    IF coalesce(btrim(comment), '') = '' THEN
      PERFORM app_private.raise_invalid('progress.block_reason_required', 'blocking needs a comment that says why',
                                        'Send {"action": "block", "comment": "waiting for ..."}.');
    END IF;
    UPDATE app.project_sub_stage_progress AS pr
       SET status = 'blocked', blocked_reason = comment, metadata = v_metadata, assigned_to = coalesce(pr.assigned_to, auth.user_id())
     WHERE pr.organization_id = v_progress.organization_id AND pr.id = v_progress.id;
  END CASE;

  SELECT * INTO v_progress FROM app.project_sub_stage_progress WHERE organization_id = v_progress.organization_id AND id = v_progress.id;
  RETURN v_progress;
END
$$;

COMMENT ON FUNCTION app.update_progress(uuid, uuid, app.progress_action, text, jsonb, jsonb) IS
  'PATCH /projects/:id/progress/:sub_stage_id. action start (from pending or blocked), complete (from in_progress; an approval-gated sub-stage goes to in_review and opens an approval), skip (where can_skip), block (with a comment). comment and attachments ([{"document_id", "version_number"}]) are logged on the row; metadata (e.g. ctq_failures, rework_percent) is merged. For holders of the sub-stage''s responsible roles and management (progress.manage). Returns the updated row. Completing or skipping the last open required sub-stage of the current stage completes the stage: refused while one of its checked exit criteria is unmet and not waived (GET /project_exit_criteria). Errors: PT403 progress.not_responsible, PT404 project.not_found or progress.not_found, PT409 project.closed, progress.invalid_transition (the message names the current and requested state), progress.cannot_skip, exit_criterion.documents_missing, exit_criterion.value_missing or exit_criterion.approval_missing, PT422 progress.block_reason_required, progress.comment_too_long, progress.metadata_invalid, progress.attachments_invalid, progress.attachment_not_in_project.';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.project_sub_stage_progress
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
