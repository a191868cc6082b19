-- SOP templates and tasks (migration lab/sop_tasks). A template version is
-- edited as a draft (steps, their checks and dependencies), published
-- (frozen; the version published before is retired) and used for new tasks.
-- A task copies the version's steps; its assignee must hold the
-- qualifications of the SOP and its steps; a step starts only when the steps
-- it depends on have passed, and only its assignee starts and completes it,
-- recording the check values; with the tenant's glp_training_checks flag,
-- only while their training on the SOP's document version is current.

-- Templates ------------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.tg_sop_templates__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF NEW.document_version_id IS NOT NULL AND NOT EXISTS (
       SELECT FROM app.document_versions AS v
        WHERE v.organization_id = NEW.organization_id AND v.id = NEW.document_version_id AND v.document_id = NEW.document_id) THEN
    PERFORM app_private.raise_invalid('sop_template.document_version_mismatch', 'the document version is not a version of the document',
      'Send a document_version_id of document_id (GET /document_versions?document_id=eq.<id>), or leave it out for the current one.');
  END IF;
  IF TG_OP = 'INSERT' THEN
    -- (An upsert of an existing version, by id, keeps its number: the conflict makes it an update.)
    IF (NEW.version IS NULL OR NEW.version = 1)
       AND NOT EXISTS (SELECT FROM app.sop_templates AS t WHERE t.organization_id = NEW.organization_id AND t.id = NEW.id) THEN
      PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('sop_template:' || NEW.organization_id::text || NEW.code, 0));
      NEW.version := coalesce((SELECT max(t.version) + 1 FROM app.sop_templates AS t
                                WHERE t.organization_id = NEW.organization_id AND t.code = NEW.code), 1);
    END IF;
    IF NEW.status <> 'draft' AND app_private.is_member_call() THEN
      PERFORM app_private.raise_invalid('sop_template.status_locked', 'a new SOP template version starts as a draft',
        'Insert it as a draft, add its steps, then PATCH status to published.');
    END IF;
    NEW.created_by := auth.user_id();
    RETURN NEW;
  END IF;
  IF OLD.status = 'draft' AND NEW.status = 'published' THEN
    IF NOT EXISTS (SELECT FROM app.sop_steps AS s WHERE s.organization_id = NEW.organization_id AND s.template_id = NEW.id) THEN
      PERFORM app_private.raise_invalid('sop_template.no_steps', pg_catalog.format('SOP %s version %s has no steps', NEW.code, NEW.version),
        'Add its steps (POST /sop_steps) before publishing.');
    END IF;
    NEW.published_at := pg_catalog.now();
    NEW.document_version_id := coalesce(NEW.document_version_id,
      (SELECT v.id FROM app.document_versions AS v
        WHERE v.organization_id = NEW.organization_id AND v.document_id = NEW.document_id AND v.is_current));
    UPDATE app.sop_templates AS t SET status = 'retired'
     WHERE t.organization_id = NEW.organization_id AND t.code = NEW.code AND t.status = 'published' AND t.id <> NEW.id;
  ELSIF OLD.status <> 'draft' AND (NEW.status IS DISTINCT FROM OLD.status AND NOT (OLD.status = 'published' AND NEW.status = 'retired')
                                   OR (NEW.title, NEW.description, NEW.document_id, NEW.document_version_id, NEW.qualification_id)
                                      IS DISTINCT FROM (OLD.title, OLD.description, OLD.document_id, OLD.document_version_id, OLD.qualification_id)) THEN
    RAISE EXCEPTION 'SOP % version % is %', OLD.code, OLD.version, OLD.status USING ERRCODE = 'PT409', DETAIL = 'sop_template.frozen',
      HINT = 'A published or retired SOP version is frozen (only published -> retired is allowed): insert a new version of the code.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_sop_templates__prepare() IS
  'BEFORE INSERT/UPDATE on sop_templates: the tenant guard; the document version belongs to the document (PT422 sop_template.document_version_mismatch); a new version is numbered after the code''s last and starts as a draft (PT422 sop_template.status_locked); publishing needs a step (PT422 sop_template.no_steps), stamps published_at, pins the document''s current version unless one is set and retires the version published before; a published or retired version is frozen but for published -> retired (PT409 sop_template.frozen).';

CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.sop_templates
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_sop_templates__prepare();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.sop_templates
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

-- Steps and their dependencies change only while their template is a draft.
CREATE OR REPLACE FUNCTION app_private.refuse_frozen_sop_template(p_organization_id uuid, p_template_id uuid) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_template app.sop_templates;
BEGIN
  SELECT * INTO v_template FROM app.sop_templates AS t WHERE t.organization_id = p_organization_id AND t.id = p_template_id;
  IF FOUND AND v_template.status <> 'draft' THEN
    RAISE EXCEPTION 'SOP % version % is %', v_template.code, v_template.version, v_template.status USING ERRCODE = 'PT409',
      DETAIL = 'sop_template.frozen', HINT = 'The steps of a published or retired SOP version are frozen: insert a new version of the code.';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.refuse_frozen_sop_template(uuid, uuid) IS
  'PT409 sop_template.frozen unless the template version is a draft.';

-- The shape of a step's checks.
CREATE OR REPLACE FUNCTION app_private.sop_checks_schema() RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  SELECT '{
    "type": "array", "maxItems": 100,
    "items": {"type": "object", "additionalProperties": false, "required": ["key", "label", "kind"],
              "properties": {"key": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"},
                             "label": {"type": "string", "minLength": 1, "maxLength": 300},
                             "kind": {"enum": ["confirm", "number", "text"]},
                             "min": {"type": "number"}, "max": {"type": "number"},
                             "unit": {"type": "string", "maxLength": 50},
                             "required": {"type": "boolean"}}}}'::jsonb
$$;
COMMENT ON FUNCTION app_private.sop_checks_schema() IS
  'The JSON Schema of sop_steps.checks: an array of {key, label, kind (confirm, number, text), min, max, unit, required}.';

CREATE OR REPLACE FUNCTION app_private.tg_sop_steps__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  -- A new step, or a change of one (an upsert of an existing step by id is
  -- judged by its update).
  IF (CASE WHEN TG_OP = 'INSERT'
           THEN NOT EXISTS (SELECT FROM app.sop_steps AS s WHERE s.organization_id = NEW.organization_id AND s.id = NEW.id)
           ELSE (NEW.position, NEW.title, NEW.instructions, NEW.checks, NEW.qualification_id)
                IS DISTINCT FROM (OLD.position, OLD.title, OLD.instructions, OLD.checks, OLD.qualification_id) END) THEN
    PERFORM app_private.refuse_frozen_sop_template(NEW.organization_id, NEW.template_id);
  END IF;
  PERFORM app_private.validate_json(app_private.sop_checks_schema(), NEW.checks, 'checks');
  IF (SELECT count(DISTINCT c ->> 'key') <> count(*) FROM pg_catalog.jsonb_array_elements(NEW.checks) AS c) THEN
    PERFORM app_private.raise_invalid('sop_step.check_key_duplicate', 'two checks of the step have the same key',
      'Give every check of a step its own key.');
  END IF;
  IF EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(NEW.checks) AS c
              WHERE (c ? 'min' OR c ? 'max') AND c ->> 'kind' <> 'number'
                 OR (c ->> 'min')::numeric > (c ->> 'max')::numeric) THEN
    PERFORM app_private.raise_invalid('sop_step.check_limits_invalid', 'limits belong to number checks, min not above max',
      'Give min and max only to checks of kind number, with min <= max.');
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_sop_steps__prepare() IS
  'BEFORE INSERT/UPDATE on sop_steps: the tenant guard; only a draft template''s steps change (PT409 sop_template.frozen); the checks match app_private.sop_checks_schema() (PT422 json_schema.invalid with the path), with distinct keys (PT422 sop_step.check_key_duplicate) and limits only on number checks, min <= max (PT422 sop_step.check_limits_invalid).';

CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.sop_steps
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_sop_steps__prepare();

-- Deleting a step or a dependency: only from a draft.
CREATE OR REPLACE FUNCTION app_private.tg_sop__refuse_frozen_delete() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_frozen_sop_template(OLD.organization_id, OLD.template_id);
  RETURN OLD;
END
$$;
COMMENT ON FUNCTION app_private.tg_sop__refuse_frozen_delete() IS
  'BEFORE DELETE on sop_steps and sop_step_dependencies: only a draft template''s steps and dependencies are deleted (PT409 sop_template.frozen).';

CREATE OR REPLACE TRIGGER _200_refuse_frozen_delete BEFORE DELETE ON app.sop_steps
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_sop__refuse_frozen_delete();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.sop_steps
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

CREATE OR REPLACE FUNCTION app_private.tg_sop_step_dependencies__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  NEW.template_id := coalesce(NEW.template_id,
    (SELECT s.template_id FROM app.sop_steps AS s WHERE s.organization_id = NEW.organization_id AND s.id = NEW.step_id));
  PERFORM app_private.refuse_frozen_sop_template(NEW.organization_id, NEW.template_id);
  -- No cycle: the step must not be reachable from the step it depends on.
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('sop_steps:' || NEW.template_id::text, 0));
  IF EXISTS (
    WITH RECURSIVE upstream (step_id) AS (
      SELECT NEW.depends_on_step_id
      UNION
      SELECT d.depends_on_step_id FROM app.sop_step_dependencies AS d JOIN upstream AS u ON d.step_id = u.step_id
       WHERE d.organization_id = NEW.organization_id AND d.template_id = NEW.template_id)
    SELECT FROM upstream WHERE step_id = NEW.step_id) THEN
    PERFORM app_private.raise_invalid('sop_step.dependency_cycle', 'the dependency would make a cycle of steps',
      'Steps depend on earlier work only: a step cannot (indirectly) depend on itself.');
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_sop_step_dependencies__prepare() IS
  'BEFORE INSERT/UPDATE on sop_step_dependencies: the tenant guard; the template is the step''s (the composite keys keep both steps in it); only a draft''s dependencies change (PT409 sop_template.frozen); no cycle (PT422 sop_step.dependency_cycle).';

CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.sop_step_dependencies
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_sop_step_dependencies__prepare();
CREATE OR REPLACE TRIGGER _200_refuse_frozen_delete BEFORE DELETE ON app.sop_step_dependencies
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_sop__refuse_frozen_delete();

-- Qualifications and training -------------------------------------------------

-- The qualifications (code, name) a task of the template needs that the
-- person does not hold now: the template's and every step's.
CREATE OR REPLACE FUNCTION app_private.sop_missing_qualifications(p_organization_id uuid, p_template_id uuid, p_user_id uuid)
RETURNS text[]
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT pg_catalog.array_agg(DISTINCT pg_catalog.format('%s (%s)', q.name, q.code))
    FROM app.qualifications AS q
   WHERE q.organization_id = p_organization_id
     AND q.id IN (SELECT t.qualification_id FROM app.sop_templates AS t WHERE t.organization_id = p_organization_id AND t.id = p_template_id
                  UNION
                  SELECT s.qualification_id FROM app.sop_steps AS s WHERE s.organization_id = p_organization_id AND s.template_id = p_template_id)
     AND NOT app_private.holds_qualification(p_organization_id, p_user_id, q.code, pg_catalog.now())
$$;
COMMENT ON FUNCTION app_private.sop_missing_qualifications(uuid, uuid, uuid) IS
  'The qualifications ("name (code)") of an SOP template version and its steps the person does not hold now; NULL when none is missing.';

