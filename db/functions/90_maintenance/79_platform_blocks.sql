-- Maintenance records on the platform blocks (migration
-- maintenance/platform_blocks): custom fields on assets (the equipment
-- register) and work orders, and app.search over assets and work requests.
-- Work orders are found by app.search too (72_work_orders.sql); their
-- comments by app.search_work_orders (78_search.sql).

-- Assets are equipment: the register's rows take the tenant's custom fields
-- for entity type equipment (written directly, as the equipment's other
-- columns: equipment.manage at its plant) and are found by number, name,
-- manufacturer, model, serial number, location and notes, as the caller
-- (equipment.read tenant-wide or at the plant).
SELECT app_private.register_search('equipment', 't.search_vector',
  $$concat_ws(' ', t.equipment_number, t.name, t.manufacturer, t.model, t.serial_number, t.location)$$);
SELECT app_private.enable_custom_fields('equipment', p_required_on_insert => false);

-- Work requests: found by the planners of their plant and their requester
-- (the table's row-level security).
SELECT app_private.register_search('work_request', 't.search_vector', 't.description');

-- Work orders take custom fields through an RPC (API roles write no work
-- order column directly); created by RPCs that take none, so a required
-- field is reported by app.custom_field_violations until set.
SELECT app_private.enable_custom_fields('work_order', p_required_on_insert => false);

CREATE OR REPLACE FUNCTION app.set_work_order_custom_fields(work_order_id uuid, custom_fields jsonb) RETURNS app.work_orders
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_old app.work_orders := app_private.lock_work_order(set_work_order_custom_fields.work_order_id, 'work_order.manage');
  v_new app.work_orders;
BEGIN
  IF pg_catalog.jsonb_typeof(set_work_order_custom_fields.custom_fields) IS DISTINCT FROM 'object' THEN
    PERFORM app_private.raise_invalid('custom_field.values_invalid', 'custom_fields must be a JSON object',
      'Send custom_fields: {"<code>": <value>, ...} with the codes of the tenant''s custom fields for work orders.');
  END IF;
  UPDATE app.work_orders AS w SET custom_fields = v_old.custom_fields || set_work_order_custom_fields.custom_fields
   WHERE w.organization_id = v_old.organization_id AND w.id = v_old.id
  RETURNING w.* INTO v_new;
  RETURN v_new;
END
$$;
COMMENT ON FUNCTION app.set_work_order_custom_fields(uuid, jsonb) IS
  E'Set a work order''s custom fields\nMerges the values sent into the work order''s custom fields, checked against the tenant''s definitions for work orders (the custom fields block, entity type work_order). Needs work_order.manage tenant-wide or at the work order''s plant. PT404 work_order.not_found; PT403 permission.missing; PT422 custom_field.values_invalid, custom_field.*.';
