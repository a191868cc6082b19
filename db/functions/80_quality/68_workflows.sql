-- Quality workflows on the platform blocks (migration quality/workflows):
-- NCRs, drawing revisions (RDA) and change orders (ECO) move on per-tenant
-- state machines (app.state_machines, entity types ncr, drawing_revision,
-- change_order), which every tenant gets at provisioning
-- (app_private.provision_quality_workflows) and may replace with its own
-- version (app.define_state_machine: another step such as an MRB review, or
-- another guard). The entity's status column is a mirror of its machine
-- state (triggers _500_*_status on app.entity_states, for NCRs on
-- app.entity_state_history, which carries the reason), written nowhere
-- else (triggers _150_status_by_machine refuse any other status change).
-- The existing RPCs (app.advance_ncr, submit/approve/reject_drawing_revision,
-- submit/approve/reject/cancel/implement_change_order) are wrappers that take
-- the transition; app.transition takes the same ones, with the same guards.
--
-- Guards call the existing SQL rules: kind ncr_rule (containment recorded,
-- dispositions cover the quantity, verification accepted; a cancel needs a reason),
-- drawing_rule (file linked, release approved, superseded), change_order_rule
-- (has items, implemented by the RPC) and approval_decided (the latest
-- approval of a type, requested in the current state, is rejected).
--
-- Approval routing: submitting a drawing revision or a change order opens a
-- platform approval (effect open_approval; types drawing_release and
-- change_order) routed by the tenant's approval chains: sequential steps,
-- each a role, every step a different person who is not the submitter. The
-- final decision moves the entity (trigger _600_settle_quality on
-- app.approvals): approved -> released / approved, rejected -> draft /
-- rejected. Decisions are signed where the tenant's approval policy says.

-- A drawing revision is an entity of the platform (its state, approvals).
SELECT app_private.register_entity_type('drawing_revision', 'app.drawing_revisions', 'revision', 'Drawing revision');

-- Guards ------------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.transition_guard_ncr_rule(
  p_organization_id uuid, p_entity_type text, p_entity_id uuid, p_guard jsonb
) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_ncr app.ncrs;
  v_disposed numeric;
BEGIN
  SELECT * INTO v_ncr FROM app.ncrs AS n WHERE n.organization_id = p_organization_id AND n.id = p_entity_id;
  CASE p_guard ->> 'rule'
    WHEN 'containment_recorded' THEN
      IF coalesce(pg_catalog.btrim(v_ncr.containment_summary), '') = '' THEN
        RETURN pg_catalog.jsonb_build_object('reason', 'ncr.containment_required', 'sqlstate', 'PT422',
          'message', 'leaving containment needs what was done (note: the containment)');
      END IF;
    WHEN 'dispositions_complete' THEN
      v_disposed := coalesce((SELECT sum(d.quantity) FROM app.ncr_dispositions AS d
                               WHERE d.organization_id = v_ncr.organization_id AND d.ncr_id = v_ncr.id), 0);
      IF v_disposed <> v_ncr.nonconforming_quantity THEN
        RETURN pg_catalog.jsonb_build_object('reason', 'ncr.disposition_incomplete', 'sqlstate', 'PT409',
          'message', pg_catalog.format('dispositions cover %s of %s %s', v_disposed, v_ncr.nonconforming_quantity, v_ncr.unit));
      END IF;
    WHEN 'verification_rejected' THEN
      IF v_ncr.verification_result IS DISTINCT FROM 'rejected' THEN
        RETURN pg_catalog.jsonb_build_object('reason', 'ncr.verification_not_rejected', 'sqlstate', 'PT409',
          'message', 'an NCR goes back to disposition when its verification is rejected (app.record_ncr_verification)');
      END IF;
    WHEN 'verification_accepted' THEN
      IF v_ncr.verification_result IS DISTINCT FROM 'accepted' THEN
        RETURN pg_catalog.jsonb_build_object('reason', 'ncr.not_verified', 'sqlstate', 'PT409',
          'message', pg_catalog.format('%s has no accepted verification (app.record_ncr_verification)', v_ncr.ncr_number));
      END IF;
  END CASE;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.transition_guard_ncr_rule(uuid, text, uuid, jsonb) IS
  'Guard {"kind": "ncr_rule", "rule": "containment_recorded" | "dispositions_complete" | "verification_accepted" | "verification_rejected"}: the NCR''s containment summary is recorded (PT422 ncr.containment_required); its MRB dispositions cover the nonconforming quantity exactly (PT409 ncr.disposition_incomplete); an accepted verification is recorded (PT409 ncr.not_verified); a rejected verification is recorded (the way back to disposition; PT409 ncr.verification_not_rejected).';

CREATE OR REPLACE FUNCTION app_private.transition_guard_ncr_rule_check(p_organization_id uuid, p_entity_type text, p_guard jsonb)
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  SELECT CASE WHEN p_entity_type <> 'ncr' THEN 'guard ncr_rule is for NCRs'
              WHEN NOT coalesce(p_guard ->> 'rule' IN ('containment_recorded', 'dispositions_complete', 'verification_accepted', 'verification_rejected'), false)
              THEN 'guard ncr_rule needs "rule": containment_recorded, dispositions_complete, verification_accepted or verification_rejected' END
$$;
COMMENT ON FUNCTION app_private.transition_guard_ncr_rule_check(uuid, text, jsonb) IS 'An ncr_rule guard is on the NCR machine and names a known rule.';

-- The latest approval of a type on the entity, requested since it entered
-- its current state.
CREATE OR REPLACE FUNCTION app_private.current_state_approval(p_organization_id uuid, p_entity_type text, p_entity_id uuid,
                                                              p_type text) RETURNS app.approvals
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT a.* FROM app.approvals AS a
    JOIN app.entity_states AS s ON s.organization_id = a.organization_id AND s.entity_type = a.entity_type AND s.entity_id = a.entity_id
   WHERE a.organization_id = p_organization_id AND a.entity_type = p_entity_type AND a.entity_id = p_entity_id
     AND a.approval_type::text = p_type AND a.created_at >= s.entered_at
   ORDER BY a.created_at DESC, a.id DESC
   LIMIT 1
$$;
COMMENT ON FUNCTION app_private.current_state_approval(uuid, text, uuid, text) IS
  'The latest approval of the type on the entity requested since it entered its current state (as the built-in approval guard reads it); NULL when none.';

