-- Engineering change orders (migration quality/change_orders): an ECO is
-- written as a draft with change_order.manage (its affected items too, only
-- while it is a draft); its status changes only here: submit (draft ->
-- submitted, at least one item), approve or reject (change_order.approve,
-- never the submitter), cancel (change_order.manage, before it is
-- implemented), implement (change_order.manage, only an approved ECO): the
-- part revisions it names are released through app.release_part_revision
-- (so the implementer also needs part.manage) and the drawing revisions it
-- names through the RDA release, with the ECO's approver as their approver,
-- all in the one transaction — any refusal leaves everything as it was.

CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.change_orders
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.change_order_items
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.change_orders
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'eco_number');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.change_order_items
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'change_order_id', 'kind', 'part_id', 'part_revision_id', 'drawing_id',
                                                     'drawing_revision_id', 'bom_line_id', 'bom_action', 'bom_project_id',
                                                     'bom_parent_part_id');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.change_orders
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('change_order.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.change_order_items
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('change_order.manage');
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.change_orders
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

CREATE OR REPLACE FUNCTION app_private.tg_change_orders__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  -- The affected plants: sites of the tenant, each once, in a stable order.
  IF TG_OP = 'INSERT' OR NEW.site_ids IS DISTINCT FROM OLD.site_ids THEN
    NEW.site_ids := ARRAY(SELECT DISTINCT x FROM pg_catalog.unnest(NEW.site_ids) AS x ORDER BY x);
    IF EXISTS (SELECT FROM pg_catalog.unnest(NEW.site_ids) AS x (site_id)
                WHERE NOT EXISTS (SELECT FROM app.sites AS si WHERE si.organization_id = NEW.organization_id AND si.id = x.site_id)) THEN
      RAISE EXCEPTION 'site not found' USING ERRCODE = 'PT404', DETAIL = 'site.not_found',
        HINT = 'site_ids lists the plants the change order affects: ids of GET /sites.';
    END IF;
  END IF;
  IF TG_OP = 'INSERT' THEN
    NEW.created_by := coalesce(NEW.created_by, auth.user_id());
    NEW.eco_number := app_private.take_human_id(NEW.organization_id, 'ECO', NEW.eco_number);
  ELSIF OLD.status <> 'draft' AND NEW.status = OLD.status
        AND (NEW.title, NEW.reason, NEW.description, NEW.project_id, NEW.effectivity, NEW.effective_date, NEW.effective_lot_number,
             NEW.effective_serial_number, NEW.site_ids)
            IS DISTINCT FROM
            (OLD.title, OLD.reason, OLD.description, OLD.project_id, OLD.effectivity, OLD.effective_date, OLD.effective_lot_number,
             OLD.effective_serial_number, OLD.site_ids) THEN
    RAISE EXCEPTION 'change order % is %: it can no longer be edited', OLD.eco_number, OLD.status USING ERRCODE = 'PT409',
      DETAIL = 'change_order.not_draft', HINT = 'Only a draft change order is edited; raise a new one.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_change_orders__prepare() IS
  'BEFORE INSERT OR UPDATE on change_orders: refuses another tenant''s row (tenant.foreign_row), stamps created_by, takes the next ECO number (ECO-000123) unless one is sent (PT422 human_id.invalid); keeps site_ids (the affected plants) as distinct sites of the tenant (PT404 site.not_found); PT409 change_order.not_draft when the content (its plants included) of a change order out of draft is changed.';

CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.change_orders
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_change_orders__prepare();

SELECT app_private.register_entity_type('change_order', 'app.change_orders', 'title', 'Change order', 'eco_number');
SELECT app_private.register_search('change_order', 't.search_vector', 't.description');

-- Items change only while their change order is a draft.
CREATE OR REPLACE FUNCTION app_private.tg_change_order_items__draft_only() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_row app.change_order_items;
  v_order app.change_orders;
BEGIN
  PERFORM app_private.refuse_foreign_tenant((CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END).organization_id);
  v_row := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  SELECT * INTO v_order FROM app.change_orders AS o WHERE o.organization_id = v_row.organization_id AND o.id = v_row.change_order_id;
  IF FOUND AND v_order.status <> 'draft' THEN
    RAISE EXCEPTION 'change order % is %: its items are fixed', v_order.eco_number, v_order.status USING ERRCODE = 'PT409',
      DETAIL = 'change_order.not_draft', HINT = 'Items are added and removed while the change order is a draft.';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION app_private.tg_change_order_items__draft_only() IS
  'BEFORE INSERT, UPDATE or DELETE on change_order_items: refuses another tenant''s row (tenant.foreign_row); PT409 change_order.not_draft once the change order left draft.';

CREATE OR REPLACE TRIGGER _200_draft_only BEFORE INSERT OR UPDATE OR DELETE ON app.change_order_items
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_change_order_items__draft_only();

-- The caller's change order, locked, after the permission check.
CREATE OR REPLACE FUNCTION app_private.lock_change_order(p_change_order_id uuid, p_permission text) RETURNS app.change_orders
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_order app.change_orders;
BEGIN
  PERFORM app_private.require_permission(p_permission);
  SELECT * INTO v_order FROM app.change_orders AS o WHERE o.organization_id = auth.org_id() AND o.id = p_change_order_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'change order not found' USING ERRCODE = 'PT404', DETAIL = 'change_order.not_found',
      HINT = 'GET /change_orders lists your organization''s change orders.';
  END IF;
  RETURN v_order;
END
$$;
COMMENT ON FUNCTION app_private.lock_change_order(uuid, text) IS
  'The caller''s change order, locked (FOR UPDATE), after PT403 permission.missing without the permission; PT404 change_order.not_found.';

-- The plants where a change order's parts are in use: the sites of their
-- open lots (available or partly consumed) and of their control plans not
-- obsolete. Parts are those its items name: a part, a part revision's part,
-- a BOM line's parent and component, the parts a drawing (revision) is of.
CREATE OR REPLACE FUNCTION app_private.change_order_derived_sites(p_organization_id uuid, p_change_order_id uuid) RETURNS uuid[]
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  WITH parts AS (
    SELECT coalesce(i.part_id, pr.part_id) AS part_id
      FROM app.change_order_items AS i
      LEFT JOIN app.part_revisions AS pr ON pr.organization_id = i.organization_id AND pr.id = i.part_revision_id
     WHERE i.organization_id = p_organization_id AND i.change_order_id = p_change_order_id
    UNION
    SELECT unnest(ARRAY[b.parent_part_id, b.component_part_id])
      FROM app.change_order_items AS i
      JOIN app.project_bom_lines AS b ON b.organization_id = i.organization_id AND b.id = i.bom_line_id
     WHERE i.organization_id = p_organization_id AND i.change_order_id = p_change_order_id
    UNION
    SELECT dp.part_id
      FROM app.change_order_items AS i
      LEFT JOIN app.drawing_revisions AS dr ON dr.organization_id = i.organization_id AND dr.id = i.drawing_revision_id
      JOIN app.drawing_parts AS dp ON dp.organization_id = i.organization_id AND dp.drawing_id = coalesce(i.drawing_id, dr.drawing_id)
     WHERE i.organization_id = p_organization_id AND i.change_order_id = p_change_order_id)
  SELECT coalesce(pg_catalog.array_agg(DISTINCT s.site_id ORDER BY s.site_id), '{}')
    FROM (SELECT l.site_id FROM app.lots AS l JOIN parts AS p ON p.part_id = l.part_id
           WHERE l.organization_id = p_organization_id AND l.inventory_state IN ('available', 'partly_consumed')
          UNION
          SELECT c.site_id FROM app.control_plans AS c
            JOIN app.part_revisions AS pr ON pr.organization_id = c.organization_id AND pr.id = c.part_revision_id
            JOIN parts AS p ON p.part_id = pr.part_id
           WHERE c.organization_id = p_organization_id AND c.status <> 'obsolete') AS s
   WHERE s.site_id IS NOT NULL
$$;
COMMENT ON FUNCTION app_private.change_order_derived_sites(uuid, uuid) IS
  'The plants where a change order''s parts are in use: sites of their open lots (available, partly consumed) and of their control plans not obsolete; the parts are the ones its items name (part, part revision, BOM line parent and component, the parts of a drawing or drawing revision: drawing_parts). Used by app.submit_change_order when no plant is named.';

-- Whether the caller holds a permission for a change order: tenant-wide, or
-- at every plant it affects (a change order without plants: tenant-wide only).
CREATE OR REPLACE FUNCTION app_private.require_change_order_permission(p_order app.change_orders, p_permission text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_missing text;
BEGIN
  IF auth.has_permission(p_permission) OR auth.is_platform_operator() THEN
    RETURN;
  END IF;
  IF cardinality(p_order.site_ids) = 0 OR cardinality(auth.permitted_site_ids(p_permission)) = 0 THEN
    PERFORM app_private.require_permission(p_permission);
  END IF;
  SELECT pg_catalog.string_agg(si.code, ', ' ORDER BY si.code) INTO v_missing
    FROM pg_catalog.unnest(p_order.site_ids) AS x (site_id)
    JOIN app.sites AS si ON si.organization_id = p_order.organization_id AND si.id = x.site_id
   WHERE NOT x.site_id = ANY (auth.permitted_site_ids(p_permission));
  IF v_missing IS NOT NULL THEN
    RAISE EXCEPTION 'change order % affects %: you hold % only at other plants', p_order.eco_number, v_missing, p_permission
      USING ERRCODE = 'PT403', DETAIL = 'change_order.outside_plants',
            HINT = 'A holder of the permission tenant-wide or at every plant the change order affects (site_ids) decides it.';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_change_order_permission(app.change_orders, text) IS
  'Passes when the caller holds the permission tenant-wide or at every plant the change order affects (site_ids); PT403 change_order.outside_plants naming the plants it lacks when it holds it only at others, PT403 permission.missing when it holds it nowhere (or the change order names no plant).';

CREATE OR REPLACE FUNCTION app.submit_change_order(change_order_id uuid) RETURNS app.change_orders
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_order app.change_orders := app_private.lock_change_order(submit_change_order.change_order_id, 'change_order.manage');
BEGIN
  IF v_order.status <> 'draft' THEN
    RAISE EXCEPTION 'change order % is %', v_order.eco_number, v_order.status USING ERRCODE = 'PT409', DETAIL = 'change_order.not_draft',
      HINT = 'Only a draft change order is submitted.';
  END IF;
  IF NOT EXISTS (SELECT FROM app.change_order_items AS i WHERE i.organization_id = v_order.organization_id AND i.change_order_id = v_order.id) THEN
    RAISE EXCEPTION 'change order % affects nothing', v_order.eco_number USING ERRCODE = 'PT422', DETAIL = 'change_order.no_items',
      HINT = 'Add the affected parts, revisions, drawings or BOM lines (POST /change_order_items) first.';
  END IF;
  -- No plants named: the plants where its parts are in use (the approval is scoped to them).
  IF cardinality(v_order.site_ids) = 0 THEN
    UPDATE app.change_orders AS o SET site_ids = app_private.change_order_derived_sites(v_order.organization_id, v_order.id)
     WHERE o.organization_id = v_order.organization_id AND o.id = v_order.id;
  END IF;
  -- The transition opens the routed approval (effect open_approval, type change_order), scoped to its plants.
  PERFORM auth.state_machine_transition('change_order', v_order.id, 'submitted', NULL, NULL);
  SELECT * INTO v_order FROM app.change_orders AS o WHERE o.organization_id = v_order.organization_id AND o.id = v_order.id;
  PERFORM app_private.publish_event(v_order.organization_id, 'change_order.submitted',
    pg_catalog.jsonb_build_object('eco_number', v_order.eco_number, 'title', v_order.title), 'change_order', v_order.id);
  RETURN v_order;
END
$$;
COMMENT ON FUNCTION app.submit_change_order(uuid) IS
  E'Submit a change order\nSends a draft with at least one affected item for approval. When it names no plant (site_ids), the plants where its parts are in use (open lots, control plans) are set; its approval steps are decided by holders of their role tenant-wide or at every one of its plants. Needs change_order.manage; PT404 change_order.not_found, PT409 change_order.not_draft, PT422 change_order.no_items. Publishes change_order.submitted.';

CREATE OR REPLACE FUNCTION app_private.decide_change_order(p_change_order_id uuid, p_approve boolean, p_comment text) RETURNS app.change_orders
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_order app.change_orders;
BEGIN
  -- change_order.approve tenant-wide or at every plant the change order affects.
  SELECT * INTO v_order FROM app.change_orders AS o WHERE o.organization_id = auth.org_id() AND o.id = p_change_order_id FOR UPDATE;
  -- Another plant's change order (one the caller may not read) is not found: no refusal names it.
  IF NOT FOUND OR NOT (auth.has_permission('change_order.read') OR auth.has_permission('change_order.manage')
                       OR auth.has_permission('change_order.approve') OR auth.is_platform_operator()
                       OR v_order.site_ids && (auth.permitted_site_ids('change_order.read') || auth.permitted_site_ids('change_order.approve'))) THEN
    IF cardinality(auth.permitted_site_ids('change_order.approve')) = 0 THEN
      PERFORM app_private.require_permission('change_order.approve');
    END IF;
    RAISE EXCEPTION 'change order not found' USING ERRCODE = 'PT404', DETAIL = 'change_order.not_found',
      HINT = 'GET /change_orders lists your organization''s change orders.';
  END IF;
  PERFORM app_private.require_change_order_permission(v_order, 'change_order.approve');
  IF v_order.status <> 'submitted' THEN
    RAISE EXCEPTION 'change order % is %', v_order.eco_number, v_order.status USING ERRCODE = 'PT409', DETAIL = 'change_order.not_submitted',
      HINT = 'Only a submitted change order is approved or rejected.';
  END IF;
  IF v_order.submitted_by = auth.user_id() THEN
    RAISE EXCEPTION 'you submitted change order %: someone else decides it', v_order.eco_number USING ERRCODE = 'PT403',
      DETAIL = 'change_order.own_submission', HINT = 'Another holder of change_order.approve decides (two-person rule).';
  END IF;
  IF NOT p_approve AND coalesce(pg_catalog.btrim(p_comment), '') = '' THEN
    RAISE EXCEPTION 'a rejection needs a reason' USING ERRCODE = 'PT422', DETAIL = 'change_order.reason_missing',
      HINT = 'Say why the change order is rejected.';
  END IF;
  -- The caller decides the current step of the routed approval; the last
  -- approval (or any rejection) moves the change order (trigger on app.approvals).
  PERFORM app_private.decide_routed_approval('change_order', v_order.id, 'change_order',
                                             CASE WHEN p_approve THEN 'approve' ELSE 'reject' END::app.approval_decision, p_comment);
  SELECT * INTO v_order FROM app.change_orders AS o WHERE o.organization_id = v_order.organization_id AND o.id = v_order.id;
  IF v_order.status IN ('approved', 'rejected') THEN
    PERFORM app_private.publish_event(v_order.organization_id, 'change_order.' || v_order.status::text,
      pg_catalog.jsonb_build_object('eco_number', v_order.eco_number, 'title', v_order.title), 'change_order', v_order.id);
  END IF;
  RETURN v_order;
END
$$;
COMMENT ON FUNCTION app_private.decide_change_order(uuid, boolean, text) IS
  'Decides the current step of a submitted change order''s routed approval (app_private.decide_routed_approval; the last approval moves it to approved, a rejection at any step to rejected): change_order.approve tenant-wide or at every plant it affects (PT403 change_order.outside_plants; the step''s role likewise, PT403 approval.approver_outside_plants; a change order of other plants only, which the caller does not read, is PT404 change_order.not_found), not the submitter (PT403 change_order.own_submission), a reason to reject (PT422 change_order.reason_missing); PT409 change_order.not_submitted. Publishes change_order.approved / change_order.rejected.';

CREATE OR REPLACE FUNCTION app.approve_change_order(change_order_id uuid, comment text DEFAULT NULL) RETURNS app.change_orders
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT app_private.decide_change_order(approve_change_order.change_order_id, true, approve_change_order.comment);
$$;
COMMENT ON FUNCTION app.approve_change_order(uuid, text) IS
  E'Approve a change order\nDecides the current step of the change order''s routed approval (platform approval of type change_order; by default qa, then engineering, then production, each a different person, never the submitter; any holder of the step''s role may decide it); the last step approves the change order. Where the tenant''s approval policy requires signed decisions, decide with app.decide_approval (PT422 signature.required here). Needs change_order.approve (tenant-wide, or at every plant the change order affects: site_ids; PT403 change_order.outside_plants) and, for the step, its role held likewise (PT403 approval.approver_outside_plants), and not being its submitter (PT403 change_order.own_submission); PT404 change_order.not_found, PT409 change_order.not_submitted.';

CREATE OR REPLACE FUNCTION app.reject_change_order(change_order_id uuid, reason text) RETURNS app.change_orders
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT app_private.decide_change_order(reject_change_order.change_order_id, false, reject_change_order.reason);
$$;
COMMENT ON FUNCTION app.reject_change_order(uuid, text) IS
  E'Reject a change order\nRejects the current step of its routed approval: the routing stops and the change order is rejected. Needs change_order.approve tenant-wide or at every plant it affects (PT403 change_order.outside_plants; the step''s role likewise, approval.approver_outside_plants), not being its submitter (PT403 change_order.own_submission) and a reason (PT422 change_order.reason_missing); PT404 change_order.not_found, PT409 change_order.not_submitted.';

CREATE OR REPLACE FUNCTION app.cancel_change_order(change_order_id uuid, reason text DEFAULT NULL) RETURNS app.change_orders
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_order app.change_orders := app_private.lock_change_order(cancel_change_order.change_order_id, 'change_order.manage');
BEGIN
  IF v_order.status NOT IN ('draft', 'submitted', 'approved') THEN
    RAISE EXCEPTION 'change order % is %', v_order.eco_number, v_order.status USING ERRCODE = 'PT409', DETAIL = 'change_order.closed',
      HINT = 'Implemented, rejected and cancelled change orders are records.';
  END IF;
  PERFORM auth.state_machine_transition('change_order', v_order.id, 'cancelled', cancel_change_order.reason, NULL);
  -- Its open approval is withdrawn with it.
  UPDATE app.approvals AS a SET status = 'cancelled', decided_at = pg_catalog.now(), decision_comment = coalesce(cancel_change_order.reason, 'change order cancelled')
   WHERE a.organization_id = v_order.organization_id AND a.entity_type = 'change_order' AND a.entity_id = v_order.id
     AND a.status IN ('pending', 'in_review');
  UPDATE app.change_orders AS o SET decision_comment = coalesce(cancel_change_order.reason, o.decision_comment)
   WHERE o.organization_id = v_order.organization_id AND o.id = v_order.id RETURNING * INTO v_order;
  RETURN v_order;
END
$$;
COMMENT ON FUNCTION app.cancel_change_order(uuid, text) IS
  E'Cancel a change order\nWithdraws a draft, submitted or approved change order. Needs change_order.manage; PT404 change_order.not_found, PT409 change_order.closed for one implemented, rejected or cancelled.';

CREATE OR REPLACE FUNCTION app.implement_change_order(change_order_id uuid) RETURNS app.change_orders
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_order app.change_orders := app_private.lock_change_order(implement_change_order.change_order_id, 'change_order.manage');
  v_item app.change_order_items;
  v_drawing_revision app.drawing_revisions;
  v_released jsonb := '[]';
  -- Date effectivity in the future: the releases take effect at the start of that day.
  v_effective_at timestamptz := CASE WHEN v_order.effectivity = 'date' AND v_order.effective_date > CURRENT_DATE
                                     THEN v_order.effective_date::timestamptz END;
BEGIN
  IF v_order.status <> 'approved' THEN
    RAISE EXCEPTION 'change order % is %', v_order.eco_number, v_order.status USING ERRCODE = 'PT409', DETAIL = 'change_order.not_approved',
      HINT = 'Only an approved change order is implemented; submit it and have it approved.';
  END IF;
  FOR v_item IN
    SELECT * FROM app.change_order_items AS i
     WHERE i.organization_id = v_order.organization_id AND i.change_order_id = v_order.id
       AND (i.kind IN ('part_revision', 'drawing_revision') OR i.bom_action IS NOT NULL)
     -- drawing revisions, then part revisions, then BOM changes: removals, changes and replacements before additions
     ORDER BY CASE i.kind WHEN 'drawing_revision' THEN 0 WHEN 'part_revision' THEN 1 ELSE 2 END, i.bom_action = 'add', i.id
  LOOP
    IF v_item.kind = 'bom_line' THEN
      -- The superseded line is end-dated by the effectivity, the new one starts there (69_effectivity.sql).
      v_released := v_released || pg_catalog.jsonb_build_object('bom_line_id',
                      app_private.apply_change_order_bom_item(v_order, v_item, v_effective_at), 'bom_action', v_item.bom_action);
      CONTINUE;
    END IF;
    IF v_item.kind = 'part_revision' THEN
      -- The existing release: part.manage, a draft of an active part; the previous revision is obsoleted.
      PERFORM app.release_part_revision(v_item.part_revision_id);
      -- Effectivity: a future date dates the release (and the previous
      -- revision's end); lot or serial effectivity is kept on the revision.
      PERFORM app_private.apply_change_order_effectivity(v_order, v_item.part_revision_id, v_effective_at);
      v_released := v_released || pg_catalog.jsonb_build_object('part_revision_id', v_item.part_revision_id);
    ELSE
      v_drawing_revision := app_private.lock_drawing_revision(v_item.drawing_revision_id);
      -- The ECO's routed approval stands for the RDA review (a draft is released directly).
      PERFORM app_private.release_drawing_revision(v_drawing_revision, v_order.decided_by, 'Released by ' || v_order.eco_number, v_effective_at);
      v_released := v_released || pg_catalog.jsonb_build_object('drawing_revision_id', v_item.drawing_revision_id);
    END IF;
  END LOOP;
  -- The transition's guard checks that everything it names is released; the mirror stamps implemented_by/at.
  PERFORM auth.state_machine_transition('change_order', v_order.id, 'implemented', NULL, NULL);
  SELECT * INTO v_order FROM app.change_orders AS o WHERE o.organization_id = v_order.organization_id AND o.id = v_order.id;
  PERFORM app_private.publish_event(v_order.organization_id, 'change_order.implemented',
    pg_catalog.jsonb_build_object('eco_number', v_order.eco_number, 'released', v_released), 'change_order', v_order.id);
  RETURN v_order;
END
$$;
COMMENT ON FUNCTION app.implement_change_order(uuid) IS
  E'Implement a change order\nApplies its effectivity (a future effective date dates the releases: the revisions before stay current until that day; lot or serial effectivity is kept on the released part revision: app.effective_part_revision), releases the part revisions (app.release_part_revision: part.manage, drafts) and drawing revisions (draft or in review; the ECO''s approver stands as their approver) the change order names, applies its BOM-line changes to the project BOM (add, remove, change quantity/unit, replace the component: the superseded line is end-dated by the effectivity and kept, the new line starts there; part.manage; PT409 project_bom.line_superseded, project_bom.line_exists, project_bom.effectivity_conflict, PT422 project_bom.unit_incompatible, project_bom.cycle) and marks it implemented, all in one transaction: a refusal of any step leaves everything unchanged. Needs change_order.manage; PT404 change_order.not_found, PT409 change_order.not_approved. Publishes change_order.implemented.';
