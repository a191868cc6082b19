-- Parts kits (migration maintenance/kits): the parts a template's job needs,
-- copied into a work order's own planned parts list when the work order is
-- inserted from the template -- by a trigger on app.work_orders, so every
-- path that makes a work order from a template (app.create_work_order,
-- app.convert_work_request, preventive schedules) copies the kit.

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.work_order_template_parts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.work_order_parts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

-- A kit or planned-parts line checked: the part exists in the tenant and is
-- active, the quantity is above 0, the unit is the part's (none: the part's),
-- the storeroom (if any) is the tenant's and active. Returns the unit.
CREATE OR REPLACE FUNCTION app_private.check_kit_line(p_organization_id uuid, p_part_id uuid, p_quantity numeric, p_unit text,
                                                      p_storeroom_id uuid) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_part app.parts;
BEGIN
  SELECT * INTO v_part FROM app.parts AS p WHERE p.organization_id = p_organization_id AND p.id = p_part_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'part not found' USING ERRCODE = 'PT404', DETAIL = 'part.not_found', HINT = 'GET /parts lists the parts master.';
  END IF;
  IF v_part.status <> 'active' THEN
    RAISE EXCEPTION 'part % is %', v_part.part_number, v_part.status USING ERRCODE = 'PT409', DETAIL = 'part.inactive',
      HINT = 'Plan active parts only (GET /parts?status=eq.active).';
  END IF;
  IF p_quantity IS NULL OR p_quantity <= 0 THEN
    PERFORM app_private.raise_invalid('work_order_part.quantity_invalid', 'the quantity must be above 0',
      'Send a quantity above 0 in the part''s unit; remove the line to plan none.');
  END IF;
  IF p_unit IS NOT NULL AND p_unit <> v_part.unit THEN
    PERFORM app_private.raise_invalid('work_order_part.unit_mismatch', pg_catalog.format('%s is counted in %s, not %s', v_part.part_number, v_part.unit, p_unit),
      pg_catalog.format('Send the quantity in %s (or leave unit out).', v_part.unit));
  END IF;
  IF p_storeroom_id IS NOT NULL AND NOT EXISTS (
       SELECT FROM app.storerooms AS r WHERE r.organization_id = p_organization_id AND r.id = p_storeroom_id AND r.is_active) THEN
    RAISE EXCEPTION 'storeroom not found' USING ERRCODE = 'PT404', DETAIL = 'storeroom.not_found',
      HINT = 'GET /storerooms lists the active storerooms.';
  END IF;
  RETURN v_part.unit;
END
$$;
COMMENT ON FUNCTION app_private.check_kit_line(uuid, uuid, numeric, text, uuid) IS
  'Checks a kit or planned-parts line: PT404 part.not_found, PT409 part.inactive, PT422 work_order_part.quantity_invalid (not above 0), work_order_part.unit_mismatch (not the part''s unit), PT404 storeroom.not_found (not an active storeroom of the tenant). Returns the part''s unit.';

CREATE OR REPLACE FUNCTION app_private.kit_template(p_template_id uuid) RETURNS app.work_order_templates
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_template app.work_order_templates;
BEGIN
  PERFORM app_private.require_permission('work_order.manage');
  SELECT * INTO v_template FROM app.work_order_templates AS t WHERE t.organization_id = auth.org_id() AND t.id = p_template_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'work order template not found' USING ERRCODE = 'PT404', DETAIL = 'work_order_template.not_found',
      HINT = 'GET /work_order_templates lists the templates.';
  END IF;
  RETURN v_template;
END
$$;
COMMENT ON FUNCTION app_private.kit_template(uuid) IS
  'The caller''s template for a kit change: PT403 permission.missing without work_order.manage tenant-wide (templates are tenant-wide), PT404 work_order_template.not_found.';

CREATE OR REPLACE FUNCTION app.set_work_order_template_part(template_id uuid, part_id uuid, quantity numeric, unit text DEFAULT NULL,
                                                           storeroom_id uuid DEFAULT NULL)
RETURNS app.work_order_template_parts
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_template app.work_order_templates := app_private.kit_template(set_work_order_template_part.template_id);
  v_unit text := app_private.check_kit_line(v_template.organization_id, set_work_order_template_part.part_id,
                                            set_work_order_template_part.quantity, set_work_order_template_part.unit,
                                            set_work_order_template_part.storeroom_id);
  v_line app.work_order_template_parts;
BEGIN
  INSERT INTO app.work_order_template_parts AS k (organization_id, id, template_id, part_id, quantity, unit, storeroom_id)
  VALUES (v_template.organization_id, public.uuid_generate_v7(), v_template.id, set_work_order_template_part.part_id,
          set_work_order_template_part.quantity, v_unit, set_work_order_template_part.storeroom_id)
  ON CONFLICT ON CONSTRAINT work_order_template_parts_one_per_part DO UPDATE
    SET quantity = EXCLUDED.quantity, unit = EXCLUDED.unit, storeroom_id = EXCLUDED.storeroom_id
  RETURNING k.* INTO v_line;
  RETURN v_line;
END
$$;
COMMENT ON FUNCTION app.set_work_order_template_part(uuid, uuid, numeric, text, uuid) IS
  E'Put a part in a template''s kit\nAdds the part to the template''s parts kit, or changes its line (one per part): quantity above 0 in the part''s unit (unit may be left out), optionally the storeroom to take it from (else the storerooms of the work order''s plant). Work orders made from the template afterwards get the kit as their planned parts. Needs work_order.manage tenant-wide.\nErrors: PT403 permission.missing, PT404 work_order_template.not_found / part.not_found / storeroom.not_found, PT409 part.inactive, PT422 work_order_part.quantity_invalid / work_order_part.unit_mismatch.';

CREATE OR REPLACE FUNCTION app.remove_work_order_template_part(template_id uuid, part_id uuid) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_template app.work_order_templates := app_private.kit_template(remove_work_order_template_part.template_id);
BEGIN
  DELETE FROM app.work_order_template_parts AS k
   WHERE k.organization_id = v_template.organization_id AND k.template_id = v_template.id AND k.part_id = remove_work_order_template_part.part_id;
  RETURN FOUND;
END
$$;
COMMENT ON FUNCTION app.remove_work_order_template_part(uuid, uuid) IS
  E'Take a part out of a template''s kit\nTrue when it was there. Work orders already made keep their planned parts. Needs work_order.manage tenant-wide.\nErrors: PT403 permission.missing, PT404 work_order_template.not_found.';

CREATE OR REPLACE FUNCTION app_private.tg_work_orders__copy_kit() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  INSERT INTO app.work_order_parts (organization_id, id, work_order_id, site_id, part_id, quantity, unit, storeroom_id, template_part_id, created_by)
  SELECT k.organization_id, public.uuid_generate_v7(), NEW.id, NEW.site_id, k.part_id, k.quantity, k.unit, k.storeroom_id, k.id, NEW.created_by
    FROM app.work_order_template_parts AS k
    JOIN app.parts AS p ON p.organization_id = k.organization_id AND p.id = k.part_id AND p.status = 'active'
   WHERE k.organization_id = NEW.organization_id AND k.template_id = NEW.template_id;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_work_orders__copy_kit() IS
  'AFTER INSERT on work_orders made from a template: copies the template''s kit (lines of parts still active) into the work order''s planned parts, whichever path made it (create, convert, preventive schedules).';
CREATE OR REPLACE TRIGGER _300_copy_kit AFTER INSERT ON app.work_orders
  FOR EACH ROW WHEN (NEW.template_id IS NOT NULL) EXECUTE FUNCTION app_private.tg_work_orders__copy_kit();
