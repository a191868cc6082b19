-- Lockout/tagout and permits (migration maintenance/work_orders): an
-- equipment class flags requires_lockout / requires_permit; a work order on
-- any asset of such a class (primary or linked) starts (in_progress) only
-- when its checklist of the tenant's template maintenance-lockout /
-- maintenance-permit (entity type work_order) is started and every required
-- item is checked (app.start_checklist, app.check_checklist_item).

CREATE OR REPLACE FUNCTION app_private.require_work_permits(p_order app.work_orders) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_lockout boolean;
  v_permit boolean;
  v_state record;
BEGIN
  SELECT coalesce(bool_or(c.requires_lockout), false), coalesce(bool_or(c.requires_permit), false) INTO v_lockout, v_permit
    FROM app.work_order_assets AS a
    JOIN app.equipment AS e ON e.organization_id = a.organization_id AND e.id = a.equipment_id
    JOIN app.equipment_classes AS c ON c.organization_id = e.organization_id AND c.id = e.class_id
   WHERE a.organization_id = p_order.organization_id AND a.work_order_id = p_order.id;
  IF v_lockout THEN
    SELECT * INTO v_state FROM app_private.checklist_state(p_order.organization_id, 'maintenance-lockout', 'work_order', p_order.id);
    IF NOT v_state.started OR v_state.required_open > 0 THEN
      RAISE EXCEPTION 'lockout/tagout is not complete' USING ERRCODE = 'PT409', DETAIL = 'work_order.lockout_incomplete',
        HINT = 'Start the maintenance-lockout checklist on the work order and check every required item before starting the work.';
    END IF;
  END IF;
  IF v_permit THEN
    SELECT * INTO v_state FROM app_private.checklist_state(p_order.organization_id, 'maintenance-permit', 'work_order', p_order.id);
    IF NOT v_state.started OR v_state.required_open > 0 THEN
      RAISE EXCEPTION 'the work permit is not complete' USING ERRCODE = 'PT409', DETAIL = 'work_order.permit_incomplete',
        HINT = 'Start the maintenance-permit checklist on the work order and check every required item before starting the work.';
    END IF;
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_work_permits(app.work_orders) IS
  'Before a work order goes in_progress: when an asset of it has a class requiring lockout (permit), its maintenance-lockout (maintenance-permit) checklist must be started with no required item open; PT409 work_order.lockout_incomplete / work_order.permit_incomplete.';