-- The statuses an approval_decided guard accepts: "status" is one status or
-- a list of them (rejected by default).
CREATE OR REPLACE FUNCTION app_private.approval_decided_statuses(p_guard jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  SELECT CASE pg_catalog.jsonb_typeof(p_guard -> 'status')
           WHEN 'array' THEN ARRAY(SELECT pg_catalog.jsonb_array_elements_text(p_guard -> 'status'))
           WHEN 'string' THEN ARRAY[p_guard ->> 'status']
           ELSE ARRAY['rejected'] END
$$;
COMMENT ON FUNCTION app_private.approval_decided_statuses(jsonb) IS
  'The approval statuses an approval_decided guard accepts: its "status", one status or a list of them; rejected when it names none.';

CREATE OR REPLACE FUNCTION app_private.transition_guard_approval_decided(
  p_organization_id uuid, p_entity_type text, p_entity_id uuid, p_guard jsonb
) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_approval app.approvals := app_private.current_state_approval(p_organization_id, p_entity_type, p_entity_id, p_guard ->> 'approval_type');
BEGIN
  IF v_approval.status::text = ANY (app_private.approval_decided_statuses(p_guard)) THEN
    RETURN NULL;
  END IF;
  RETURN pg_catalog.jsonb_build_object('reason', 'approval.status_mismatch', 'sqlstate', 'PT409',
    'message', pg_catalog.format('the %s approval is %s, not %s', p_guard ->> 'approval_type', coalesce(v_approval.status::text, 'not requested'),
                                 pg_catalog.array_to_string(app_private.approval_decided_statuses(p_guard), ' or ')));
END
$$;
COMMENT ON FUNCTION app_private.transition_guard_approval_decided(uuid, text, uuid, jsonb) IS
  'Guard {"kind": "approval_decided", "approval_type": "<type>", "status": "rejected"} (or a list of statuses, e.g. ["rejected", "expired"]): the latest approval of that type on the entity, requested in its current state, has that status or one of them (the way back after a rejection is taken by the decision itself, after an expiry by the trigger _600_expire_way_back). Fails with approval.status_mismatch (PT409), the message naming both statuses.';

CREATE OR REPLACE FUNCTION app_private.transition_guard_approval_decided_check(p_organization_id uuid, p_entity_type text, p_guard jsonb)
RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT coalesce(app_private.transition_guard_approval_check(p_organization_id, p_entity_type, p_guard),
                  CASE WHEN pg_catalog.jsonb_typeof(p_guard -> 'status') NOT IN ('string', 'array')
                         OR pg_catalog.cardinality(app_private.approval_decided_statuses(p_guard)) = 0
                         OR NOT app_private.approval_decided_statuses(p_guard) <@ ARRAY['approved', 'rejected', 'cancelled', 'expired']
                       THEN 'guard approval_decided needs "status": approved, rejected, cancelled or expired, or a list of them' END)
$$;
COMMENT ON FUNCTION app_private.transition_guard_approval_decided_check(uuid, text, jsonb) IS 'An approval_decided guard names an approval type and a closed status or a non-empty list of them.';

-- Whether a drawing revision's release is approved: by its own RDA approval
-- in review, or by an approved change order that names it (the ECO's routing
-- stands for the RDA) and that the caller may implement.
CREATE OR REPLACE FUNCTION app_private.drawing_release_approved(p_organization_id uuid, p_revision_id uuid) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT (app_private.current_state_approval(p_organization_id, 'drawing_revision', p_revision_id, 'drawing_release')).status IS NOT DISTINCT FROM 'approved'
      OR (auth.has_permission('change_order.manage')
          AND EXISTS (SELECT FROM app.change_order_items AS i
                        JOIN app.change_orders AS o ON o.organization_id = i.organization_id AND o.id = i.change_order_id
                       WHERE i.organization_id = p_organization_id AND i.drawing_revision_id = p_revision_id AND o.status = 'approved'))
$$;
COMMENT ON FUNCTION app_private.drawing_release_approved(uuid, uuid) IS
  'A drawing revision may be released: its drawing_release approval (requested in its current state) is approved, or an approved change order names it and the caller holds change_order.manage (app.implement_change_order).';

CREATE OR REPLACE FUNCTION app_private.transition_guard_drawing_rule(
  p_organization_id uuid, p_entity_type text, p_entity_id uuid, p_guard jsonb
) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_revision app.drawing_revisions;
BEGIN
  SELECT * INTO v_revision FROM app.drawing_revisions AS r WHERE r.organization_id = p_organization_id AND r.id = p_entity_id;
  CASE p_guard ->> 'rule'
    WHEN 'document_linked' THEN
      IF v_revision.document_version_id IS NULL THEN
        RETURN pg_catalog.jsonb_build_object('reason', 'drawing_revision.document_missing', 'sqlstate', 'PT422',
          'message', pg_catalog.format('drawing revision %s has no file (document_version_id)', v_revision.revision));
      END IF;
    WHEN 'release_approved' THEN
      IF NOT app_private.drawing_release_approved(p_organization_id, p_entity_id) THEN
        RETURN pg_catalog.jsonb_build_object('reason', 'drawing_revision.release_not_approved', 'sqlstate', 'PT409',
          'message', pg_catalog.format('drawing revision %s: its release approval (RDA) is not approved', v_revision.revision));
      END IF;
    WHEN 'superseded' THEN
      IF NOT EXISTS (SELECT FROM app.drawing_revisions AS r
                      WHERE r.organization_id = p_organization_id AND r.drawing_id = v_revision.drawing_id AND r.id <> v_revision.id
                        AND r.status IN ('in_review', 'draft') AND app_private.drawing_release_approved(p_organization_id, r.id)) THEN
        RETURN pg_catalog.jsonb_build_object('reason', 'drawing_revision.not_superseded', 'sqlstate', 'PT409',
          'message', 'a released revision is superseded only by the release of another revision of its drawing');
      END IF;
  END CASE;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.transition_guard_drawing_rule(uuid, text, uuid, jsonb) IS
  'Guard {"kind": "drawing_rule", "rule": "document_linked" | "release_approved" | "superseded"}: the revision links its file (PT422 drawing_revision.document_missing); its release is approved (app_private.drawing_release_approved; PT409 drawing_revision.release_not_approved); another revision of the drawing is being released (PT409 drawing_revision.not_superseded).';

CREATE OR REPLACE FUNCTION app_private.transition_guard_drawing_rule_check(p_organization_id uuid, p_entity_type text, p_guard jsonb)
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  SELECT CASE WHEN p_entity_type <> 'drawing_revision' THEN 'guard drawing_rule is for drawing revisions'
              WHEN NOT coalesce(p_guard ->> 'rule' IN ('document_linked', 'release_approved', 'superseded'), false)
              THEN 'guard drawing_rule needs "rule": document_linked, release_approved or superseded' END
$$;
COMMENT ON FUNCTION app_private.transition_guard_drawing_rule_check(uuid, text, jsonb) IS 'A drawing_rule guard is on the drawing revision machine and names a known rule.';

CREATE OR REPLACE FUNCTION app_private.transition_guard_change_order_rule(
  p_organization_id uuid, p_entity_type text, p_entity_id uuid, p_guard jsonb
) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_order app.change_orders;
BEGIN
  SELECT * INTO v_order FROM app.change_orders AS o WHERE o.organization_id = p_organization_id AND o.id = p_entity_id;
  CASE p_guard ->> 'rule'
    WHEN 'has_items' THEN
      IF NOT EXISTS (SELECT FROM app.change_order_items AS i WHERE i.organization_id = v_order.organization_id AND i.change_order_id = v_order.id) THEN
        RETURN pg_catalog.jsonb_build_object('reason', 'change_order.no_items', 'sqlstate', 'PT422',
          'message', pg_catalog.format('change order %s affects nothing (POST /change_order_items)', v_order.eco_number));
      END IF;
    WHEN 'implemented' THEN
      -- What it names is released (app.implement_change_order does it, in the same transaction).
      IF EXISTS (SELECT FROM app.change_order_items AS i
                   LEFT JOIN app.part_revisions AS p ON p.organization_id = i.organization_id AND p.id = i.part_revision_id
                   LEFT JOIN app.drawing_revisions AS d ON d.organization_id = i.organization_id AND d.id = i.drawing_revision_id
                  WHERE i.organization_id = v_order.organization_id AND i.change_order_id = v_order.id
                    AND (p.status = 'draft' OR d.status IN ('draft', 'in_review'))) THEN
        RETURN pg_catalog.jsonb_build_object('reason', 'change_order.implement_with_rpc', 'sqlstate', 'PT409',
          'message', 'revisions the change order names are not released yet: implement it with app.implement_change_order');
      END IF;
  END CASE;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.transition_guard_change_order_rule(uuid, text, uuid, jsonb) IS
  'Guard {"kind": "change_order_rule", "rule": "has_items" | "implemented"}: the change order names at least one affected item (PT422 change_order.no_items); every part and drawing revision it names is released (app.implement_change_order releases them first; PT409 change_order.implement_with_rpc).';

CREATE OR REPLACE FUNCTION app_private.transition_guard_change_order_rule_check(p_organization_id uuid, p_entity_type text, p_guard jsonb)
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  SELECT CASE WHEN p_entity_type <> 'change_order' THEN 'guard change_order_rule is for change orders'
              WHEN NOT coalesce(p_guard ->> 'rule' IN ('has_items', 'implemented'), false)
              THEN 'guard change_order_rule needs "rule": has_items or implemented' END
$$;
COMMENT ON FUNCTION app_private.transition_guard_change_order_rule_check(uuid, text, jsonb) IS 'A change_order_rule guard is on the change order machine and names a known rule.';

-- Provisioning ------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.provision_state_machine(p_organization_id uuid, p_entity_type text, p_name text,
                                                               p_states jsonb, p_transitions jsonb) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_machine uuid := public.uuid_generate_v7();
BEGIN
  IF EXISTS (SELECT FROM app.state_machines AS m WHERE m.organization_id = p_organization_id AND m.entity_type = p_entity_type) THEN
    RETURN;
  END IF;
  INSERT INTO app.state_machines (organization_id, id, entity_type, version, name)
  VALUES (p_organization_id, v_machine, p_entity_type, 1, p_name);
  INSERT INTO app.state_machine_states (organization_id, state_machine_id, key, label, is_initial, is_terminal, position)
  SELECT p_organization_id, v_machine, s ->> 'key', s ->> 'label', coalesce((s ->> 'initial')::boolean, false),
         coalesce((s ->> 'terminal')::boolean, false), o::integer
    FROM pg_catalog.jsonb_array_elements(p_states) WITH ORDINALITY AS x (s, o);
  INSERT INTO app.state_machine_transitions (organization_id, state_machine_id, from_state, to_state, label, guards, effects, position)
  SELECT p_organization_id, v_machine, t ->> 'from', t ->> 'to', t ->> 'label', coalesce(t -> 'guards', '[]'), coalesce(t -> 'effects', '[]'),
         o::integer
    FROM pg_catalog.jsonb_array_elements(p_transitions) WITH ORDINALITY AS x (t, o);
  UPDATE app.state_machines AS m SET status = 'published', published_at = pg_catalog.now()
   WHERE m.organization_id = p_organization_id AND m.id = v_machine;
END
$$;
COMMENT ON FUNCTION app_private.provision_state_machine(uuid, text, text, jsonb, jsonb) IS
  'Gives a tenant without one a published version 1 of the state machine of an entity type: states [{key, label, initial, terminal}], transitions [{from, to, label, guards, effects}]. Idempotent.';

-- Puts existing rows on the machine in the state their status names (rows
-- made before the machine existed); new rows are started by triggers.
CREATE OR REPLACE FUNCTION app_private.start_quality_entities(p_organization_id uuid, p_entity_type text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_machine app.state_machines;
BEGIN
  SELECT * INTO v_machine FROM app.state_machines AS m
   WHERE m.organization_id = p_organization_id AND m.entity_type = p_entity_type AND m.status = 'published';
  IF NOT FOUND THEN
    RETURN;
  END IF;
  EXECUTE pg_catalog.format($q$
    INSERT INTO app.entity_states (organization_id, entity_type, entity_id, state_machine_id, state, entered_at)
    SELECT t.organization_id, $2, t.id, $3, t.status::text, t.updated_at
      FROM %s AS t
     WHERE t.organization_id = $1
       AND EXISTS (SELECT FROM app.state_machine_states AS s WHERE s.organization_id = $1 AND s.state_machine_id = $3 AND s.key = t.status::text)
    ON CONFLICT (organization_id, entity_type, entity_id) DO NOTHING$q$,
    (app_private.entity_type_of(p_entity_type)).table_name)
  USING p_organization_id, p_entity_type, v_machine.id;
END
$$;
COMMENT ON FUNCTION app_private.start_quality_entities(uuid, text) IS
  'Puts the tenant''s rows of an entity type that are on no state machine onto its published machine, in the state their status names (entered at their updated_at). Idempotent; run by app_private.provision_quality_workflows.';

-- The way back after an expired approval (e.g. change order submitted ->
-- draft, guard approval_decided change_order expired) for a tenant whose
-- published machine of the entity type lacks it: a new version, a copy of
-- the published one with that transition, is published (the old one
-- superseded) and the tenant's entities on the old version move onto it in
-- the state they are in (the states are the same). Idempotent: nothing when
-- the published version has a p_from -> p_to transition or lacks either state.
CREATE OR REPLACE FUNCTION app_private.add_expiry_way_back(p_organization_id uuid, p_entity_type text, p_from text, p_to text,
                                                           p_approval_type text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_old app.state_machines;
  v_new uuid := public.uuid_generate_v7();
  v_way app.state_machine_transitions;
  v_guard jsonb := pg_catalog.jsonb_build_object('kind', 'approval_decided', 'approval_type', p_approval_type, 'status', 'expired');
BEGIN
  SELECT * INTO v_old FROM app.state_machines AS m
   WHERE m.organization_id = p_organization_id AND m.entity_type = p_entity_type AND m.status = 'published';
  IF NOT FOUND
     OR (SELECT count(*) FROM app.state_machine_states AS s
          WHERE s.organization_id = v_old.organization_id AND s.state_machine_id = v_old.id AND s.key IN (p_from, p_to)) <> 2 THEN
    RETURN;
  END IF;
  SELECT * INTO v_way FROM app.state_machine_transitions AS t
   WHERE t.organization_id = v_old.organization_id AND t.state_machine_id = v_old.id AND t.from_state = p_from AND t.to_state = p_to;
  -- The way exists and an expiry already takes it; or it exists for something else than this approval: left alone.
  IF FOUND AND NOT EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(v_way.guards) AS g
                            WHERE g ->> 'kind' = 'approval_decided' AND g ->> 'approval_type' = p_approval_type
                              AND NOT 'expired' = ANY (app_private.approval_decided_statuses(g))) THEN
    RETURN;
  END IF;
  INSERT INTO app.state_machines (organization_id, id, entity_type, version, name, labels)
  SELECT v_old.organization_id, v_new, p_entity_type, max(m.version) + 1, v_old.name, v_old.labels
    FROM app.state_machines AS m WHERE m.organization_id = v_old.organization_id AND m.entity_type = p_entity_type;
  INSERT INTO app.state_machine_states (organization_id, state_machine_id, key, label, labels, is_initial, is_terminal, position)
  SELECT s.organization_id, v_new, s.key, s.label, s.labels, s.is_initial, s.is_terminal, s.position
    FROM app.state_machine_states AS s WHERE s.organization_id = v_old.organization_id AND s.state_machine_id = v_old.id;
  -- A copy of every transition; the way back's approval_decided guard of the type also accepts expired (e.g. a
  -- send-back after a rejection), or, without such a way, a new transition with that guard.
  INSERT INTO app.state_machine_transitions (organization_id, state_machine_id, from_state, to_state, label, labels, guards, effects, position)
  SELECT t.organization_id, v_new, t.from_state, t.to_state, t.label, t.labels,
         CASE WHEN t.from_state = p_from AND t.to_state = p_to
              THEN (SELECT pg_catalog.jsonb_agg(CASE WHEN g ->> 'kind' = 'approval_decided' AND g ->> 'approval_type' = p_approval_type
                                                     THEN g || pg_catalog.jsonb_build_object('status',
                                                            pg_catalog.to_jsonb(app_private.approval_decided_statuses(g) || ARRAY['expired']))
                                                     ELSE g END ORDER BY o)
                      FROM pg_catalog.jsonb_array_elements(t.guards) WITH ORDINALITY AS x (g, o))
              ELSE t.guards END,
         t.effects, t.position
    FROM app.state_machine_transitions AS t WHERE t.organization_id = v_old.organization_id AND t.state_machine_id = v_old.id
  UNION ALL
  SELECT v_old.organization_id, v_new, p_from, p_to, 'Back to draft (approval expired)', '{}', pg_catalog.jsonb_build_array(v_guard), '[]',
         1 + (SELECT coalesce(max(t.position), 0) FROM app.state_machine_transitions AS t
               WHERE t.organization_id = v_old.organization_id AND t.state_machine_id = v_old.id)
   WHERE v_way.id IS NULL;
  UPDATE app.state_machines AS m SET status = 'superseded' WHERE m.organization_id = v_old.organization_id AND m.id = v_old.id;
  UPDATE app.state_machines AS m SET status = 'published', published_at = pg_catalog.now()
   WHERE m.organization_id = v_old.organization_id AND m.id = v_new;
  UPDATE app.entity_states AS e SET state_machine_id = v_new
   WHERE e.organization_id = v_old.organization_id AND e.entity_type = p_entity_type AND e.state_machine_id = v_old.id;
END
$$;
COMMENT ON FUNCTION app_private.add_expiry_way_back(uuid, text, text, text, text) IS
  'Gives a tenant whose published state machine of the entity type has no way p_from -> p_to that an expired <p_approval_type> approval takes a new published version where it does: the existing p_from -> p_to transition''s approval_decided guard of that type also accepts expired (the drawing revision''s send-back), or, without such a transition, a new one guarded by approval_decided <p_approval_type> expired; its entities on the old version move its entities on the old version onto the new one in the same state. Idempotent; run by app_private.provision_quality_workflows (the reference seed runs it for existing tenants).';

CREATE OR REPLACE FUNCTION app_private.add_change_order_expiry_way_back(p_organization_id uuid) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.add_expiry_way_back(p_organization_id, 'change_order', 'submitted', 'draft', 'change_order');
END
$$;
COMMENT ON FUNCTION app_private.add_change_order_expiry_way_back(uuid) IS
  'app_private.add_expiry_way_back for change orders: submitted -> draft after an expired change_order approval.';

CREATE OR REPLACE FUNCTION app_private.add_drawing_release_expiry_way_back(p_organization_id uuid) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.add_expiry_way_back(p_organization_id, 'drawing_revision', 'in_review', 'draft', 'drawing_release');
END
$$;
COMMENT ON FUNCTION app_private.add_drawing_release_expiry_way_back(uuid) IS
  'app_private.add_expiry_way_back for drawing revisions: in_review -> draft after an expired drawing_release (RDA) approval.';

CREATE OR REPLACE FUNCTION app_private.provision_quality_workflows(p_organization_id uuid) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_ncr jsonb := '[{"kind": "permission", "permission": "ncr.manage"}]';
  v_eco jsonb := '[{"kind": "permission", "permission": "change_order.manage"}]';
  v_rda jsonb := '[{"kind": "permission", "permission": "drawing.manage"}]';
BEGIN
  PERFORM app_private.provision_state_machine(p_organization_id, 'ncr', 'NCR (MRB)',
    '[{"key": "open", "label": "Open", "initial": true}, {"key": "containment", "label": "Containment"},
      {"key": "disposition", "label": "Disposition"}, {"key": "verification", "label": "Verification"},
      {"key": "closed", "label": "Closed", "terminal": true}, {"key": "cancelled", "label": "Cancelled", "terminal": true}]',
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('from', 'open', 'to', 'containment', 'label', 'Contain', 'guards', v_ncr),
      pg_catalog.jsonb_build_object('from', 'containment', 'to', 'disposition', 'label', 'To MRB disposition',
                                    'guards', v_ncr || '[{"kind": "ncr_rule", "rule": "containment_recorded"}]'),
      pg_catalog.jsonb_build_object('from', 'disposition', 'to', 'verification', 'label', 'Verify',
                                    'guards', v_ncr || '[{"kind": "ncr_rule", "rule": "dispositions_complete"}]'),
      pg_catalog.jsonb_build_object('from', 'verification', 'to', 'closed', 'label', 'Close',
                                    'guards', v_ncr || '[{"kind": "ncr_rule", "rule": "verification_accepted"}]'),
      pg_catalog.jsonb_build_object('from', 'verification', 'to', 'disposition', 'label', 'Back to disposition',
                                    'guards', v_ncr || '[{"kind": "ncr_rule", "rule": "verification_rejected"}]'),
      pg_catalog.jsonb_build_object('from', 'open', 'to', 'cancelled', 'label', 'Cancel', 'guards', v_ncr),
      pg_catalog.jsonb_build_object('from', 'containment', 'to', 'cancelled', 'label', 'Cancel', 'guards', v_ncr),
      pg_catalog.jsonb_build_object('from', 'disposition', 'to', 'cancelled', 'label', 'Cancel', 'guards', v_ncr),
      pg_catalog.jsonb_build_object('from', 'verification', 'to', 'cancelled', 'label', 'Cancel', 'guards', v_ncr)));
  PERFORM app_private.provision_state_machine(p_organization_id, 'change_order', 'Engineering change order',
    '[{"key": "draft", "label": "Draft", "initial": true}, {"key": "submitted", "label": "Submitted"}, {"key": "approved", "label": "Approved"},
      {"key": "implemented", "label": "Implemented", "terminal": true}, {"key": "rejected", "label": "Rejected", "terminal": true},
      {"key": "cancelled", "label": "Cancelled", "terminal": true}]',
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('from', 'draft', 'to', 'submitted', 'label', 'Submit',
                                    'guards', v_eco || '[{"kind": "change_order_rule", "rule": "has_items"}]',
                                    'effects', '[{"kind": "open_approval", "approval_type": "change_order"}]'::jsonb),
      pg_catalog.jsonb_build_object('from', 'submitted', 'to', 'approved', 'label', 'Approve',
                                    'guards', '[{"kind": "approval", "approval_type": "change_order"}]'::jsonb),
      pg_catalog.jsonb_build_object('from', 'submitted', 'to', 'rejected', 'label', 'Reject',
                                    'guards', '[{"kind": "approval_decided", "approval_type": "change_order", "status": "rejected"}]'::jsonb),
      pg_catalog.jsonb_build_object('from', 'submitted', 'to', 'draft', 'label', 'Back to draft (approval expired)',
                                    'guards', '[{"kind": "approval_decided", "approval_type": "change_order", "status": "expired"}]'::jsonb),
      pg_catalog.jsonb_build_object('from', 'approved', 'to', 'implemented', 'label', 'Implement',
                                    'guards', v_eco || '[{"kind": "change_order_rule", "rule": "implemented"}]'),
      pg_catalog.jsonb_build_object('from', 'draft', 'to', 'cancelled', 'label', 'Cancel', 'guards', v_eco),
      pg_catalog.jsonb_build_object('from', 'submitted', 'to', 'cancelled', 'label', 'Cancel', 'guards', v_eco),
      pg_catalog.jsonb_build_object('from', 'approved', 'to', 'cancelled', 'label', 'Cancel', 'guards', v_eco)));
  PERFORM app_private.provision_state_machine(p_organization_id, 'drawing_revision', 'Drawing revision (RDA)',
    '[{"key": "draft", "label": "Draft", "initial": true}, {"key": "in_review", "label": "In review"},
      {"key": "released", "label": "Released"}, {"key": "superseded", "label": "Superseded", "terminal": true}]',
    pg_catalog.jsonb_build_array(
      pg_catalog.jsonb_build_object('from', 'draft', 'to', 'in_review', 'label', 'Submit for approval',
                                    'guards', v_rda || '[{"kind": "drawing_rule", "rule": "document_linked"}]',
                                    'effects', '[{"kind": "open_approval", "approval_type": "drawing_release"}]'::jsonb),
      pg_catalog.jsonb_build_object('from', 'in_review', 'to', 'released', 'label', 'Release',
                                    'guards', '[{"kind": "drawing_rule", "rule": "release_approved"}]'::jsonb),
      pg_catalog.jsonb_build_object('from', 'in_review', 'to', 'draft', 'label', 'Send back',
                                    'guards', '[{"kind": "approval_decided", "approval_type": "drawing_release", "status": ["rejected", "expired"]}]'::jsonb),
      pg_catalog.jsonb_build_object('from', 'draft', 'to', 'released', 'label', 'Release by change order',
                                    'guards', '[{"kind": "drawing_rule", "rule": "release_approved"}]'::jsonb),
      pg_catalog.jsonb_build_object('from', 'released', 'to', 'superseded', 'label', 'Supersede',
                                    'guards', '[{"kind": "drawing_rule", "rule": "superseded"}]'::jsonb)));
  -- Approval routing (app.approval_chains, changed by the tenant's admins):
  -- the platform's default chains of the types change_order (qa ->
  -- engineering -> production) and drawing_release (engineering -> qa),
  -- copied for a tenant provisioned before they existed.
  INSERT INTO app.approval_chains (organization_id, chain_name, approval_type, rank, conditions, steps)
  SELECT p_organization_id, d.chain_name, d.approval_type, d.rank, d.conditions, d.steps
    FROM app_private.default_approval_chains AS d
   WHERE d.approval_type::text IN ('change_order', 'drawing_release')
     AND NOT EXISTS (SELECT FROM app.approval_chains AS x WHERE x.organization_id = p_organization_id AND x.approval_type = d.approval_type)
  ON CONFLICT DO NOTHING;
  -- A tenant provisioned before the ways back after an expired approval existed gets them as new versions.
  PERFORM app_private.add_change_order_expiry_way_back(p_organization_id);
  PERFORM app_private.add_drawing_release_expiry_way_back(p_organization_id);
  PERFORM app_private.start_quality_entities(p_organization_id, 'ncr');
  PERFORM app_private.start_quality_entities(p_organization_id, 'change_order');
  PERFORM app_private.start_quality_entities(p_organization_id, 'drawing_revision');