-- With glp_training_checks on: the person's training on the SOP's document
-- version must be current (a training record on that version, unexpired).
CREATE OR REPLACE FUNCTION app_private.refuse_untrained(p_organization_id uuid, p_template_id uuid, p_user_id uuid) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_doc record;
BEGIN
  IF NOT (app_private.feature_flag(p_organization_id, 'glp_training_checks') #>> '{}')::boolean THEN
    RETURN;
  END IF;
  SELECT d.title, v.id AS version_id, v.version_number INTO v_doc
    FROM app.sop_templates AS t
    JOIN app.documents AS d ON d.organization_id = t.organization_id AND d.id = t.document_id
    JOIN app.document_versions AS v ON v.organization_id = t.organization_id AND v.id = t.document_version_id
   WHERE t.organization_id = p_organization_id AND t.id = p_template_id;
  IF FOUND AND NOT EXISTS (
       SELECT FROM app.training_records AS r
        WHERE r.organization_id = p_organization_id AND r.user_id = p_user_id AND r.document_version_id = v_doc.version_id
          AND r.completed_at <= pg_catalog.now() AND (r.expires_at IS NULL OR r.expires_at > pg_catalog.now())) THEN
    RAISE EXCEPTION 'training on % version % is not current', v_doc.title, v_doc.version_number USING ERRCODE = 'PT403',
      DETAIL = 'training.not_current',
      HINT = pg_catalog.format('The tenant requires current training (glp_training_checks): record training on "%s" version %s (POST /training_records), then try again.',
                               v_doc.title, v_doc.version_number);
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.refuse_untrained(uuid, uuid, uuid) IS
  'With the tenant''s glp_training_checks flag on and an SOP tied to a controlled document: PT403 training.not_current naming the document and version unless the person has an unexpired training record on the SOP''s document version.';

-- Tasks ----------------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.tg_sop_tasks__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_template app.sop_templates;
  v_missing text[];
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF TG_OP = 'INSERT' THEN
    SELECT * INTO v_template FROM app.sop_templates AS t WHERE t.organization_id = NEW.organization_id AND t.id = NEW.template_id;
    IF FOUND AND v_template.status <> 'published' THEN
      PERFORM app_private.raise_invalid('sop_template.not_published',
        pg_catalog.format('SOP %s version %s is %s', v_template.code, v_template.version, v_template.status),
        'Tasks follow the published version of an SOP (GET /sop_templates?status=eq.published).');
    END IF;
    IF NEW.status <> 'open' AND app_private.is_member_call() THEN
      PERFORM app_private.raise_invalid('sop_task.status_locked', 'a new task starts open', 'Leave status out; its steps move it on.');
    END IF;
    NEW.task_number := app_private.take_human_id(NEW.organization_id, 'TSK', NEW.task_number);
    NEW.site_id := CASE NEW.entity_type
      WHEN 'sample' THEN (SELECT s.site_id FROM app.samples AS s WHERE s.organization_id = NEW.organization_id AND s.id = NEW.entity_id)
      WHEN 'service_request' THEN (SELECT r.site_id FROM app.service_requests AS r WHERE r.organization_id = NEW.organization_id AND r.id = NEW.entity_id)
      WHEN 'result' THEN (SELECT s.site_id FROM app.results AS r JOIN app.samples AS s ON s.organization_id = r.organization_id AND s.id = r.sample_id
                           WHERE r.organization_id = NEW.organization_id AND r.id = NEW.entity_id) END;
    NEW.created_by := auth.user_id();
  END IF;
  -- Creating, reassigning and rescheduling need task.manage; the status
  -- moves through the step RPCs, which check the performer instead.
  IF app_private.is_member_call()
     AND (TG_OP = 'INSERT' OR (NEW.assigned_to, NEW.due_at) IS DISTINCT FROM (OLD.assigned_to, OLD.due_at)) THEN
    PERFORM auth.check_permission_at('task.manage', NEW.site_id);
  END IF;
  IF NEW.assigned_to IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.assigned_to IS DISTINCT FROM OLD.assigned_to) THEN
    IF TG_OP = 'UPDATE' AND OLD.status NOT IN ('open', 'in_progress') THEN
      RAISE EXCEPTION 'task % is %', OLD.task_number, OLD.status USING ERRCODE = 'PT409', DETAIL = 'sop_task.closed',
        HINT = 'A completed or cancelled task is not reassigned.';
    END IF;
    IF NOT app_private.is_active_staff(NEW.organization_id, NEW.assigned_to) THEN
      RAISE EXCEPTION 'user % is not an active member', NEW.assigned_to USING ERRCODE = 'PT404', DETAIL = 'user.not_member',
        HINT = 'Assign tasks to active staff members of your organization.';
    END IF;
    v_missing := app_private.sop_missing_qualifications(NEW.organization_id, NEW.template_id, NEW.assigned_to);
    IF v_missing IS NOT NULL THEN
      PERFORM app_private.raise_invalid('sop_task.assignee_unqualified',
        pg_catalog.format('the assignee does not hold %s', pg_catalog.array_to_string(v_missing, ', ')),
        'Assign someone who holds the qualifications of the SOP and its steps (GET /current_qualifications), or grant them first.');
    END IF;
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_sop_tasks__prepare() IS
  'BEFORE INSERT/UPDATE on sop_tasks: the tenant guard; a new task follows a published SOP version (PT422 sop_template.not_published), starts open (PT422 sop_task.status_locked), gets the next human id (TSK-000123), its site from its sample, service request or result, its creator; a member needs task.manage tenant-wide or at that site (PT403 permission.missing); the assignee is active staff (PT404 user.not_member) holding every qualification of the SOP and its steps (PT422 sop_task.assignee_unqualified naming them); a closed task is not reassigned (PT409 sop_task.closed).';

