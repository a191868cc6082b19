-- Work order templates (migration maintenance/work_orders): standard jobs a
-- planner defines once; app.create_work_order and app.convert_work_request
-- copy the task text, checklist template (started on the work order),
-- estimated hours and required qualification; the parts kit
-- (app.work_order_template_parts) is copied by a trigger (46_kits.sql).

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.work_order_templates
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

CREATE OR REPLACE FUNCTION app.define_work_order_template(code text, name text, work_type app.work_order_type DEFAULT 'preventive',
                                                         task_text text DEFAULT '', checklist_template_key text DEFAULT NULL,
                                                         estimated_hours numeric DEFAULT NULL, required_qualification text DEFAULT NULL,
                                                         is_active boolean DEFAULT true)
RETURNS app.work_order_templates
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_template app.work_order_templates;
BEGIN
  PERFORM app_private.require_permission('work_order.manage');
  IF checklist_template_key IS NOT NULL AND (app_private.checklist_template_of(v_org, checklist_template_key)).entity_type <> 'work_order' THEN
    PERFORM app_private.raise_invalid('checklist_template.wrong_entity_type', format('checklist template %s is not for work orders', checklist_template_key),
      'Name a checklist template whose entity_type is work_order.');
  END IF;
  IF required_qualification IS NOT NULL AND NOT EXISTS (
       SELECT FROM app.qualifications AS q WHERE q.organization_id = v_org AND q.code = define_work_order_template.required_qualification) THEN
    RAISE EXCEPTION 'qualification % not found', required_qualification USING ERRCODE = 'PT404', DETAIL = 'qualification.not_found',
      HINT = 'GET /qualifications lists the codes.';
  END IF;
  INSERT INTO app.work_order_templates AS t (organization_id, code, name, work_type, task_text, checklist_template_key, estimated_hours,
                                             required_qualification, is_active)
  VALUES (v_org, define_work_order_template.code, pg_catalog.btrim(define_work_order_template.name), define_work_order_template.work_type,
          coalesce(define_work_order_template.task_text, ''), define_work_order_template.checklist_template_key,
          define_work_order_template.estimated_hours, define_work_order_template.required_qualification,
          coalesce(define_work_order_template.is_active, true))
  ON CONFLICT ON CONSTRAINT work_order_templates_code_unique DO UPDATE
    SET name = EXCLUDED.name, work_type = EXCLUDED.work_type, task_text = EXCLUDED.task_text,
        checklist_template_key = EXCLUDED.checklist_template_key, estimated_hours = EXCLUDED.estimated_hours,
        required_qualification = EXCLUDED.required_qualification, is_active = EXCLUDED.is_active
  RETURNING t.* INTO v_template;
  RETURN v_template;
END
$$;
COMMENT ON FUNCTION app.define_work_order_template(text, text, app.work_order_type, text, text, numeric, text, boolean) IS
  E'Define a work order template\nCreates or replaces (by code) a standard job: name, work type, task text, checklist template (for work orders), estimated hours, required qualification (code). Needs work_order.manage tenant-wide.\nErrors: PT403 permission.missing, PT404 checklist_template.not_found / qualification.not_found, PT422 checklist_template.wrong_entity_type; constraint violations (23514) for a bad code or hours.';