END
$$;
COMMENT ON FUNCTION app_private.provision_quality_workflows(uuid) IS
  'Gives a tenant the default NCR, change order and drawing revision state machines (published; see docs/manufacturing/workflows.md), the approval chains of change orders (qa -> engineering -> production) and drawing releases (engineering -> qa), and puts its existing NCRs, change orders and drawing revisions on the machines in the state their status names. Idempotent; a step of app_private.provision_organization.';

-- Starting and mirroring ----------------------------------------------------

-- A new NCR, change order or drawing revision starts on the tenant's
-- published machine, in the state its status names (or the initial one).
CREATE OR REPLACE FUNCTION app_private.tg_quality__start_machine() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_machine app.state_machines;
  v_state app.entity_states;
BEGIN
  SELECT * INTO v_machine FROM app.state_machines AS m
   WHERE m.organization_id = NEW.organization_id AND m.entity_type = TG_ARGV[0] AND m.status = 'published';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no published state machine for %', TG_ARGV[0] USING ERRCODE = 'PT409', DETAIL = 'state_machine.not_published',
      HINT = 'Define one (app.define_state_machine) and publish it (app.publish_state_machine).';
  END IF;
  INSERT INTO app.entity_states (organization_id, entity_type, entity_id, state_machine_id, state, entered_at, started_by)
  SELECT NEW.organization_id, TG_ARGV[0], NEW.id, v_machine.id, s.key, pg_catalog.now(), auth.user_id()
    FROM app.state_machine_states AS s
   WHERE s.organization_id = v_machine.organization_id AND s.state_machine_id = v_machine.id
     AND (s.key = NEW.status::text OR s.is_initial)
   ORDER BY s.key = NEW.status::text DESC
   LIMIT 1
  RETURNING * INTO v_state;
  PERFORM app_private.record_state_change(v_state, NULL, NULL, NULL);
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_quality__start_machine() IS
  'AFTER INSERT on ncrs, change_orders and drawing_revisions (TG_ARGV[0]: the entity type): puts the row on its tenant''s published state machine in the state its status names, else the initial state (PT409 state_machine.not_published without one).';