CREATE OR REPLACE FUNCTION app_private.tg_sop_tasks__copy_steps() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  INSERT INTO app.sop_task_steps (organization_id, task_id, step_id, position, title, instructions, checks, qualification_id)
  SELECT s.organization_id, NEW.id, s.id, s.position, s.title, s.instructions, s.checks, s.qualification_id
    FROM app.sop_steps AS s WHERE s.organization_id = NEW.organization_id AND s.template_id = NEW.template_id;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_sop_tasks__copy_steps() IS
  'AFTER INSERT on sop_tasks: copies the SOP version''s steps into the task (sop_task_steps, pending).';

CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.sop_tasks
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('task.manage');
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.sop_tasks
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_sop_tasks__prepare();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.sop_tasks
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _400_copy_steps AFTER INSERT ON app.sop_tasks
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_sop_tasks__copy_steps();

SELECT app_private.register_entity_type('sop_task', 'app.sop_tasks', 'task_number', 'SOP task');

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.sop_task_steps
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

CREATE OR REPLACE FUNCTION app.cancel_sop_task(task_id uuid, reason text) RETURNS app.sop_tasks
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_task app.sop_tasks;
BEGIN
  SELECT * INTO v_task FROM app.sop_tasks AS t WHERE t.organization_id = auth.org_id() AND t.id = cancel_sop_task.task_id FOR UPDATE;
  IF NOT FOUND OR auth.partner_id() IS NOT NULL THEN
    RAISE EXCEPTION 'task % not found', cancel_sop_task.task_id USING ERRCODE = 'PT404', DETAIL = 'sop_task.not_found',
      HINT = 'The task does not exist in your active tenant, or you may not see it.';
  END IF;
  PERFORM auth.check_permission_at('task.manage', v_task.site_id);
  IF length(btrim(coalesce(reason, ''))) = 0 THEN
    PERFORM app_private.raise_invalid('sop_task.reason_required', 'cancelling a task needs a reason', 'Send reason.');
  END IF;
  IF v_task.status NOT IN ('open', 'in_progress') THEN
    RAISE EXCEPTION 'task % is %', v_task.task_number, v_task.status USING ERRCODE = 'PT409', DETAIL = 'sop_task.closed',
      HINT = 'A completed or cancelled task stays as it is.';
  END IF;
  UPDATE app.sop_tasks AS t SET status = 'cancelled', cancel_reason = btrim(reason)
   WHERE t.organization_id = v_task.organization_id AND t.id = v_task.id
  RETURNING * INTO v_task;
  RETURN v_task;
