-- Work order checklists (migration maintenance/checklists). The items and
-- their typed answers are the platform block's (15_checklists.sql:
-- check, measurement with limits and a unit, pass/fail, text); what is
-- maintenance's:
--   * answering (or checking) an item of a work order's checklist needs
--     work_order.execute at the work order's plant, while the work order is
--     not completed (trigger below: every path, the platform RPCs included);
--   * photos answering an item of a work order's checklist (attachments
--     with checklist_item_id) are added with work_order.execute at its plant
--     before it completes, like answers (trigger on app.attachments below);
--   * a work order completes only when every required item of its checklists
--     is answered, has its stored photo where it takes one
--     (checklist.photo_missing), and every out-of-limit measurement has a
--     corrective work order raised from the item
--     (app.raise_checklist_follow_up). A supervisor's note accepting the
--     deviation is not a follow-up: the deviation stays visible as work;
--     a supervisor who accepts it raises the follow-up and cancels it with
--     the acceptance as the reason.

CREATE OR REPLACE FUNCTION app_private.tg_checklist_items__work_order_execute() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_order app.work_orders;
BEGIN
  IF auth.user_id() IS NULL THEN
    RETURN NEW;  -- the owner (migrations, seeds as the owner); API callers always have a user
  END IF;
  SELECT w.* INTO v_order
    FROM app.checklists AS c JOIN app.work_orders AS w ON w.organization_id = c.organization_id AND w.id = c.entity_id
   WHERE c.organization_id = NEW.organization_id AND c.id = NEW.checklist_id AND c.entity_type = 'work_order';
  IF NOT FOUND THEN
    RETURN NEW;
  END IF;
  PERFORM auth.check_permission_at('work_order.execute', v_order.site_id);
  IF v_order.status IN ('completed', 'verified', 'closed', 'cancelled') THEN
    RAISE EXCEPTION 'the checklist of a % work order is closed', v_order.status USING ERRCODE = 'PT409', DETAIL = 'checklist.closed',
      HINT = 'Checklists are answered until the work order completes.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_checklist_items__work_order_execute() IS
  'BEFORE UPDATE of an answer on checklist_items: an item of a work order''s checklist is answered only with work_order.execute at the work order''s plant (PT403 permission.missing) and before it completes (PT409 checklist.closed).';
CREATE OR REPLACE TRIGGER _200_work_order_execute BEFORE UPDATE OF checked_at, checked_by, measured_value, passed, text_value, note
  ON app.checklist_items FOR EACH ROW EXECUTE FUNCTION app_private.tg_checklist_items__work_order_execute();

CREATE OR REPLACE FUNCTION app_private.tg_attachments__work_order_photo() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_order app.work_orders;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF NEW.checklist_item_id IS NULL OR NEW.entity_type <> 'work_order' OR auth.user_id() IS NULL THEN
    RETURN NEW;
  END IF;
  SELECT w.* INTO v_order FROM app.work_orders AS w WHERE w.organization_id = NEW.organization_id AND w.id = NEW.entity_id;
  PERFORM auth.check_permission_at('work_order.execute', v_order.site_id);
  IF v_order.status IN ('completed', 'verified', 'closed', 'cancelled') THEN
    RAISE EXCEPTION 'the checklist of a % work order is closed', v_order.status USING ERRCODE = 'PT409', DETAIL = 'checklist.closed',
      HINT = 'Checklist photos are added until the work order completes.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_attachments__work_order_photo() IS
  'BEFORE INSERT on attachments: a photo answering an item of a work order''s checklist is added only with work_order.execute at the work order''s plant (PT403 permission.missing) and before it completes (PT409 checklist.closed).';
CREATE OR REPLACE TRIGGER _210_work_order_photo BEFORE INSERT ON app.attachments
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_attachments__work_order_photo();