CREATE OR REPLACE TRIGGER _600_start_machine AFTER INSERT ON app.ncrs
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_quality__start_machine('ncr');
CREATE OR REPLACE TRIGGER _600_start_machine AFTER INSERT ON app.change_orders
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_quality__start_machine('change_order');
CREATE OR REPLACE TRIGGER _600_start_machine AFTER INSERT ON app.drawing_revisions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_quality__start_machine('drawing_revision');

-- The status column changes only to the machine state (the mirrors below).
CREATE OR REPLACE FUNCTION app_private.tg_quality__status_by_machine() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF NOT EXISTS (SELECT FROM app.entity_states AS s
                  WHERE s.organization_id = NEW.organization_id AND s.entity_type = TG_ARGV[0] AND s.entity_id = NEW.id
                    AND s.state = NEW.status::text) THEN
    RAISE EXCEPTION '% status changes only by a transition of its state machine', TG_ARGV[0] USING ERRCODE = 'PT409',
      DETAIL = 'state_machine.status_by_transition',
      HINT = 'Use the workflow call (e.g. app.advance_ncr, app.submit_change_order) or app.transition; app.available_transitions lists the ways.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_quality__status_by_machine() IS
  'BEFORE UPDATE OF status on ncrs, change_orders and drawing_revisions: refuses another tenant''s row (tenant.foreign_row); the new status must be the entity''s machine state (PT409 state_machine.status_by_transition): the status mirrors the machine and moves only with it.';