END
$$;
COMMENT ON FUNCTION app.cancel_sop_task(uuid, text) IS
  E'Cancel an SOP task\nWith a reason (PT422 sop_task.reason_required); task.manage tenant-wide or at its site (PT403 permission.missing); PT404 sop_task.not_found; PT409 sop_task.closed.';

-- Performing steps -------------------------------------------------------------

-- The caller's step of a task, locked with its task: only the assignee
-- performs it (PT403), in an open task (PT409), holding the step's
-- qualification now and, with glp_training_checks, current training.
CREATE OR REPLACE FUNCTION app_private.performable_sop_step(p_task_step_id uuid) RETURNS app.sop_task_steps
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_step app.sop_task_steps;
  v_task app.sop_tasks;
  v_missing text[];
BEGIN
  SELECT * INTO v_step FROM app.sop_task_steps AS s WHERE s.organization_id = auth.org_id() AND s.id = p_task_step_id;
  IF FOUND THEN
    SELECT * INTO v_task FROM app.sop_tasks AS t WHERE t.organization_id = v_step.organization_id AND t.id = v_step.task_id FOR UPDATE;
    SELECT * INTO v_step FROM app.sop_task_steps AS s WHERE s.organization_id = v_step.organization_id AND s.id = v_step.id FOR UPDATE;
  END IF;
  IF v_step.id IS NULL OR auth.partner_id() IS NOT NULL
     OR (v_task.assigned_to IS DISTINCT FROM auth.user_id() AND NOT auth.has_permission('sample.read')
         AND NOT v_task.site_id = ANY (auth.permitted_site_ids('sample.read'))) THEN
    RAISE EXCEPTION 'task step % not found', p_task_step_id USING ERRCODE = 'PT404', DETAIL = 'sop_step.not_found',
      HINT = 'The step does not exist in your active tenant, or you may not see it.';
  END IF;
  IF v_task.assigned_to IS DISTINCT FROM auth.user_id() THEN
    RAISE EXCEPTION 'task % is not assigned to you', v_task.task_number USING ERRCODE = 'PT403', DETAIL = 'sop_task.not_assignee',
      HINT = 'Only the task''s assignee performs its steps; ask whoever holds task.manage to assign it to you.';
  END IF;
  IF v_task.status NOT IN ('open', 'in_progress') THEN
    RAISE EXCEPTION 'task % is %', v_task.task_number, v_task.status USING ERRCODE = 'PT409', DETAIL = 'sop_task.closed',
      HINT = 'A completed or cancelled task takes no more work.';
  END IF;
  v_missing := app_private.sop_missing_qualifications(v_task.organization_id, v_task.template_id, auth.user_id());
  IF v_missing IS NOT NULL THEN
    RAISE EXCEPTION 'you do not hold %', pg_catalog.array_to_string(v_missing, ', ') USING ERRCODE = 'PT403',
      DETAIL = 'sop_step.qualification_missing', HINT = 'The SOP and its steps need these qualifications now (GET /current_qualifications).';
  END IF;
  PERFORM app_private.refuse_untrained(v_task.organization_id, v_task.template_id, auth.user_id());
  RETURN v_step;
END
$$;
COMMENT ON FUNCTION app_private.performable_sop_step(uuid) IS
  'The task step, locked with its task, if the caller may perform it: PT404 sop_step.not_found (not theirs to see), PT403 sop_task.not_assignee, PT409 sop_task.closed, PT403 sop_step.qualification_missing (naming it), PT403 training.not_current (glp_training_checks).';