CREATE OR REPLACE FUNCTION app_private.require_work_order_checklist(p_order app.work_orders) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_item app.checklist_items;
BEGIN
  SELECT i.* INTO v_item
    FROM app.checklists AS c JOIN app.checklist_items AS i ON i.organization_id = c.organization_id AND i.checklist_id = c.id
   WHERE c.organization_id = p_order.organization_id AND c.entity_type = 'work_order' AND c.entity_id = p_order.id
     AND i.required AND i.photo_required AND NOT app_private.checklist_item_has_photo(i.organization_id, i.id)
   ORDER BY c.started_at, i.position LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'checklist item % (%) of % has no stored photo', v_item.position, v_item.label, p_order.work_order_number
      USING ERRCODE = 'PT409', DETAIL = 'checklist.photo_missing',
            HINT = 'Attach a photo to the item (POST /attachments with checklist_item_id, upload, confirm), then answer it.';
  END IF;
  SELECT i.* INTO v_item
    FROM app.checklists AS c JOIN app.checklist_items AS i ON i.organization_id = c.organization_id AND i.checklist_id = c.id
   WHERE c.organization_id = p_order.organization_id AND c.entity_type = 'work_order' AND c.entity_id = p_order.id
     AND i.required AND i.checked_at IS NULL
   ORDER BY c.started_at, i.position LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'checklist item % (%) of % is unanswered', v_item.position, v_item.label, p_order.work_order_number
      USING ERRCODE = 'PT409', DETAIL = 'checklist.required_unanswered',
            HINT = 'Answer every required item (app.answer_checklist_item) before completing.';
  END IF;
  SELECT i.* INTO v_item
    FROM app.checklists AS c JOIN app.checklist_items AS i ON i.organization_id = c.organization_id AND i.checklist_id = c.id
   WHERE c.organization_id = p_order.organization_id AND c.entity_type = 'work_order' AND c.entity_id = p_order.id
     AND i.out_of_limits
     AND NOT EXISTS (SELECT FROM app.work_orders AS f WHERE f.organization_id = i.organization_id AND f.follow_up_of_item_id = i.id)
   ORDER BY c.started_at, i.position LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'checklist item % (%) measured % %, outside % .. %, has no follow-up', v_item.position, v_item.label, v_item.measured_value,
      v_item.unit, coalesce(v_item.lower_limit::text, '-'), coalesce(v_item.upper_limit::text, '-')
      USING ERRCODE = 'PT409', DETAIL = 'checklist.out_of_limits',
            HINT = 'Raise a corrective work order from the item (app.raise_checklist_follow_up) or measure again.';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_work_order_checklist(app.work_orders) IS
  'Completion guard: PT409 checklist.photo_missing while a required item that takes a photo has no stored image attached; PT409 checklist.required_unanswered while a required item of the work order''s checklists is unanswered; PT409 checklist.out_of_limits while a measurement is outside its limits without a corrective work order raised from it.';

CREATE OR REPLACE FUNCTION app.raise_checklist_follow_up(item_id uuid, title text DEFAULT NULL, description text DEFAULT '',
                                                         priority integer DEFAULT 2, due_date date DEFAULT NULL)
RETURNS app.work_orders
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_item app.checklist_items;
  v_order_id uuid;
  v_order app.work_orders;
  v_follow_up app.work_orders;
  v_title text;