CREATE OR REPLACE TRIGGER _150_status_by_machine BEFORE UPDATE OF status ON app.ncrs
  FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM OLD.status) EXECUTE FUNCTION app_private.tg_quality__status_by_machine('ncr');
CREATE OR REPLACE TRIGGER _150_status_by_machine BEFORE UPDATE OF status ON app.change_orders
  FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM OLD.status) EXECUTE FUNCTION app_private.tg_quality__status_by_machine('change_order');
CREATE OR REPLACE TRIGGER _150_status_by_machine BEFORE UPDATE OF status ON app.drawing_revisions
  FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM OLD.status) EXECUTE FUNCTION app_private.tg_quality__status_by_machine('drawing_revision');

-- NCR: the state is its status where the status type has it (a state a
-- tenant adds, e.g. mrb_review, keeps the status of the step before);
-- closing scraps and releases, cancelling releases.
CREATE OR REPLACE FUNCTION app_private.tg_entity_state_history__ncr_status() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_old app.ncrs;
  v_new app.ncrs;
BEGIN
  IF NOT NEW.to_state = ANY (pg_catalog.enum_range(NULL::app.ncr_status)::text[]) THEN
    RETURN NULL;
  END IF;
  SELECT * INTO v_old FROM app.ncrs AS n WHERE n.organization_id = NEW.organization_id AND n.id = NEW.entity_id;
  IF v_old.status::text = NEW.to_state THEN
    RETURN NULL;
  END IF;
  -- The reason of the transition (app.advance_ncr's note) is the cancel reason.
  IF NEW.to_state = 'cancelled' AND coalesce(pg_catalog.btrim(NEW.reason), '') = '' THEN
    PERFORM app_private.raise_invalid('ncr.cancel_reason_required', 'cancelling an NCR needs a reason', 'Send note (or reason): why it is cancelled.');
  END IF;
  UPDATE app.ncrs AS n
     SET status = NEW.to_state::app.ncr_status, status_changed_at = pg_catalog.now(),
         closed_at = CASE WHEN NEW.to_state = 'closed' THEN pg_catalog.now() END,
         cancel_reason = CASE WHEN NEW.to_state = 'cancelled' THEN NEW.reason ELSE n.cancel_reason END,
         verification_result = CASE WHEN NEW.to_state = 'verification' THEN NULL ELSE n.verification_result END,
         verification_note = CASE WHEN NEW.to_state = 'verification' THEN NULL ELSE n.verification_note END,
         verified_by = CASE WHEN NEW.to_state = 'verification' THEN NULL ELSE n.verified_by END,
         verified_at = CASE WHEN NEW.to_state = 'verification' THEN NULL ELSE n.verified_at END
   WHERE n.organization_id = NEW.organization_id AND n.id = NEW.entity_id
  RETURNING n.* INTO v_new;
  IF NEW.to_state = 'closed' THEN
    PERFORM app_private.apply_ncr_scrap(v_new);
  END IF;
  IF NEW.to_state IN ('closed', 'cancelled') THEN
    PERFORM app_private.release_ncr_items(v_new);
  END IF;
  PERFORM app_private.publish_event(v_new.organization_id, 'ncr.status_changed',
    pg_catalog.jsonb_build_object('ncr_id', v_new.id, 'ncr_number', v_new.ncr_number, 'note', NEW.reason,
                                  'old', pg_catalog.jsonb_build_object('status', v_old.status),
                                  'new', pg_catalog.jsonb_build_object('status', v_new.status)),
    'ncr', v_new.id);
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_entity_state_history__ncr_status() IS
  'AFTER INSERT on app.entity_state_history of an NCR (every transition records one, with its reason): copies a state the ncr_status type has to ncrs.status (stamps status_changed_at, closed_at; cancelled needs the transition''s reason, kept as cancel_reason (PT422 ncr.cancel_reason_required); entering verification clears the verification), scraps the scrap dispositions on closed, releases the held material on closed or cancelled, publishes ncr.status_changed.';
CREATE OR REPLACE TRIGGER _500_ncr_status AFTER INSERT ON app.entity_state_history
  FOR EACH ROW WHEN (NEW.entity_type = 'ncr' AND NEW.from_state IS NOT NULL) EXECUTE FUNCTION app_private.tg_entity_state_history__ncr_status();

CREATE OR REPLACE FUNCTION app_private.tg_entity_states__change_order_status() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_approval app.approvals;
BEGIN
  IF NOT NEW.state = ANY (pg_catalog.enum_range(NULL::app.change_order_status)::text[]) THEN
    RETURN NULL;
  END IF;
  IF NEW.state IN ('approved', 'rejected') THEN
    SELECT * INTO v_approval FROM app.approvals AS a
     WHERE a.organization_id = NEW.organization_id AND a.entity_type = 'change_order' AND a.entity_id = NEW.entity_id
       AND a.approval_type = 'change_order' AND a.status::text = NEW.state
     ORDER BY a.created_at DESC, a.id DESC LIMIT 1;
  END IF;
  UPDATE app.change_orders AS o
     SET status = NEW.state::app.change_order_status,
         submitted_by = CASE WHEN NEW.state = 'submitted' THEN auth.user_id() ELSE o.submitted_by END,
         submitted_at = CASE WHEN NEW.state = 'submitted' THEN pg_catalog.now() ELSE o.submitted_at END,
         decided_by = CASE WHEN NEW.state IN ('approved', 'rejected') THEN coalesce(v_approval.decided_by, auth.user_id()) ELSE o.decided_by END,
         decided_at = CASE WHEN NEW.state IN ('approved', 'rejected') THEN coalesce(v_approval.decided_at, pg_catalog.now()) ELSE o.decided_at END,
         decision_comment = CASE WHEN NEW.state IN ('approved', 'rejected') THEN v_approval.decision_comment ELSE o.decision_comment END,
         implemented_by = CASE WHEN NEW.state = 'implemented' THEN auth.user_id() ELSE o.implemented_by END,
         implemented_at = CASE WHEN NEW.state = 'implemented' THEN pg_catalog.now() ELSE o.implemented_at END
   WHERE o.organization_id = NEW.organization_id AND o.id = NEW.entity_id AND o.status::text <> NEW.state;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_entity_states__change_order_status() IS
  'AFTER UPDATE OF state on app.entity_states of a change order: copies a state the change_order_status type has to change_orders.status, stamps submitted_by/at on submitted, implemented_by/at on implemented, and the final decision of its change_order approval (decided_by, decided_at, decision_comment) on approved or rejected.';
CREATE OR REPLACE TRIGGER _500_change_order_status AFTER UPDATE OF state ON app.entity_states
  FOR EACH ROW WHEN (NEW.entity_type = 'change_order') EXECUTE FUNCTION app_private.tg_entity_states__change_order_status();

CREATE OR REPLACE FUNCTION app_private.tg_entity_states__drawing_revision_status() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_approval app.approvals;
BEGIN
  IF NOT NEW.state = ANY (pg_catalog.enum_range(NULL::app.drawing_revision_status)::text[]) THEN
    RETURN NULL;
  END IF;
  IF NEW.state = 'draft' THEN
    SELECT * INTO v_approval FROM app.approvals AS a
     WHERE a.organization_id = NEW.organization_id AND a.entity_type = 'drawing_revision' AND a.entity_id = NEW.entity_id
       AND a.approval_type = 'drawing_release' AND a.status = 'rejected'
     ORDER BY a.created_at DESC, a.id DESC LIMIT 1;
  END IF;
  UPDATE app.drawing_revisions AS r
     SET status = NEW.state::app.drawing_revision_status,
         -- Released straight from draft (by a change order): stamped as submitted then.
         submitted_by = CASE WHEN NEW.state = 'in_review' THEN auth.user_id() WHEN NEW.state = 'released' THEN coalesce(r.submitted_by, auth.user_id())
                             ELSE r.submitted_by END,
         submitted_at = CASE WHEN NEW.state = 'in_review' THEN pg_catalog.now() WHEN NEW.state = 'released' THEN coalesce(r.submitted_at, pg_catalog.now())
                             ELSE r.submitted_at END,
         review_comment = CASE WHEN NEW.state = 'in_review' THEN NULL WHEN NEW.state = 'draft' THEN v_approval.decision_comment
                               ELSE r.review_comment END,
         superseded_at = CASE WHEN NEW.state = 'superseded' THEN coalesce(r.superseded_at, pg_catalog.now()) ELSE r.superseded_at END,
         released_at = CASE WHEN NEW.state = 'released' THEN pg_catalog.now() ELSE r.released_at END,
         approved_by = CASE WHEN NEW.state = 'released' THEN auth.user_id() ELSE r.approved_by END
   WHERE r.organization_id = NEW.organization_id AND r.id = NEW.entity_id AND r.status::text <> NEW.state;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_entity_states__drawing_revision_status() IS
  'AFTER UPDATE OF state on app.entity_states of a drawing revision: copies a state the drawing_revision_status type has to drawing_revisions.status; stamps submitted_by/at on in_review, the rejection comment as review_comment on the way back to draft, superseded_at on superseded, released_at and approved_by (the caller) on released (app_private.release_drawing_revision then writes the approver and the effective date).';
CREATE OR REPLACE TRIGGER _500_drawing_revision_status AFTER UPDATE OF state ON app.entity_states
  FOR EACH ROW WHEN (NEW.entity_type = 'drawing_revision') EXECUTE FUNCTION app_private.tg_entity_states__drawing_revision_status();

-- Approval decisions move the entity they gate ------------------------------

CREATE OR REPLACE FUNCTION app_private.tg_approvals__settle_quality() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_state text := (SELECT s.state FROM app.entity_states AS s
                    WHERE s.organization_id = NEW.organization_id AND s.entity_type = NEW.entity_type AND s.entity_id = NEW.entity_id);
BEGIN
  IF NEW.entity_type = 'change_order' AND NEW.approval_type = 'change_order' AND v_state = 'submitted' THEN
    PERFORM auth.state_machine_transition('change_order', NEW.entity_id, CASE NEW.status WHEN 'approved' THEN 'approved' ELSE 'rejected' END,
                                          NEW.decision_comment, NULL);
  ELSIF NEW.entity_type = 'drawing_revision' AND NEW.approval_type = 'drawing_release' AND v_state = 'in_review' THEN
    IF NEW.status = 'approved' THEN
      PERFORM app_private.release_drawing_revision(app_private.lock_drawing_revision(NEW.entity_id), NEW.decided_by, NEW.decision_comment);
    ELSE
      PERFORM auth.state_machine_transition('drawing_revision', NEW.entity_id, 'draft', NEW.decision_comment, NULL);
    END IF;
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_approvals__settle_quality() IS
  'AFTER UPDATE OF status on app.approvals, when a change_order or drawing_release approval is finally approved or rejected: the change order in submitted moves to approved or rejected; the drawing revision in review is released (superseding the one before) or sent back to draft with the decision comment. Transitions of a tenant''s own machine that lead elsewhere are taken with app.transition.';
CREATE OR REPLACE TRIGGER _600_settle_quality AFTER UPDATE OF status ON app.approvals
  FOR EACH ROW WHEN (NEW.entity_type IN ('change_order', 'drawing_revision') AND NEW.status IN ('approved', 'rejected')
                     AND OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION app_private.tg_approvals__settle_quality();

-- An approval that expires undecided (app_private.expire_approvals, the job
-- expire-approvals, at the approval settings' hard deadline) sends the
-- entity it gates back to where it can be submitted again: the board did not
-- decide, so nothing was judged (not a rejection, which for an ECO is
-- final); its owner updates it if need be and submits it again, with its
-- number, items and history. One mechanism for every approval-driven entity
-- of manufacturing (change orders: submitted -> draft; drawing revisions,
-- the RDA: in_review -> draft): the machine's transition out of the current
-- state whose guard is approval_decided <the approval's type> expired, taken
-- in the approval's tenant by nobody (the job has no caller: the history's
-- transitioned_by is empty). A tenant's own machine without such a
-- transition leaves the entity where it is. Either way the entity's author
-- and submitter are notified, and <domain>.approval_expired is published.
DROP TRIGGER IF EXISTS _600_expire_change_order ON app.approvals;
DROP FUNCTION IF EXISTS app_private.tg_approvals__expire_change_order();

CREATE OR REPLACE FUNCTION app_private.tg_approvals__expire_way_back() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_state app.entity_states;
  v_to text;
  v_claims text := pg_catalog.current_setting('request.jwt.claims', true);
  v_order app.change_orders;
  v_revision app.drawing_revisions;
  v_drawing app.drawings;
  v_name text;
  v_back text;
  v_stay text;
BEGIN
  SELECT * INTO v_state FROM app.entity_states AS s
   WHERE s.organization_id = NEW.organization_id AND s.entity_type = NEW.entity_type AND s.entity_id = NEW.entity_id;
  -- Only an approval requested in the entity's current state moves it.
  IF NOT FOUND OR NEW.created_at < v_state.entered_at THEN
    RETURN NULL;
  END IF;
  SELECT t.to_state INTO v_to FROM app.state_machine_transitions AS t
   WHERE t.organization_id = v_state.organization_id AND t.state_machine_id = v_state.state_machine_id AND t.from_state = v_state.state
     AND EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(t.guards) AS g
                  WHERE g ->> 'kind' = 'approval_decided' AND g ->> 'approval_type' = NEW.approval_type::text
                    AND 'expired' = ANY (app_private.approval_decided_statuses(g)))
   ORDER BY t.position LIMIT 1;
  IF v_to IS NOT NULL THEN
    -- The transition is taken in the approval's tenant (the job runs with no claims).
    PERFORM pg_catalog.set_config('request.jwt.claims',
      pg_catalog.jsonb_build_object('org_id', NEW.organization_id, 'role', 'app_user')::text, true);
    PERFORM auth.state_machine_transition(NEW.entity_type, NEW.entity_id, v_to,
      pg_catalog.format('approval expired undecided at %s', NEW.expires_at), NULL);
    PERFORM pg_catalog.set_config('request.jwt.claims', coalesce(v_claims, ''), true);
  END IF;
  IF NEW.entity_type = 'change_order' THEN
    SELECT * INTO v_order FROM app.change_orders AS o WHERE o.organization_id = NEW.organization_id AND o.id = NEW.entity_id;
    v_name := v_order.eco_number;
    v_back := pg_catalog.format('The approval of %s (%s) expired undecided; the change order is back in %s: update it if needed and submit it again.',
                                v_order.eco_number, v_order.title, v_order.status);
    v_stay := pg_catalog.format('The approval of %s (%s) expired undecided; the change order stays %s (your state machine has no way back to draft).',
                                v_order.eco_number, v_order.title, v_order.status);
    PERFORM app_private.notify_readers(NEW.organization_id,
      ARRAY(SELECT DISTINCT u FROM pg_catalog.unnest(ARRAY[v_order.created_by, v_order.submitted_by]) AS u WHERE u IS NOT NULL),
      'change_order.read', 'approval', pg_catalog.format('%s: approval expired', v_name),
      CASE WHEN v_to IS NOT NULL THEN v_back ELSE v_stay END, 'high', v_order.project_id, 'change_orders', v_order.id);
    PERFORM app_private.publish_event(NEW.organization_id, 'change_order.approval_expired',
      pg_catalog.jsonb_build_object('eco_number', v_order.eco_number, 'title', v_order.title, 'approval_id', NEW.id,
                                    'expired_at', NEW.expires_at, 'status', v_order.status, 'returned', v_to IS NOT NULL),
      'change_order', v_order.id);
  ELSE
    SELECT * INTO v_revision FROM app.drawing_revisions AS r WHERE r.organization_id = NEW.organization_id AND r.id = NEW.entity_id;
    SELECT * INTO v_drawing FROM app.drawings AS d WHERE d.organization_id = v_revision.organization_id AND d.id = v_revision.drawing_id;
    v_name := pg_catalog.format('%s rev %s', v_drawing.drawing_number, v_revision.revision);
    PERFORM app_private.notify_readers(NEW.organization_id,
      ARRAY(SELECT DISTINCT u FROM pg_catalog.unnest(ARRAY[v_revision.created_by, v_revision.submitted_by]) AS u WHERE u IS NOT NULL),
      'drawing.read', 'approval', pg_catalog.format('%s: release approval expired', v_name),
      CASE WHEN v_to IS NOT NULL
           THEN pg_catalog.format('The release approval (RDA) of drawing %s expired undecided; the revision is back in %s: update it if needed and submit it again.',
                                  v_name, v_revision.status)
           ELSE pg_catalog.format('The release approval (RDA) of drawing %s expired undecided; the revision stays %s (your state machine has no way back to draft).',
                                  v_name, v_revision.status) END,
      'high', v_drawing.project_id, 'drawing_revisions', v_revision.id);
    PERFORM app_private.publish_event(NEW.organization_id, 'drawing.release_expired',
      pg_catalog.jsonb_build_object('drawing_id', v_drawing.id, 'drawing_number', v_drawing.drawing_number, 'revision_id', v_revision.id,
                                    'revision', v_revision.revision, 'approval_id', NEW.id, 'expired_at', NEW.expires_at,
                                    'status', v_revision.status, 'returned', v_to IS NOT NULL),
      'drawing_revision', v_revision.id);
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_approvals__expire_way_back() IS
  'AFTER UPDATE OF status on app.approvals, when a change_order or drawing_release approval requested in its entity''s current state expires: takes the entity''s machine transition out of that state guarded by approval_decided <type> expired (default machines: change order submitted -> draft, drawing revision in_review -> draft) in the approval''s tenant with no user, reason "approval expired undecided at ..."; notifies the entity''s author and submitter who may read it (high priority; a machine without that transition leaves it where it is, and they are told so); publishes change_order.approval_expired or drawing.release_expired.';
CREATE OR REPLACE TRIGGER _600_expire_way_back AFTER UPDATE OF status ON app.approvals
  FOR EACH ROW WHEN (((NEW.entity_type = 'change_order' AND NEW.approval_type = 'change_order')
                      OR (NEW.entity_type = 'drawing_revision' AND NEW.approval_type = 'drawing_release'))
                     AND NEW.status = 'expired' AND OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION app_private.tg_approvals__expire_way_back();

-- The approval that routes an entity's decision, and a decision on it -----

-- Decides the current step of the entity's open approval as the caller: a
-- holder of the step's role who is not the assigned approver takes the step
-- over first (any holder of the role may decide it), then the platform
-- decision applies (two-person control, signature where the policy says).
CREATE OR REPLACE FUNCTION app_private.decide_routed_approval(p_entity_type text, p_entity_id uuid, p_type app.approval_type,
                                                             p_decision app.approval_decision, p_comment text) RETURNS app.approvals
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_approval app.approvals;
BEGIN
  SELECT * INTO v_approval FROM app.approvals AS a
   WHERE a.organization_id = auth.org_id() AND a.entity_type = p_entity_type AND a.entity_id = p_entity_id AND a.approval_type = p_type
     AND a.status IN ('pending', 'in_review')
   ORDER BY a.created_at DESC, a.id DESC LIMIT 1;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no open % approval', p_type USING ERRCODE = 'PT409', DETAIL = 'approval.not_open',
      HINT = 'Submit it first; GET /approvals?entity_id=eq.<id> shows its approvals.';
  END IF;
  IF v_approval.current_approver_id IS DISTINCT FROM auth.user_id() THEN
    v_approval := app_private.lock_open_approval(v_approval.id);
    PERFORM app_private.hand_over_approval(v_approval, auth.user_id(), 'reassign', 'taken over by a holder of the step''s role');
  END IF;
  RETURN app.decide_approval(v_approval.id, p_decision, p_comment);
END
$$;
COMMENT ON FUNCTION app_private.decide_routed_approval(text, uuid, app.approval_type, app.approval_decision, text) IS
  'Decides the current step of the entity''s open approval of the type as the caller: takes the step over first when another person is assigned (any eligible holder of the step''s role may decide: app_private.hand_over_approval, recorded as reassign), then app.decide_approval (two-person control; PT422 signature.required where the tenant''s policy requires signed decisions: sign with app.decide_approval). PT409 approval.not_open when none is open.';