CREATE OR REPLACE FUNCTION app.start_sop_step(task_step_id uuid) RETURNS app.sop_task_steps
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_step app.sop_task_steps := app_private.performable_sop_step(task_step_id);
  v_blocking text[];
BEGIN
  IF v_step.status NOT IN ('pending', 'failed') THEN
    RAISE EXCEPTION 'step % is %', v_step.title, v_step.status USING ERRCODE = 'PT409', DETAIL = 'sop_step.status_transition',
      HINT = 'A pending step is started, a failed one started again; an in-progress or passed one is not.';
  END IF;
  SELECT pg_catalog.array_agg(pg_catalog.format('%s. %s (%s)', b.position, b.title, b.status) ORDER BY b.position) INTO v_blocking
    FROM app.sop_step_dependencies AS d
    JOIN app.sop_task_steps AS b ON b.organization_id = d.organization_id AND b.task_id = v_step.task_id AND b.step_id = d.depends_on_step_id
   WHERE d.organization_id = v_step.organization_id AND d.step_id = v_step.step_id AND b.status <> 'passed';
  IF v_blocking IS NOT NULL THEN
    RAISE EXCEPTION 'step % waits for %', v_step.title, pg_catalog.array_to_string(v_blocking, ', ') USING ERRCODE = 'PT409',
      DETAIL = 'sop_step.blocked', HINT = 'Complete the steps it depends on, with their checks passed, first.';
  END IF;
  UPDATE app.sop_task_steps AS s
     SET status = 'in_progress', started_by = auth.user_id(), started_at = pg_catalog.now(),
         completed_by = NULL, completed_at = NULL, checks_passed = NULL, failed_checks = '{}'
   WHERE s.organization_id = v_step.organization_id AND s.id = v_step.id
  RETURNING * INTO v_step;
  UPDATE app.sop_tasks AS t SET status = 'in_progress', started_at = coalesce(t.started_at, pg_catalog.now())
   WHERE t.organization_id = v_step.organization_id AND t.id = v_step.task_id AND t.status = 'open';
  RETURN v_step;
END
$$;
COMMENT ON FUNCTION app.start_sop_step(uuid) IS
  E'Start a step of an SOP task\nThe assignee starts a pending (or failed, to repeat it) step once every step it depends on has passed (PT409 sop_step.blocked naming them); who and when are recorded and the task is in progress. PT404 sop_step.not_found, PT403 sop_task.not_assignee, sop_step.qualification_missing, training.not_current (glp_training_checks), PT409 sop_task.closed, sop_step.status_transition.';

-- Judges recorded values against a step's checks: the keys of the checks
-- that did not pass (a confirm not true, a number outside its limits, a
-- required value missing). Unknown keys and wrong types are refused.
CREATE OR REPLACE FUNCTION app_private.sop_failed_checks(p_checks jsonb, p_values jsonb) RETURNS text[]
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_check jsonb;
  v_value jsonb;
  v_failed text[] := '{}';
  v_unknown text;