BEGIN
  SELECT c.entity_id INTO v_order_id
    FROM app.checklist_items AS i JOIN app.checklists AS c ON c.organization_id = i.organization_id AND c.id = i.checklist_id
   WHERE i.organization_id = auth.org_id() AND i.id = raise_checklist_follow_up.item_id AND c.entity_type = 'work_order';
  SELECT i.* INTO v_item FROM app.checklist_items AS i WHERE i.organization_id = auth.org_id() AND i.id = raise_checklist_follow_up.item_id;
  IF v_order_id IS NULL OR NOT EXISTS (SELECT FROM app.work_orders AS w WHERE w.organization_id = auth.org_id() AND w.id = v_order_id
                                                                         AND auth.may_read_work_order(w.site_id, w.contractor_id)) THEN
    RAISE EXCEPTION 'checklist item % not found', raise_checklist_follow_up.item_id USING ERRCODE = 'PT404', DETAIL = 'checklist_item.not_found',
      HINT = 'GET /checklist_items lists the items of the work orders you may see.';
  END IF;
  -- Visibility and work_order.execute at the plant (PT404 / PT403 as for any move).
  v_order := app_private.lock_work_order(v_order_id, 'work_order.execute');
  IF v_order.status IN ('completed', 'verified', 'closed', 'cancelled') THEN
    RAISE EXCEPTION 'the checklist of a % work order is closed', v_order.status USING ERRCODE = 'PT409', DETAIL = 'checklist.closed',
      HINT = 'Follow-ups are raised before the work order completes.';
  END IF;
  IF raise_checklist_follow_up.priority IS NULL OR raise_checklist_follow_up.priority NOT BETWEEN 1 AND 5 THEN
    PERFORM app_private.raise_invalid('work_order.priority_invalid', 'priority is 1 (highest) to 5', 'Send priority 1 to 5.');
  END IF;
  v_title := coalesce(nullif(pg_catalog.btrim(raise_checklist_follow_up.title), ''),
                      pg_catalog.left(format('Follow-up of %s: %s', v_order.work_order_number, v_item.label), 200));
  IF pg_catalog.length(v_title) > 200 THEN
    PERFORM app_private.raise_invalid('work_order.title_invalid', 'a title of 1 to 200 characters is required', 'Send title.');
  END IF;
  INSERT INTO app.work_orders AS w (organization_id, work_order_number, work_type, priority, title, description, equipment_id, site_id,
                                    follow_up_of_item_id, due_date, created_by)
  VALUES (v_order.organization_id, app_private.take_human_id(v_order.organization_id, 'WO', NULL), 'corrective', raise_checklist_follow_up.priority,
          v_title,
          coalesce(nullif(raise_checklist_follow_up.description, ''),
                   CASE WHEN v_item.out_of_limits
                        THEN format('%s measured %s %s, limits %s .. %s.', v_item.label, v_item.measured_value, v_item.unit,
                                    coalesce(v_item.lower_limit::text, '-'), coalesce(v_item.upper_limit::text, '-'))
                        ELSE '' END),
          v_order.equipment_id, v_order.site_id, v_item.id, raise_checklist_follow_up.due_date, auth.user_id())
  RETURNING w.* INTO v_follow_up;
  INSERT INTO app.work_order_assets (organization_id, work_order_id, equipment_id, is_primary, site_id)
  VALUES (v_follow_up.organization_id, v_follow_up.id, v_follow_up.equipment_id, true, v_follow_up.site_id);
  PERFORM app_private.publish_event(v_follow_up.organization_id, 'work_order.follow_up_raised',
                                    pg_catalog.jsonb_build_object('work_order_id', v_follow_up.id, 'work_order_number', v_follow_up.work_order_number,
                                                                  'of_work_order_id', v_order.id, 'checklist_item_id', v_item.id),
                                    'work_order', v_follow_up.id);
  RETURN v_follow_up;
END
$$;
COMMENT ON FUNCTION app.raise_checklist_follow_up(uuid, text, text, integer, date) IS
  E'Raise a follow-up from a checklist item\nA planned corrective work order on the same asset, linked to the item (follow_up_of_item_id); an out-of-limit measurement with a follow-up no longer blocks the work order''s completion. Title and description default to the item and its measurement. Needs work_order.execute at the work order''s plant, before it completes; publishes work_order.follow_up_raised.\nErrors: PT404 checklist_item.not_found / work_order.not_found, PT403 permission.missing, PT409 checklist.closed, PT422 work_order.priority_invalid / work_order.title_invalid.';
