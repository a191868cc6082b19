-- Lockout/tagout and permits (migration maintenance/work_orders): an
-- equipment class flags requires_lockout / requires_permit; a work order on
-- any asset of such a class (primary or linked) starts (in_progress) only
-- when its checklist of the tenant's template maintenance-lockout /
-- maintenance-permit (entity type work_order) is started and every required
-- item is checked (app.start_checklist, app.check_checklist_item).
--
-- Lockout is signed (migration maintenance/photos_lockout): the technician
-- signs "lockout applied" with their e-signature (password re-entered,
-- meaning, reason; app.sign_work_order_lockout) once the lockout checklist
-- is complete, and the work starts only on a current applied signature
-- given after the checklist's last answer; "lockout removed" (energy
-- restored, guards back) is signed before the work may complete. The
-- signatures are rows of app.work_order_signatures (meanings
-- lockout_applied / lockout_removed), signed by app_private.sign_work_order.

CREATE OR REPLACE FUNCTION app_private.work_order_requires_lockout(p_order app.work_orders) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT EXISTS (SELECT FROM app.work_order_assets AS a
                   JOIN app.equipment AS e ON e.organization_id = a.organization_id AND e.id = a.equipment_id
                   JOIN app.equipment_classes AS c ON c.organization_id = e.organization_id AND c.id = e.class_id
                  WHERE a.organization_id = p_order.organization_id AND a.work_order_id = p_order.id AND c.requires_lockout)
$$;
COMMENT ON FUNCTION app_private.work_order_requires_lockout(app.work_orders) IS
  'Whether an asset of the work order (primary or linked) has a class requiring lockout/tagout.';

CREATE OR REPLACE FUNCTION app_private.require_lockout_checklist(p_order app.work_orders) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_state record;
BEGIN
  SELECT * INTO v_state FROM app_private.checklist_state(p_order.organization_id, 'maintenance-lockout', 'work_order', p_order.id);
  IF NOT v_state.started OR v_state.required_open > 0 THEN
    RAISE EXCEPTION 'lockout/tagout is not complete' USING ERRCODE = 'PT409', DETAIL = 'work_order.lockout_incomplete',
      HINT = 'Start the maintenance-lockout checklist on the work order and check every required item before starting the work.';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_lockout_checklist(app.work_orders) IS
  'PT409 work_order.lockout_incomplete unless the work order''s maintenance-lockout checklist is started with every required item answered (photos included).';

-- The work order's latest lockout signature is "applied" (and, for the
-- start, given after the last answer of the lockout checklist).
CREATE OR REPLACE FUNCTION app_private.lockout_applied(p_order app.work_orders) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT coalesce((
    SELECT s.meaning = 'lockout_applied'
           AND s.signed_at >= coalesce((
             SELECT max(i.checked_at)
               FROM app.checklists AS c
               JOIN app.checklist_templates AS t ON t.organization_id = c.organization_id AND t.id = c.template_id
               JOIN app.checklist_items AS i ON i.organization_id = c.organization_id AND i.checklist_id = c.id
              WHERE c.organization_id = p_order.organization_id AND c.entity_type = 'work_order' AND c.entity_id = p_order.id
                AND t.key = 'maintenance-lockout'), s.signed_at)
      FROM app.work_order_signatures AS s
     WHERE s.organization_id = p_order.organization_id AND s.work_order_id = p_order.id
       AND s.meaning IN ('lockout_applied', 'lockout_removed')
     ORDER BY s.signed_at DESC, s.id DESC LIMIT 1), false)
$$;
COMMENT ON FUNCTION app_private.lockout_applied(app.work_orders) IS
  'Whether the work order''s latest lockout signature is lockout_applied, given at or after the last answer of its maintenance-lockout checklist.';

CREATE OR REPLACE FUNCTION app_private.require_lockout_removed(p_order app.work_orders) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF (SELECT s.meaning FROM app.work_order_signatures AS s
       WHERE s.organization_id = p_order.organization_id AND s.work_order_id = p_order.id
         AND s.meaning IN ('lockout_applied', 'lockout_removed')
       ORDER BY s.signed_at DESC, s.id DESC LIMIT 1) = 'lockout_applied' THEN
    RAISE EXCEPTION 'lockout/tagout of % is still applied', p_order.work_order_number USING ERRCODE = 'PT409',
      DETAIL = 'work_order.lockout_not_removed',
      HINT = 'Restore energy, put the guards back and sign "lockout removed" (app.sign_work_order_lockout, action removed) before completing.';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_lockout_removed(app.work_orders) IS
  'Completion guard: PT409 work_order.lockout_not_removed while the work order''s latest lockout signature is lockout_applied.';