BEGIN
  SELECT k INTO v_unknown FROM pg_catalog.jsonb_object_keys(p_values) AS k
   WHERE NOT EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(p_checks) AS c WHERE c ->> 'key' = k) LIMIT 1;
  IF v_unknown IS NOT NULL THEN
    PERFORM app_private.raise_invalid('sop_step.check_unknown', pg_catalog.format('the step has no check %s', v_unknown),
      'Send values under the keys of the step''s checks (GET /sop_task_steps?select=checks).');
  END IF;
  FOR v_check IN SELECT c FROM pg_catalog.jsonb_array_elements(p_checks) AS c LOOP
    v_value := p_values -> (v_check ->> 'key');
    IF v_value IS NULL OR v_value = 'null' THEN
      IF coalesce((v_check ->> 'required')::boolean, true) THEN
        PERFORM app_private.raise_invalid('sop_step.check_missing', pg_catalog.format('check %s (%s) has no value', v_check ->> 'key', v_check ->> 'label'),
          'Record a value for every required check.');
      END IF;
      CONTINUE;
    END IF;
    IF pg_catalog.jsonb_typeof(v_value) <> (CASE v_check ->> 'kind' WHEN 'confirm' THEN 'boolean' WHEN 'number' THEN 'number' ELSE 'string' END) THEN
      PERFORM app_private.raise_invalid('sop_step.check_value_invalid',
        pg_catalog.format('check %s takes a %s value', v_check ->> 'key', v_check ->> 'kind'),
        'confirm: true or false; number: a number; text: a string.');
    END IF;
    IF (v_check ->> 'kind' = 'confirm' AND v_value <> 'true')
       OR (v_check ->> 'kind' = 'number' AND ((v_value #>> '{}')::numeric < (v_check ->> 'min')::numeric
                                             OR (v_value #>> '{}')::numeric > (v_check ->> 'max')::numeric)) THEN
      v_failed := v_failed || (v_check ->> 'key');
    END IF;
  END LOOP;
  RETURN v_failed;
END
$$;
COMMENT ON FUNCTION app_private.sop_failed_checks(jsonb, jsonb) IS
  'The keys of the checks whose recorded values did not pass (a confirm not true, a number outside min..max); PT422 sop_step.check_unknown, sop_step.check_missing, sop_step.check_value_invalid.';

CREATE OR REPLACE FUNCTION app.complete_sop_step(task_step_id uuid, check_values jsonb DEFAULT '{}', notes text DEFAULT '')
RETURNS app.sop_task_steps
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_step app.sop_task_steps := app_private.performable_sop_step(task_step_id);
  v_failed text[];
BEGIN
  IF v_step.status <> 'in_progress' THEN
    RAISE EXCEPTION 'step % is %', v_step.title, v_step.status USING ERRCODE = 'PT409', DETAIL = 'sop_step.status_transition',
      HINT = 'Start the step (POST /rpc/start_sop_step) before completing it.';
  END IF;
  IF pg_catalog.jsonb_typeof(coalesce(check_values, '{}')) <> 'object' THEN
    PERFORM app_private.raise_invalid('sop_step.check_value_invalid', 'check_values is an object', 'Send {"<check key>": <value>, ...}.');
  END IF;
  v_failed := app_private.sop_failed_checks(v_step.checks, coalesce(check_values, '{}'));
  UPDATE app.sop_task_steps AS s
     SET status = CASE WHEN pg_catalog.cardinality(v_failed) = 0 THEN 'passed'::app.sop_step_status ELSE 'failed' END,
         check_values = coalesce(complete_sop_step.check_values, '{}'), checks_passed = pg_catalog.cardinality(v_failed) = 0,
         failed_checks = v_failed, notes = coalesce(complete_sop_step.notes, ''),
         completed_by = auth.user_id(), completed_at = pg_catalog.now()
   WHERE s.organization_id = v_step.organization_id AND s.id = v_step.id
  RETURNING * INTO v_step;
  UPDATE app.sop_tasks AS t SET status = 'completed', completed_at = pg_catalog.now()
   WHERE t.organization_id = v_step.organization_id AND t.id = v_step.task_id
     AND NOT EXISTS (SELECT FROM app.sop_task_steps AS s
                      WHERE s.organization_id = t.organization_id AND s.task_id = t.id AND s.status <> 'passed');
  RETURN v_step;
END
$$;
COMMENT ON FUNCTION app.complete_sop_step(uuid, jsonb, text) IS
  E'Complete (sign off) a step of an SOP task\nThe assignee records the check values: the step passes when every confirm is true and every number within its limits, else it fails (failed_checks; start it again to repeat it); who and when are recorded; the task completes when every step has passed. PT404 sop_step.not_found, PT403 sop_task.not_assignee, sop_step.qualification_missing, training.not_current (glp_training_checks), PT409 sop_task.closed, sop_step.status_transition, PT422 sop_step.check_unknown, check_missing, check_value_invalid.';