CREATE OR REPLACE FUNCTION app.sign_work_order_lockout(work_order_id uuid, action text, signature_password text, reason text)
RETURNS app.work_order_signatures
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_order app.work_orders := app_private.lock_work_order(sign_work_order_lockout.work_order_id, 'work_order.execute');
  v_applied boolean;
BEGIN
  IF sign_work_order_lockout.action IS NULL OR sign_work_order_lockout.action NOT IN ('applied', 'removed') THEN
    PERFORM app_private.raise_invalid('work_order.lockout_action_invalid', 'action is applied or removed',
                                      'Send action applied (before the work starts) or removed (before it completes).');
  END IF;
  IF NOT app_private.work_order_requires_lockout(v_order) THEN
    RAISE EXCEPTION 'no asset of % requires lockout/tagout', v_order.work_order_number USING ERRCODE = 'PT409',
      DETAIL = 'work_order.lockout_not_required', HINT = 'Lockout is signed on work orders whose asset class requires it (requires_lockout).';
  END IF;
  IF v_order.status NOT IN ('scheduled', 'in_progress', 'on_hold') THEN
    RAISE EXCEPTION 'lockout is not signed on a % work order', v_order.status USING ERRCODE = 'PT409',
      DETAIL = 'work_order.lockout_state_invalid', HINT = 'Lockout is signed while the work order is scheduled, in progress or on hold.';
  END IF;
  v_applied := coalesce((SELECT s.meaning = 'lockout_applied' FROM app.work_order_signatures AS s
                          WHERE s.organization_id = v_order.organization_id AND s.work_order_id = v_order.id
                            AND s.meaning IN ('lockout_applied', 'lockout_removed')
                          ORDER BY s.signed_at DESC, s.id DESC LIMIT 1), false);
  IF sign_work_order_lockout.action = 'applied' THEN
    IF v_applied THEN
      RAISE EXCEPTION 'lockout of % is already applied', v_order.work_order_number USING ERRCODE = 'PT409',
        DETAIL = 'work_order.lockout_already_applied', HINT = 'Sign removed before applying it again.';
    END IF;
    -- The checklist first, so a signature is not asked for (nor a failure counted) for a lockout that is not done.
    PERFORM app_private.require_lockout_checklist(v_order);
    RETURN app_private.sign_work_order(v_order, 'in_progress', 'lockout_applied', sign_work_order_lockout.signature_password,
                                       sign_work_order_lockout.reason);
  END IF;
  IF NOT v_applied THEN
    RAISE EXCEPTION 'lockout of % is not applied', v_order.work_order_number USING ERRCODE = 'PT409',
      DETAIL = 'work_order.lockout_not_applied', HINT = 'Only an applied lockout (signed applied) is signed removed.';
  END IF;
  RETURN app_private.sign_work_order(v_order, 'completed', 'lockout_removed', sign_work_order_lockout.signature_password,
                                     sign_work_order_lockout.reason);
END
$$;
COMMENT ON FUNCTION app.sign_work_order_lockout(uuid, text, text, text) IS
  E'Sign lockout/tagout applied or removed\nOn a work order whose asset class requires lockout: the technician''s e-signature (password re-entered, a reason) that lockout is applied (action applied: the maintenance-lockout checklist complete; the work may then start) or removed (action removed: energy restored, guards back; the work may then complete). Signed over the work order and its checklist answers, kept in work_order_signatures (meaning lockout_applied / lockout_removed). Needs work_order.execute at its plant, while it is scheduled, in progress or on hold. A wrong password answers 403 (Pulse-Refusal: signature.wrong_password), counts as a sign-in failure and signs nothing (NULL).\nErrors: PT404 work_order.not_found, PT403 permission.missing, PT409 work_order.lockout_not_required / work_order.lockout_state_invalid / work_order.lockout_already_applied / work_order.lockout_not_applied / work_order.lockout_incomplete, PT422 work_order.lockout_action_invalid / signature.required / signature.reason_required, PT429 while the account is locked.';

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
    PERFORM app_private.require_lockout_checklist(p_order);
    IF NOT app_private.lockout_applied(p_order) THEN
      RAISE EXCEPTION 'lockout/tagout is not signed as applied' USING ERRCODE = 'PT409', DETAIL = 'work_order.lockout_unsigned',
        HINT = 'The technician signs "lockout applied" (app.sign_work_order_lockout, action applied) after completing the lockout checklist.';
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
  'Before a work order goes in_progress: when an asset of it has a class requiring lockout (permit), its maintenance-lockout (maintenance-permit) checklist must be started with no required item open (PT409 work_order.lockout_incomplete / work_order.permit_incomplete), and lockout must be signed applied after the checklist''s last answer (PT409 work_order.lockout_unsigned).';
