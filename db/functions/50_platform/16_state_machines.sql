-- State machines (migration platform/state_machines): per tenant, versioned
-- definitions for an entity type; entities on them; guards and side effects.
--
-- Guards are extensible: a guard {"kind": "<K>", ...} is evaluated by
-- app_private.transition_guard_<K>(p_organization_id uuid, p_entity_type
-- text, p_entity_id uuid, p_guard jsonb) RETURNS jsonb: NULL when it holds,
-- else {"reason": "<reason.code>", "message": "...", "sqlstate": "PT403"?}
-- (PT422 when no sqlstate). A domain adds a kind by defining that function
-- (and, optionally, app_private.transition_guard_<K>_check(p_organization_id
-- uuid, p_entity_type text, p_guard jsonb) RETURNS text, a message when the
-- guard is malformed, called when a definition is written). A definition
-- naming a kind without a guard function is refused.
--
-- RPCs that act on an entity are SECURITY INVOKER wrappers in app: they check,
-- as the caller, that they may read the entity (auth.check_entity) and then
-- run a SECURITY DEFINER body in auth that re-checks the tenant.

-- The entity as a jsonb row (any registered table), for guards that read columns.
CREATE OR REPLACE FUNCTION app_private.entity_row(p_organization_id uuid, p_entity_type text, p_entity_id uuid) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_row jsonb;
BEGIN
  EXECUTE pg_catalog.format('SELECT pg_catalog.to_jsonb(t) FROM %s AS t WHERE t.organization_id = $1 AND t.id = $2',
                            (app_private.entity_type_of(p_entity_type)).table_name)
     INTO v_row USING p_organization_id, p_entity_id;
  RETURN v_row;
END
$$;
COMMENT ON FUNCTION app_private.entity_row(uuid, text, uuid) IS
  'The entity''s row as jsonb, read from its registered table by dynamic SQL (so guards work on any registered type); NULL when there is none.';

CREATE OR REPLACE FUNCTION app_private.entity_site(p_organization_id uuid, p_entity_type text, p_entity_id uuid) RETURNS uuid
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_table regclass := (app_private.entity_type_of(p_entity_type)).table_name;
  v_site uuid;
BEGIN
  -- Entities whose table has no site_id column have no site (no row read).
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_attribute AS a
                  WHERE a.attrelid = v_table AND a.attname = 'site_id' AND a.attnum > 0 AND NOT a.attisdropped) THEN
    RETURN NULL;
  END IF;
  EXECUTE pg_catalog.format('SELECT t.site_id FROM %s AS t WHERE t.organization_id = $1 AND t.id = $2', v_table)
     INTO v_site USING p_organization_id, p_entity_id;
  RETURN v_site;
END
$$;
COMMENT ON FUNCTION app_private.entity_site(uuid, text, uuid) IS
  'The entity''s site (its site_id column, where its table has one), for site-scoped guards; NULL otherwise.';

-- Built-in guards ---------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.transition_guard_permission(
  p_organization_id uuid, p_entity_type text, p_entity_id uuid, p_guard jsonb
) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_site uuid := app_private.entity_site(p_organization_id, p_entity_type, p_entity_id);
BEGIN
  -- Held tenant-wide, or through a role at the entity's site where it has one.
  IF auth.has_permission(p_guard ->> 'permission', v_site) THEN
    RETURN NULL;
  END IF;
  RETURN pg_catalog.jsonb_build_object('reason', 'permission.missing', 'sqlstate', 'PT403',
    'message', pg_catalog.format('needs permission %s%s', p_guard ->> 'permission', CASE WHEN v_site IS NOT NULL THEN ' at the entity''s site' ELSE '' END));
END
$$;
COMMENT ON FUNCTION app_private.transition_guard_permission(uuid, text, uuid, jsonb) IS
  'Guard {"kind": "permission", "permission": "<code>"}: the caller holds the permission tenant-wide or at the entity''s site (its site_id column, where it has one). Fails with permission.missing (PT403).';

CREATE OR REPLACE FUNCTION app_private.transition_guard_permission_check(p_organization_id uuid, p_entity_type text, p_guard jsonb)
RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT CASE WHEN NOT EXISTS (SELECT FROM app.permissions AS p WHERE p.code = p_guard ->> 'permission')
              THEN pg_catalog.format('guard permission names unknown permission %s (GET /permissions)', coalesce(p_guard ->> 'permission', 'none')) END
$$;
COMMENT ON FUNCTION app_private.transition_guard_permission_check(uuid, text, jsonb) IS 'A permission guard names a permission of the catalog.';

CREATE OR REPLACE FUNCTION app_private.transition_guard_site(
  p_organization_id uuid, p_entity_type text, p_entity_id uuid, p_guard jsonb
) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_site uuid := app_private.entity_site(p_organization_id, p_entity_type, p_entity_id);
BEGIN
  IF v_site IS NULL OR EXISTS (
       SELECT FROM app.role_assignments AS ra
         JOIN app.memberships AS m ON m.organization_id = ra.organization_id AND m.id = ra.membership_id
        WHERE ra.organization_id = p_organization_id AND m.user_id = auth.user_id() AND m.status = 'active'
          AND (ra.site_id IS NULL OR ra.site_id = v_site)) THEN
    RETURN NULL;
  END IF;
  RETURN pg_catalog.jsonb_build_object('reason', 'site.out_of_scope', 'sqlstate', 'PT403',
    'message', 'the entity is at a site none of your roles covers');
END
$$;
COMMENT ON FUNCTION app_private.transition_guard_site(uuid, text, uuid, jsonb) IS
  'Guard {"kind": "site"}: the caller holds a role tenant-wide or at the entity''s site (its site_id column); entities without a site pass. Fails with site.out_of_scope (PT403).';

CREATE OR REPLACE FUNCTION app_private.transition_guard_fields(
  p_organization_id uuid, p_entity_type text, p_entity_id uuid, p_guard jsonb
) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_row jsonb := app_private.entity_row(p_organization_id, p_entity_type, p_entity_id);
  v_missing text[];
BEGIN
  -- A field is a column, or custom_fields.<key> (a key of the custom_fields jsonb column).
  v_missing := ARRAY(
    SELECT f FROM pg_catalog.jsonb_array_elements_text(p_guard -> 'fields') AS f,
           LATERAL (SELECT CASE WHEN f LIKE 'custom_fields.%' THEN v_row -> 'custom_fields' -> pg_catalog.substr(f, 15) ELSE v_row -> f END AS v) AS x
     WHERE x.v IS NULL OR x.v = 'null' OR x.v = '""' OR x.v = '[]' OR x.v = '{}'
        OR (pg_catalog.jsonb_typeof(x.v) = 'string' AND pg_catalog.btrim(x.v #>> '{}') = ''));
  IF v_missing = '{}' THEN
    RETURN NULL;
  END IF;
  RETURN pg_catalog.jsonb_build_object('reason', 'fields.missing', 'fields', pg_catalog.to_jsonb(v_missing),
    'message', 'required fields are empty: ' || pg_catalog.array_to_string(v_missing, ', '));
END
$$;
COMMENT ON FUNCTION app_private.transition_guard_fields(uuid, text, uuid, jsonb) IS
  'Guard {"kind": "fields", "fields": ["title", "custom_fields.owner"]}: each named column, or key of the custom_fields column, has a value (not null, not an empty string, array or object). Fails with fields.missing (PT422) naming them.';

CREATE OR REPLACE FUNCTION app_private.transition_guard_fields_check(p_organization_id uuid, p_entity_type text, p_guard jsonb)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_table regclass := (app_private.entity_type_of(p_entity_type)).table_name;
  v_unknown text[];
BEGIN
  IF pg_catalog.jsonb_typeof(p_guard -> 'fields') IS DISTINCT FROM 'array' OR pg_catalog.jsonb_array_length(p_guard -> 'fields') = 0
     OR EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(p_guard -> 'fields') AS f WHERE pg_catalog.jsonb_typeof(f) <> 'string') THEN
    RETURN 'guard fields needs "fields": a non-empty array of column names or custom_fields.<key>';
  END IF;
  v_unknown := ARRAY(
    SELECT f FROM pg_catalog.jsonb_array_elements_text(p_guard -> 'fields') AS f
     WHERE CASE WHEN f LIKE 'custom_fields.%' THEN f !~ '^custom_fields\.[a-z][a-z0-9_]{0,62}$'
                ELSE NOT EXISTS (SELECT FROM pg_catalog.pg_attribute AS a
                                  WHERE a.attrelid = v_table AND a.attname = f AND a.attnum > 0 AND NOT a.attisdropped) END);
  IF v_unknown <> '{}' THEN
    RETURN pg_catalog.format('guard fields names unknown fields of %s: %s', p_entity_type, pg_catalog.array_to_string(v_unknown, ', '));
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.transition_guard_fields_check(uuid, text, jsonb) IS
  'A fields guard names columns of the entity''s table, or custom_fields.<key> (read generically: the column may come later).';

CREATE OR REPLACE FUNCTION app_private.transition_guard_checklist(
  p_organization_id uuid, p_entity_type text, p_entity_id uuid, p_guard jsonb
) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_state record;
BEGIN
  SELECT * INTO v_state FROM app_private.checklist_state(p_organization_id, p_guard ->> 'template', p_entity_type, p_entity_id);
  IF NOT v_state.started THEN
    RETURN pg_catalog.jsonb_build_object('reason', 'checklist.not_started',
      'message', pg_catalog.format('checklist %s has not been started', p_guard ->> 'template'));
  ELSIF app_private.checklist_photos_missing(p_organization_id, p_guard ->> 'template', p_entity_type, p_entity_id) > 0 THEN
    RETURN pg_catalog.jsonb_build_object('reason', 'checklist.photo_missing',
      'message', pg_catalog.format('checklist %s: a required item has no stored photo', p_guard ->> 'template'));
  ELSIF v_state.required_open > 0 THEN
    RETURN pg_catalog.jsonb_build_object('reason', 'checklist.incomplete',
      'message', pg_catalog.format('checklist %s: %s of %s required items unchecked', p_guard ->> 'template',
                                   v_state.required_open, v_state.required_total));
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.transition_guard_checklist(uuid, text, uuid, jsonb) IS
  'Guard {"kind": "checklist", "template": "<key>"}: the entity''s checklist of the template exists and every required item is checked. Fails with checklist.not_started, checklist.photo_missing (a required item that needs a photo has no stored image) or checklist.incomplete (PT422).';

CREATE OR REPLACE FUNCTION app_private.transition_guard_checklist_check(p_organization_id uuid, p_entity_type text, p_guard jsonb)
RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT CASE WHEN NOT EXISTS (SELECT FROM app.checklist_templates AS t
                                WHERE t.organization_id = p_organization_id AND t.key = p_guard ->> 'template' AND t.entity_type = p_entity_type)
              THEN pg_catalog.format('guard checklist names no checklist template %s for %s (app.define_checklist_template)',
                                     coalesce(p_guard ->> 'template', 'none'), p_entity_type) END
$$;
COMMENT ON FUNCTION app_private.transition_guard_checklist_check(uuid, text, jsonb) IS 'A checklist guard names a template of the tenant for the entity type.';

CREATE OR REPLACE FUNCTION app_private.transition_guard_approval(
  p_organization_id uuid, p_entity_type text, p_entity_id uuid, p_guard jsonb
) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_status app.approval_status;
BEGIN
  -- Only an approval requested since the entity entered its current state counts.
  SELECT a.status INTO v_status
    FROM app.approvals AS a
    JOIN app.entity_states AS s ON s.organization_id = a.organization_id AND s.entity_type = a.entity_type AND s.entity_id = a.entity_id
   WHERE a.organization_id = p_organization_id AND a.entity_type = p_entity_type AND a.entity_id = p_entity_id
     AND a.approval_type::text = p_guard ->> 'approval_type' AND a.created_at >= s.entered_at
   ORDER BY a.created_at DESC, a.id DESC
   LIMIT 1;
  IF v_status = 'approved' THEN
    RETURN NULL;
  END IF;
  RETURN pg_catalog.jsonb_build_object(
    'reason', CASE WHEN v_status IS NULL THEN 'approval.not_requested' WHEN v_status IN ('pending', 'in_review') THEN 'approval.pending'
                   ELSE 'approval.not_granted' END,
    'message', CASE WHEN v_status IS NULL THEN pg_catalog.format('no %s approval has been requested in this state', p_guard ->> 'approval_type')
                    ELSE pg_catalog.format('the %s approval is %s', p_guard ->> 'approval_type', v_status) END);
END
$$;
COMMENT ON FUNCTION app_private.transition_guard_approval(uuid, text, uuid, jsonb) IS
  'Guard {"kind": "approval", "approval_type": "<type>"}: the latest approval of that type on the entity, requested since it entered its current state (effect open_approval), is approved. Fails with approval.not_requested, approval.pending or approval.not_granted (PT422).';

CREATE OR REPLACE FUNCTION app_private.transition_guard_approval_check(p_organization_id uuid, p_entity_type text, p_guard jsonb)
RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT CASE WHEN NOT coalesce(p_guard ->> 'approval_type' = ANY (pg_catalog.enum_range(NULL::app.approval_type)::text[]), false)
              THEN pg_catalog.format('approval_type must be one of %s', pg_catalog.array_to_string(pg_catalog.enum_range(NULL::app.approval_type)::text[], ', ')) END
$$;
COMMENT ON FUNCTION app_private.transition_guard_approval_check(uuid, text, jsonb) IS 'An approval guard (or open_approval effect) names an approval type.';

CREATE OR REPLACE FUNCTION app_private.transition_guard_signature(
  p_organization_id uuid, p_entity_type text, p_entity_id uuid, p_guard jsonb
) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  -- The transition passes the signature it was sent as p_guard.provided; the
  -- password itself is verified (and counted) by app_private.sign_transition
  -- once every guard holds.
  SELECT CASE
    WHEN pg_catalog.jsonb_typeof(p_guard -> 'provided' -> 'password') IS DISTINCT FROM 'string' THEN
      pg_catalog.jsonb_build_object('reason', 'signature.required',
        'message', pg_catalog.format('this transition must be signed (meaning: %s): send signature {"password": ..., "reason": ...}', p_guard ->> 'meaning'))
    WHEN coalesce(pg_catalog.btrim(p_guard -> 'provided' ->> 'reason'), '') = '' THEN
      pg_catalog.jsonb_build_object('reason', 'signature.reason_required', 'message', 'a signature needs a reason')
  END
$$;
COMMENT ON FUNCTION app_private.transition_guard_signature(uuid, text, uuid, jsonb) IS
  'Guard {"kind": "signature", "meaning": "released"}: the transition is signed: signature {"password": <the signer''s sign-in password>, "reason": ...}. Fails with signature.required or signature.reason_required (PT422); available_transitions reports it as needs_signature instead of closing the transition.';

CREATE OR REPLACE FUNCTION app_private.transition_guard_signature_check(p_organization_id uuid, p_entity_type text, p_guard jsonb)
RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT CASE WHEN coalesce(pg_catalog.btrim(p_guard ->> 'meaning'), '') = ''
              THEN 'guard signature needs "meaning" (what signing means, e.g. "released")' END
$$;
COMMENT ON FUNCTION app_private.transition_guard_signature_check(uuid, text, jsonb) IS 'A signature guard says what signing means.';

-- Guard dispatch ----------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.transition_guard_function(p_kind text) RETURNS regprocedure
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT CASE WHEN p_kind ~ '^[a-z][a-z0-9_]{0,40}$'
              THEN pg_catalog.to_regprocedure(pg_catalog.format('app_private.transition_guard_%s(uuid, text, uuid, jsonb)', p_kind)) END
$$;
COMMENT ON FUNCTION app_private.transition_guard_function(text) IS
  'The function that evaluates guards of a kind, app_private.transition_guard_<kind>(uuid, text, uuid, jsonb); NULL when there is none.';

CREATE OR REPLACE FUNCTION app_private.evaluate_guards(
  p_organization_id uuid, p_entity_type text, p_entity_id uuid, p_guards jsonb, p_signature jsonb, p_skip_signature boolean
) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_guard jsonb;
  v_failure jsonb;
  v_failures jsonb := '[]';
BEGIN
  FOR v_guard IN SELECT g FROM pg_catalog.jsonb_array_elements(p_guards) AS g LOOP
    CONTINUE WHEN p_skip_signature AND v_guard ->> 'kind' = 'signature';
    IF v_guard ->> 'kind' = 'signature' THEN
      v_guard := v_guard || pg_catalog.jsonb_build_object('provided', p_signature);
    END IF;
    -- The built-in kinds are called directly (no dynamic SQL to plan on
    -- every call); any other kind through its function, found by name.
    v_failure := CASE v_guard ->> 'kind'
      WHEN 'permission' THEN app_private.transition_guard_permission(p_organization_id, p_entity_type, p_entity_id, v_guard)
      WHEN 'fields' THEN app_private.transition_guard_fields(p_organization_id, p_entity_type, p_entity_id, v_guard)
      WHEN 'checklist' THEN app_private.transition_guard_checklist(p_organization_id, p_entity_type, p_entity_id, v_guard)
      WHEN 'approval' THEN app_private.transition_guard_approval(p_organization_id, p_entity_type, p_entity_id, v_guard)
      WHEN 'signature' THEN app_private.transition_guard_signature(p_organization_id, p_entity_type, p_entity_id, v_guard)
      WHEN 'site' THEN app_private.transition_guard_site(p_organization_id, p_entity_type, p_entity_id, v_guard)
    END;
    IF v_failure IS NULL AND v_guard ->> 'kind' NOT IN ('permission', 'fields', 'checklist', 'approval', 'signature', 'site') THEN
      EXECUTE pg_catalog.format('SELECT %s($1, $2, $3, $4)',
                                coalesce(app_private.transition_guard_function(v_guard ->> 'kind')::oid::regproc::text,
                                         'app_private.transition_guard_missing'))
         INTO v_failure USING p_organization_id, p_entity_type, p_entity_id, v_guard;
    END IF;
    IF v_failure IS NOT NULL THEN
      v_failures := v_failures || pg_catalog.jsonb_build_array(
        pg_catalog.jsonb_build_object('kind', v_guard ->> 'kind', 'sqlstate', 'PT422') || v_failure);
    END IF;
  END LOOP;
  RETURN v_failures;
END
$$;
COMMENT ON FUNCTION app_private.evaluate_guards(uuid, text, uuid, jsonb, jsonb, boolean) IS
  'Evaluates a transition''s guards, each by its kind''s function, as the caller (their claims); returns the failures [{kind, reason, message, sqlstate}], empty when all hold. p_skip_signature leaves signature guards out (available_transitions).';

CREATE OR REPLACE FUNCTION app_private.transition_guard_missing(
  p_organization_id uuid, p_entity_type text, p_entity_id uuid, p_guard jsonb
) RETURNS jsonb
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  -- A kind whose function was dropped after the definition was published: the guard never holds.
  SELECT pg_catalog.jsonb_build_object('reason', 'state_machine.guard_unknown',
    'message', pg_catalog.format('no function evaluates guards of kind %s', p_guard ->> 'kind'))
$$;
COMMENT ON FUNCTION app_private.transition_guard_missing(uuid, text, uuid, jsonb) IS
  'Stands in for a guard kind whose function no longer exists: the guard fails (state_machine.guard_unknown), it never passes silently.';

-- Definitions -------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.tg_state_machine_transitions__validate() RETURNS trigger
LANGUAGE plpgsql STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_machine app.state_machines;
  v_item jsonb;
  v_check regprocedure;
  v_problem text;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  SELECT * INTO v_machine FROM app.state_machines WHERE organization_id = NEW.organization_id AND id = NEW.state_machine_id;
  IF EXISTS (SELECT FROM app.state_machine_states AS s
              WHERE s.organization_id = NEW.organization_id AND s.state_machine_id = NEW.state_machine_id
                AND s.key = NEW.from_state AND s.is_terminal) THEN
    PERFORM app_private.raise_invalid('state_machine.terminal_exit', pg_catalog.format('%s is terminal: no transition leaves it', NEW.from_state),
                                      'Drop the transition, or make the state non-terminal.');
  END IF;
  FOR v_item IN SELECT g FROM pg_catalog.jsonb_array_elements(NEW.guards) AS g LOOP
    IF pg_catalog.jsonb_typeof(v_item) <> 'object' OR app_private.transition_guard_function(v_item ->> 'kind') IS NULL THEN
      RAISE EXCEPTION 'transition %->%: no guard kind %', NEW.from_state, NEW.to_state, coalesce(v_item ->> 'kind', v_item::text)
        USING ERRCODE = 'PT422', DETAIL = 'state_machine.guard_unknown',
              HINT = 'Built-in kinds: permission, site, fields, checklist, approval, signature; a domain adds kind K by defining app_private.transition_guard_K(uuid, text, uuid, jsonb).';
    END IF;
    v_check := pg_catalog.to_regprocedure(pg_catalog.format('app_private.transition_guard_%s_check(uuid, text, jsonb)', v_item ->> 'kind'));
    IF v_check IS NOT NULL THEN
      EXECUTE pg_catalog.format('SELECT %s($1, $2, $3)', v_check::oid::regproc::text)
         INTO v_problem USING NEW.organization_id, v_machine.entity_type, v_item;
      IF v_problem IS NOT NULL THEN
        PERFORM app_private.raise_invalid('state_machine.guard_invalid',
                                          pg_catalog.format('transition %s->%s: %s', NEW.from_state, NEW.to_state, v_problem), NULL);
      END IF;
    END IF;
  END LOOP;
  FOR v_item IN SELECT e FROM pg_catalog.jsonb_array_elements(NEW.effects) AS e LOOP
    v_problem := CASE
      WHEN pg_catalog.jsonb_typeof(v_item) <> 'object' OR NOT coalesce(v_item ->> 'kind' IN ('notify', 'open_approval', 'start_checklist', 'event'), false)
        THEN pg_catalog.format('unknown effect %s: use notify, open_approval, start_checklist or event', coalesce(v_item ->> 'kind', v_item::text))
      WHEN v_item ->> 'kind' = 'notify' AND (pg_catalog.jsonb_typeof(v_item -> 'roles') IS DISTINCT FROM 'array'
             OR EXISTS (SELECT FROM pg_catalog.jsonb_array_elements_text(v_item -> 'roles') AS r
                         WHERE NOT EXISTS (SELECT FROM app.roles AS ro WHERE ro.organization_id = NEW.organization_id AND ro.key = r)))
        THEN 'effect notify needs "roles": keys of the organization''s roles'
      WHEN v_item ->> 'kind' = 'open_approval'
        THEN app_private.transition_guard_approval_check(NEW.organization_id, v_machine.entity_type, v_item)
      WHEN v_item ->> 'kind' = 'start_checklist'
        THEN app_private.transition_guard_checklist_check(NEW.organization_id, v_machine.entity_type, v_item)
      WHEN v_item ->> 'kind' = 'event' AND v_item ? 'event_type'
           AND NOT coalesce(v_item ->> 'event_type' ~ ('^' || v_machine.entity_type || '\.[a-z][a-z0-9_]{0,60}$'), false)
        THEN pg_catalog.format('effect event names an event type %s.<name>', v_machine.entity_type)
    END;
    IF v_problem IS NOT NULL THEN
      PERFORM app_private.raise_invalid('state_machine.effect_invalid',
                                        pg_catalog.format('transition %s->%s: %s', NEW.from_state, NEW.to_state, v_problem), NULL);
    END IF;
  END LOOP;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_state_machine_transitions__validate() IS
  'BEFORE INSERT OR UPDATE of a transition: no way out of a terminal state (state_machine.terminal_exit), every guard of a kind with a guard function (state_machine.guard_unknown) and well-formed by its _check function (state_machine.guard_invalid), every effect known and well-formed (state_machine.effect_invalid); all PT422.';

CREATE OR REPLACE FUNCTION app_private.tg_state_machine_parts__frozen() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_status app.state_machine_status;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(CASE WHEN TG_OP = 'DELETE' THEN OLD.organization_id ELSE NEW.organization_id END);
  -- States and transitions both have organization_id and state_machine_id.
  SELECT m.status INTO v_status FROM app.state_machines AS m
   WHERE m.organization_id = CASE WHEN TG_OP = 'DELETE' THEN OLD.organization_id ELSE NEW.organization_id END
     AND m.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.state_machine_id ELSE NEW.state_machine_id END;
  -- No version row: it is being deleted with its tenant (or its draft).
  IF v_status IS NOT NULL AND v_status <> 'draft'
     AND NOT (TG_OP = 'DELETE' AND app_private.tenant_is_leaving(OLD.organization_id)) THEN
    RAISE EXCEPTION 'state machine version is %: it cannot change', v_status USING ERRCODE = 'PT409', DETAIL = 'state_machine.frozen',
      HINT = 'Define a new version (app.define_state_machine) and publish it.';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION app_private.tg_state_machine_parts__frozen() IS
  'BEFORE INSERT, UPDATE or DELETE of a state or transition: only a draft version changes (PT409 state_machine.frozen), except when its tenant is purged.';

CREATE OR REPLACE FUNCTION app_private.tg_state_machines__frozen() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' AND NOT app_private.tenant_is_leaving(OLD.organization_id) THEN
      RAISE EXCEPTION 'a % state machine version is kept', OLD.status USING ERRCODE = 'PT409', DETAIL = 'state_machine.frozen',
        HINT = 'Only drafts are deleted; publish a newer version instead.';
    END IF;
    RETURN OLD;
  END IF;
  -- Published versions only become superseded; nothing else of them changes.
  IF OLD.status <> 'draft' AND NOT (OLD.status = 'published' AND NEW.status = 'superseded'
       AND (pg_catalog.to_jsonb(NEW) - ARRAY['status', 'updated_at']) = (pg_catalog.to_jsonb(OLD) - ARRAY['status', 'updated_at'])) THEN
    RAISE EXCEPTION 'state machine version % is %: it cannot change', OLD.version, OLD.status USING ERRCODE = 'PT409',
      DETAIL = 'state_machine.frozen', HINT = 'Define a new version (app.define_state_machine) and publish it.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_state_machines__frozen() IS
  'BEFORE UPDATE or DELETE of a version: a published or superseded version is frozen (only published -> superseded), and only drafts are deleted (PT409 state_machine.frozen), except when the tenant is purged.';

CREATE OR REPLACE FUNCTION app.define_state_machine(
  entity_type text, name text, states jsonb, transitions jsonb, labels jsonb DEFAULT '{}'
) RETURNS app.state_machines
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_machine app.state_machines;
  v_item jsonb;
  v_position integer := 0;
BEGIN
  PERFORM app_private.require_permission('state_machine.manage');
  PERFORM app_private.entity_type_of(define_state_machine.entity_type);
  IF jsonb_typeof(states) IS DISTINCT FROM 'array' OR jsonb_array_length(states) NOT BETWEEN 1 AND 100
     OR EXISTS (SELECT FROM jsonb_array_elements(states) AS s
                 WHERE jsonb_typeof(s) <> 'object' OR jsonb_typeof(s -> 'key') IS DISTINCT FROM 'string'
                    OR jsonb_typeof(s -> 'label') IS DISTINCT FROM 'string'
                    OR EXISTS (SELECT FROM jsonb_object_keys(s) AS k WHERE k NOT IN ('key', 'label', 'labels', 'initial', 'terminal'))) THEN
    PERFORM app_private.raise_invalid('state_machine.states_invalid',
                                      'states must be an array of 1 to 100 objects {"key", "label", "labels", "initial", "terminal"}',
                                      'e.g. [{"key": "draft", "label": "Draft", "initial": true}, {"key": "obsolete", "label": "Obsolete", "terminal": true}]');
  END IF;
  IF jsonb_typeof(transitions) IS DISTINCT FROM 'array' OR jsonb_array_length(transitions) > 500
     OR EXISTS (SELECT FROM jsonb_array_elements(transitions) AS t
                 WHERE jsonb_typeof(t) <> 'object' OR jsonb_typeof(t -> 'from') IS DISTINCT FROM 'string'
                    OR jsonb_typeof(t -> 'to') IS DISTINCT FROM 'string' OR jsonb_typeof(t -> 'label') IS DISTINCT FROM 'string'
                    OR EXISTS (SELECT FROM jsonb_object_keys(t) AS k WHERE k NOT IN ('from', 'to', 'label', 'labels', 'guards', 'effects'))) THEN
    PERFORM app_private.raise_invalid('state_machine.transitions_invalid',
                                      'transitions must be an array of objects {"from", "to", "label", "labels", "guards", "effects"}',
                                      'e.g. [{"from": "draft", "to": "in_review", "label": "Submit", "guards": [{"kind": "permission", "permission": "document.upload"}]}]');
  END IF;
  IF (SELECT count(*) FROM jsonb_array_elements(states) AS s WHERE s -> 'initial' = 'true') <> 1 THEN
    PERFORM app_private.raise_invalid('state_machine.initial_state', 'exactly one state must be "initial": true', NULL);
  END IF;

  -- The draft of the entity type is replaced; otherwise a new version starts.
  SELECT * INTO v_machine FROM app.state_machines AS m
   WHERE m.organization_id = auth.org_id() AND m.entity_type = define_state_machine.entity_type AND m.status = 'draft'
     FOR UPDATE;
  IF FOUND THEN
    DELETE FROM app.state_machine_states AS s WHERE s.organization_id = v_machine.organization_id AND s.state_machine_id = v_machine.id;
    UPDATE app.state_machines AS m SET name = define_state_machine.name, labels = coalesce(define_state_machine.labels, '{}')
     WHERE m.organization_id = v_machine.organization_id AND m.id = v_machine.id
    RETURNING * INTO v_machine;
  ELSE
    INSERT INTO app.state_machines (organization_id, entity_type, version, name, labels, created_by)
    VALUES (auth.org_id(), define_state_machine.entity_type,
            coalesce((SELECT max(m.version) FROM app.state_machines AS m
                       WHERE m.organization_id = auth.org_id() AND m.entity_type = define_state_machine.entity_type), 0) + 1,
            define_state_machine.name, coalesce(define_state_machine.labels, '{}'), auth.user_id())
    RETURNING * INTO v_machine;
  END IF;

  FOR v_item IN SELECT s FROM jsonb_array_elements(states) AS s LOOP
    v_position := v_position + 1;
    INSERT INTO app.state_machine_states (organization_id, state_machine_id, key, label, labels, is_initial, is_terminal, position)
    VALUES (v_machine.organization_id, v_machine.id, v_item ->> 'key', v_item ->> 'label', coalesce(v_item -> 'labels', '{}'),
            coalesce((v_item ->> 'initial')::boolean, false), coalesce((v_item ->> 'terminal')::boolean, false), v_position);
  END LOOP;
  v_position := 0;
  FOR v_item IN SELECT t FROM jsonb_array_elements(transitions) AS t LOOP
    v_position := v_position + 1;
    INSERT INTO app.state_machine_transitions
      (organization_id, state_machine_id, from_state, to_state, label, labels, guards, effects, position)
    VALUES (v_machine.organization_id, v_machine.id, v_item ->> 'from', v_item ->> 'to', v_item ->> 'label',
            coalesce(v_item -> 'labels', '{}'), coalesce(v_item -> 'guards', '[]'), coalesce(v_item -> 'effects', '[]'), v_position);
  END LOOP;
  RETURN v_machine;
END
$$;
COMMENT ON FUNCTION app.define_state_machine(text, text, jsonb, jsonb, jsonb) IS
  E'Writes the draft version of the tenant''s state machine for an entity type (replacing the draft, or starting version n+1): states [{"key", "label", "labels", "initial", "terminal"}] and transitions [{"from", "to", "label", "labels", "guards": [...], "effects": [...]}] (see the comments of app.state_machine_transitions). Publish it with app.publish_state_machine. Needs state_machine.manage.\nErrors: PT403 permission.missing, PT422 entity_type.unknown, state_machine.states_invalid, state_machine.transitions_invalid, state_machine.initial_state, state_machine.terminal_exit, state_machine.guard_unknown, state_machine.guard_invalid, state_machine.effect_invalid, PT23505/23503 for duplicate states or transitions between unknown states.';

CREATE OR REPLACE FUNCTION app.publish_state_machine(state_machine_id uuid) RETURNS app.state_machines
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_machine app.state_machines;
BEGIN
  PERFORM app_private.require_permission('state_machine.manage');
  SELECT * INTO v_machine FROM app.state_machines AS m
   WHERE m.organization_id = auth.org_id() AND m.id = publish_state_machine.state_machine_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no state machine %', publish_state_machine.state_machine_id USING ERRCODE = 'PT404',
      DETAIL = 'state_machine.not_found', HINT = 'GET /state_machines lists your organization''s versions.';
  END IF;
  IF v_machine.status <> 'draft' THEN
    RAISE EXCEPTION 'version % is already %', v_machine.version, v_machine.status USING ERRCODE = 'PT409',
      DETAIL = 'state_machine.frozen', HINT = 'Define a new version (app.define_state_machine) and publish it.';
  END IF;
  UPDATE app.state_machines AS m SET status = 'superseded'
   WHERE m.organization_id = v_machine.organization_id AND m.entity_type = v_machine.entity_type AND m.status = 'published';
  UPDATE app.state_machines AS m SET status = 'published', published_at = now(), published_by = auth.user_id()
   WHERE m.organization_id = v_machine.organization_id AND m.id = v_machine.id
  RETURNING * INTO v_machine;
  RETURN v_machine;
END
$$;
COMMENT ON FUNCTION app.publish_state_machine(uuid) IS
  E'Publishes a draft version: entities started from now on use it; the previously published version becomes superseded and keeps driving the entities on it (app.migrate_entity_state moves one). A published version is frozen. Needs state_machine.manage.\nErrors: PT403 permission.missing, PT404 state_machine.not_found, PT409 state_machine.frozen.';

-- Entities on machines ------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.record_state_change(
  p_state app.entity_states, p_from text, p_reason text, p_signature jsonb
) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = ''
AS $$
  INSERT INTO app.entity_state_history
    (organization_id, entity_type, entity_id, state_machine_id, from_state, to_state, reason, signature, transitioned_by)
  VALUES (p_state.organization_id, p_state.entity_type, p_state.entity_id, p_state.state_machine_id, p_from, p_state.state,
          p_reason, p_signature, auth.user_id());
$$;
COMMENT ON FUNCTION app_private.record_state_change(app.entity_states, text, text, jsonb) IS 'Appends one entity_state_history row.';

CREATE OR REPLACE FUNCTION app_private.state_change_event(
  p_state app.entity_states, p_from text, p_reason text, p_migrated boolean DEFAULT false
) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT pg_catalog.jsonb_build_object('entity_type', p_state.entity_type, 'entity_id', p_state.entity_id,
           'title', auth.entity_title(p_state.entity_type, p_state.entity_id), 'from', p_from, 'to', p_state.state,
           'reason', p_reason, 'state_machine_id', p_state.state_machine_id, 'version', m.version, 'migrated', p_migrated)
    FROM app.state_machines AS m
   WHERE m.organization_id = p_state.organization_id AND m.id = p_state.state_machine_id
$$;
COMMENT ON FUNCTION app_private.state_change_event(app.entity_states, text, text, boolean) IS
  'The payload of <entity_type>.state_changed (and of the events a transition''s effects publish), the same keys every time: contracts/events/platform/entity_type.state_changed.schema.json.';

CREATE OR REPLACE FUNCTION app_private.caller_entity(p_entity_type text, p_entity_id uuid) RETURNS uuid
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  -- The body functions run after the caller's visibility check; they still
  -- refuse another tenant's entity and portal users.
  PERFORM app_private.entity_type_of(p_entity_type);
  IF auth.org_id() IS NULL OR auth.partner_id() IS NOT NULL
     OR NOT EXISTS (SELECT FROM app_private.entities AS e
                     WHERE e.organization_id = auth.org_id() AND e.entity_type = p_entity_type AND e.id = p_entity_id) THEN
    RAISE EXCEPTION '% not found', p_entity_type USING ERRCODE = 'PT404', DETAIL = 'entity.not_found',
      HINT = 'The entity does not exist in your active tenant, or you may not see it.';
  END IF;
  RETURN auth.org_id();
END
$$;
COMMENT ON FUNCTION app_private.caller_entity(text, uuid) IS
  'The caller''s tenant when the entity is in it and the caller is staff; PT404 entity.not_found otherwise (PT422 entity_type.unknown).';

CREATE OR REPLACE FUNCTION auth.state_machine_start(p_entity_type text, p_entity_id uuid) RETURNS app.entity_states
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_organization_id uuid := app_private.caller_entity(p_entity_type, p_entity_id);
  v_machine app.state_machines;
  v_state app.entity_states;
BEGIN
  SELECT * INTO v_machine FROM app.state_machines AS m
   WHERE m.organization_id = v_organization_id AND m.entity_type = p_entity_type AND m.status = 'published';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no published state machine for %', p_entity_type USING ERRCODE = 'PT409', DETAIL = 'state_machine.not_published',
      HINT = 'Define one (app.define_state_machine) and publish it (app.publish_state_machine).';
  END IF;
  INSERT INTO app.entity_states (organization_id, entity_type, entity_id, state_machine_id, state, entered_at, started_by)
  SELECT v_organization_id, p_entity_type, p_entity_id, v_machine.id, s.key, now(), auth.user_id()
    FROM app.state_machine_states AS s
   WHERE s.organization_id = v_machine.organization_id AND s.state_machine_id = v_machine.id AND s.is_initial
  ON CONFLICT (organization_id, entity_type, entity_id) DO NOTHING
  RETURNING * INTO v_state;
  IF v_state.id IS NULL THEN
    RAISE EXCEPTION '% is already on a state machine', p_entity_type USING ERRCODE = 'PT409', DETAIL = 'state_machine.already_started',
      HINT = 'GET /entity_states?entity_id=eq.<id> shows where it stands.';
  END IF;
  PERFORM app_private.record_state_change(v_state, NULL, NULL, NULL);
  PERFORM app_private.publish_event(v_organization_id, p_entity_type || '.state_changed',
    app_private.state_change_event(v_state, NULL, NULL), p_entity_type, p_entity_id);
  RETURN v_state;
END
$$;
COMMENT ON FUNCTION auth.state_machine_start(text, uuid) IS
  'The body of app.start_state_machine, run after the caller''s visibility check (staff of the entity''s tenant only, PT404 entity.not_found).';

CREATE OR REPLACE FUNCTION app.start_state_machine(entity_type text, entity_id uuid) RETURNS app.entity_states
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  PERFORM auth.check_entity(start_state_machine.entity_type, start_state_machine.entity_id);
  RETURN auth.state_machine_start(start_state_machine.entity_type, start_state_machine.entity_id);
END
$$;
COMMENT ON FUNCTION app.start_state_machine(text, uuid) IS
  E'Puts an entity on its type''s published state machine, in the initial state (history row, event <entity_type>.state_changed). The entity keeps that version when newer ones are published. Staff who may read the entity.\nErrors: PT404 entity.not_found, PT409 state_machine.not_published, state_machine.already_started, PT422 entity_type.unknown.';

CREATE OR REPLACE FUNCTION app_private.sign_transition(
  p_state app.entity_states, p_version integer, p_to text, p_meaning text, p_signature jsonb
) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  -- The one signing path (app_private.sign_payload, 30_identity/35_signatures.sql).
  RETURN app_private.sign_payload(p_signature ->> 'password', p_meaning, p_signature ->> 'reason',
    pg_catalog.jsonb_build_object('entity_type', p_state.entity_type, 'entity_id', p_state.entity_id,
      'state_machine_id', p_state.state_machine_id, 'version', p_version, 'from', p_state.state, 'to', p_to));
END
$$;
COMMENT ON FUNCTION app_private.sign_transition(app.entity_states, integer, text, text, jsonb) IS
  'The electronic signature of a transition, as for approval decisions: re-checks the signer''s password (counted with sign-in failures; PT429 while locked), returns meaning, reason, the signed payload and its sha256; {"refused": ...} with response status 403 (header Pulse-Refusal: signature.wrong_password) for a wrong password, so the failure is kept and nothing else is applied.';

CREATE OR REPLACE FUNCTION app_private.run_transition_effects(
  p_state app.entity_states, p_from text, p_transition app.state_machine_transitions, p_reason text
) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_effect jsonb;
  v_title text;
  v_row jsonb;
  v_project app.projects;
  v_payload jsonb;
BEGIN
  v_payload := app_private.state_change_event(p_state, p_from, p_reason);
  v_title := v_payload ->> 'title';
  PERFORM app_private.publish_event(p_state.organization_id, p_state.entity_type || '.state_changed', v_payload,
                                    p_state.entity_type, p_state.entity_id);
  FOR v_effect IN SELECT e FROM pg_catalog.jsonb_array_elements(p_transition.effects) AS e LOOP
    CASE v_effect ->> 'kind'
    WHEN 'notify' THEN
      PERFORM app_private.notify(p_state.organization_id,
        app_private.role_holders(p_state.organization_id, ARRAY(SELECT pg_catalog.jsonb_array_elements_text(v_effect -> 'roles'))),
        'workflow', pg_catalog.format('%s: %s', coalesce(v_title, p_state.entity_type), p_transition.label),
        pg_catalog.format('%s moved from %s to %s.%s', coalesce(v_title, p_state.entity_type), p_from, p_state.state,
                          coalesce(' Reason: ' || p_reason, '')),
        'normal', NULL, p_state.entity_type, p_state.entity_id);
    WHEN 'open_approval' THEN
      -- The entity's project, where its table has a project_id column, routes and titles the approval.
      v_row := app_private.entity_row(p_state.organization_id, p_state.entity_type, p_state.entity_id);
      SELECT * INTO v_project FROM app.projects AS p
       WHERE p.organization_id = p_state.organization_id AND p.id = (v_row ->> 'project_id')::uuid;
      PERFORM app_private.open_approval(p_state.organization_id, p_state.entity_type, p_state.entity_id, v_project,
                                        (v_effect ->> 'approval_type')::app.approval_type, coalesce(v_effect -> 'facts', '{}'));
    WHEN 'start_checklist' THEN
      PERFORM app_private.start_checklist(p_state.organization_id,
                                          app_private.checklist_template_of(p_state.organization_id, v_effect ->> 'template'),
                                          p_state.entity_id);
    WHEN 'event' THEN
      IF v_effect ? 'event_type' THEN
        PERFORM app_private.publish_event(p_state.organization_id, v_effect ->> 'event_type', v_payload,
                                          p_state.entity_type, p_state.entity_id);
      END IF;
    END CASE;
  END LOOP;
END
$$;
COMMENT ON FUNCTION app_private.run_transition_effects(app.entity_states, text, app.state_machine_transitions, text) IS
  'After a transition: publishes <entity_type>.state_changed, then runs the transition''s effects in order: notify (holders of the roles who may read staff records), open_approval (through the approval engine; routed on the entity''s project where it has one), start_checklist, event (publishes the named <entity_type>.<name> event too).';

CREATE OR REPLACE FUNCTION auth.state_machine_transition(
  p_entity_type text, p_entity_id uuid, p_to_state text, p_reason text, p_signature jsonb
) RETURNS app.entity_states
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_organization_id uuid := app_private.caller_entity(p_entity_type, p_entity_id);
  v_seen app.entity_states;
  v_state app.entity_states;
  v_machine app.state_machines;
  v_transition app.state_machine_transitions;
  v_failures jsonb;
  v_first jsonb;
  v_signature jsonb;
  v_from text;
BEGIN
  SELECT * INTO v_seen FROM app.entity_states AS s
   WHERE s.organization_id = v_organization_id AND s.entity_type = p_entity_type AND s.entity_id = p_entity_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION '% is on no state machine', p_entity_type USING ERRCODE = 'PT409', DETAIL = 'state_machine.not_started',
      HINT = 'Start it first (app.start_state_machine).';
  END IF;
  -- Of two simultaneous transitions the second waits here, then finds the
  -- row changed and is refused: exactly one wins.
  SELECT * INTO v_state FROM app.entity_states AS s WHERE s.organization_id = v_seen.organization_id AND s.id = v_seen.id FOR UPDATE;
  IF v_state.revision <> v_seen.revision THEN
    RAISE EXCEPTION '% moved to % meanwhile', p_entity_type, v_state.state USING ERRCODE = 'PT409', DETAIL = 'state_machine.conflict',
      HINT = 'Someone else changed its state at the same moment: reload (app.available_transitions) and try again.';
  END IF;
  SELECT * INTO v_machine FROM app.state_machines AS m WHERE m.organization_id = v_state.organization_id AND m.id = v_state.state_machine_id;
  IF EXISTS (SELECT FROM app.state_machine_states AS s
              WHERE s.organization_id = v_state.organization_id AND s.state_machine_id = v_state.state_machine_id
                AND s.key = v_state.state AND s.is_terminal) THEN
    RAISE EXCEPTION '% is in terminal state %', p_entity_type, v_state.state USING ERRCODE = 'PT409', DETAIL = 'state_machine.terminal_state',
      HINT = 'A terminal state has no way out.';
  END IF;
  SELECT * INTO v_transition FROM app.state_machine_transitions AS t
   WHERE t.organization_id = v_state.organization_id AND t.state_machine_id = v_state.state_machine_id
     AND t.from_state = v_state.state AND t.to_state = p_to_state;
  IF NOT FOUND THEN
    PERFORM app_private.raise_invalid('state_machine.unknown_transition',
                                      pg_catalog.format('no transition from %s to %s (version %s)', v_state.state, coalesce(p_to_state, 'nothing'), v_machine.version),
                                      'app.available_transitions lists the ways out of the current state.');
  END IF;
  IF length(p_reason) > 2000 THEN
    PERFORM app_private.raise_invalid('state_machine.reason_too_long', 'a reason has at most 2000 characters', NULL);
  END IF;

  v_failures := app_private.evaluate_guards(v_organization_id, p_entity_type, p_entity_id, v_transition.guards, p_signature, false);
  IF pg_catalog.jsonb_array_length(v_failures) > 0 THEN
    v_first := v_failures -> 0;
    -- The first failing guard's reason and status; the message names them all.
    RAISE EXCEPTION '%', (SELECT pg_catalog.string_agg(f ->> 'message', '; ') FROM pg_catalog.jsonb_array_elements(v_failures) AS f)
      USING ERRCODE = v_first ->> 'sqlstate', DETAIL = v_first ->> 'reason',
            HINT = pg_catalog.format('transition %s -> %s is closed; app.available_transitions says why', v_state.state, p_to_state);
  END IF;

  SELECT g -> 'meaning' INTO v_signature FROM pg_catalog.jsonb_array_elements(v_transition.guards) AS g
   WHERE g ->> 'kind' = 'signature' LIMIT 1;
  IF v_signature IS NOT NULL THEN
    v_signature := app_private.sign_transition(v_state, v_machine.version, p_to_state, v_signature #>> '{}', p_signature);
    IF v_signature ? 'refused' THEN
      RETURN NULL;
    END IF;
  END IF;

  v_from := v_state.state;
  UPDATE app.entity_states AS s SET state = p_to_state, entered_at = now(), revision = s.revision + 1
   WHERE s.organization_id = v_state.organization_id AND s.id = v_state.id
  RETURNING * INTO v_state;
  PERFORM app_private.record_state_change(v_state, v_from, p_reason, v_signature);
  PERFORM app_private.run_transition_effects(v_state, v_from, v_transition, p_reason);
  RETURN v_state;
END
$$;
COMMENT ON FUNCTION auth.state_machine_transition(text, uuid, text, text, jsonb) IS
  'The body of app.transition, run after the caller''s visibility check: locks the entity''s state, evaluates the guards as the caller, signs, moves, records, runs the effects.';

CREATE OR REPLACE FUNCTION app.transition(entity_type text, entity_id uuid, to_state text, reason text DEFAULT NULL, signature jsonb DEFAULT NULL)
RETURNS app.entity_states
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  -- As the caller: row-level security decides whether they may read the entity.
  PERFORM auth.check_entity(transition.entity_type, transition.entity_id);
  RETURN auth.state_machine_transition(transition.entity_type, transition.entity_id, transition.to_state, transition.reason,
                                       transition.signature);
END
$$;
COMMENT ON FUNCTION app.transition(text, uuid, text, text, jsonb) IS
  E'Moves an entity on its state machine (the version it started on) to to_state, when every guard of the transition holds for the caller; records who, when, from, to, the reason and the signature; runs the side effects (event <entity_type>.state_changed, notify, open_approval, start_checklist). A transition with a signature guard needs signature {"password": <your sign-in password>, "reason": ...}: a wrong password applies nothing and returns null with HTTP 403 (an error in GraphQL) and counts towards the sign-in lockout. Of two simultaneous transitions of one entity exactly one wins; the other gets PT409 state_machine.conflict.\nErrors: PT404 entity.not_found, PT409 state_machine.not_started, state_machine.conflict, state_machine.terminal_state, PT422 state_machine.unknown_transition, state_machine.reason_too_long, entity_type.unknown, PT429 locked; a failing guard answers with its own reason (PT403 permission.missing, site.out_of_scope; PT422 fields.missing, checklist.not_started, checklist.incomplete, approval.not_requested, approval.pending, approval.not_granted, signature.required, signature.reason_required, or a domain guard''s).';

CREATE OR REPLACE FUNCTION auth.state_machine_options(p_entity_type text, p_entity_id uuid)
RETURNS TABLE (from_state text, to_state text, label text, to_label text, allowed boolean, needs_signature boolean, reasons jsonb)
LANGUAGE plpgsql STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_organization_id uuid := app_private.caller_entity(p_entity_type, p_entity_id);
BEGIN
  RETURN QUERY
  SELECT t.from_state, t.to_state, auth.localized(t.label, t.labels), auth.localized(s.label, s.labels),
         pg_catalog.jsonb_array_length(f.failures) = 0,
         pg_catalog.jsonb_path_exists(t.guards, '$[*] ? (@.kind == "signature")'),
         f.failures
    FROM app.entity_states AS e
    JOIN app.state_machine_transitions AS t
      ON t.organization_id = e.organization_id AND t.state_machine_id = e.state_machine_id AND t.from_state = e.state
    JOIN app.state_machine_states AS s
      ON s.organization_id = t.organization_id AND s.state_machine_id = t.state_machine_id AND s.key = t.to_state
    CROSS JOIN LATERAL (SELECT app_private.evaluate_guards(e.organization_id, e.entity_type, e.entity_id, t.guards, NULL, true) AS failures) AS f
   WHERE e.organization_id = v_organization_id AND e.entity_type = p_entity_type AND e.entity_id = p_entity_id
   ORDER BY t.position;
END
$$;
COMMENT ON FUNCTION auth.state_machine_options(text, uuid) IS
  'The body of app.available_transitions, run after the caller''s visibility check.';

CREATE OR REPLACE FUNCTION app.available_transitions(entity_type text, entity_id uuid)
RETURNS TABLE (from_state text, to_state text, label text, to_label text, allowed boolean, needs_signature boolean, reasons jsonb)
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  PERFORM auth.check_entity(available_transitions.entity_type, available_transitions.entity_id);
  RETURN QUERY SELECT * FROM auth.state_machine_options(available_transitions.entity_type, available_transitions.entity_id);
END
$$;
COMMENT ON FUNCTION app.available_transitions(text, uuid) IS
  E'Every transition out of the entity''s current state, for buttons: label and target state in the caller''s language, whether the caller may take it now (allowed: every guard holds for them), whether it must be signed (needs_signature: send signature to app.transition), and, for closed ones, why (reasons: [{kind, reason, message, sqlstate}]). Empty in a terminal state or off any machine. Staff who may read the entity.\nErrors: PT404 entity.not_found, PT422 entity_type.unknown.';

CREATE OR REPLACE FUNCTION app.migrate_entity_state(entity_type text, entity_id uuid, state_machine_id uuid, state text, reason text)
RETURNS app.entity_states
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_organization_id uuid;
  v_state app.entity_states;
  v_from text;
BEGIN
  PERFORM app_private.require_permission('state_machine.manage');
  v_organization_id := app_private.caller_entity(migrate_entity_state.entity_type, migrate_entity_state.entity_id);
  IF coalesce(btrim(reason), '') = '' OR length(reason) > 2000 THEN
    PERFORM app_private.raise_invalid('state_machine.reason_required', 'moving an entity to another version needs a reason (up to 2000 characters)', NULL);
  END IF;
  IF NOT EXISTS (SELECT FROM app.state_machines AS m JOIN app.state_machine_states AS s
                     ON s.organization_id = m.organization_id AND s.state_machine_id = m.id AND s.key = migrate_entity_state.state
                  WHERE m.organization_id = v_organization_id AND m.id = migrate_entity_state.state_machine_id
                    AND m.entity_type = migrate_entity_state.entity_type AND m.status = 'published') THEN
    PERFORM app_private.raise_invalid('state_machine.migration_target',
                                      format('no state %s in a published %s state machine %s', migrate_entity_state.state,
                                             migrate_entity_state.entity_type, migrate_entity_state.state_machine_id),
                                      'Name the published version (GET /state_machines?status=eq.published) and one of its states.');
  END IF;
  SELECT * INTO v_state FROM app.entity_states AS s
   WHERE s.organization_id = v_organization_id AND s.entity_type = migrate_entity_state.entity_type
     AND s.entity_id = migrate_entity_state.entity_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION '% is on no state machine', migrate_entity_state.entity_type USING ERRCODE = 'PT409',
      DETAIL = 'state_machine.not_started', HINT = 'Start it first (app.start_state_machine).';
  END IF;
  v_from := v_state.state;
  UPDATE app.entity_states AS s
     SET state_machine_id = migrate_entity_state.state_machine_id, state = migrate_entity_state.state, entered_at = now(),
         revision = s.revision + 1
   WHERE s.organization_id = v_state.organization_id AND s.id = v_state.id
  RETURNING * INTO v_state;
  PERFORM app_private.record_state_change(v_state, v_from, 'migrated: ' || reason, NULL);
  PERFORM app_private.publish_event(v_organization_id, migrate_entity_state.entity_type || '.state_changed',
    app_private.state_change_event(v_state, v_from, reason, true), migrate_entity_state.entity_type, migrate_entity_state.entity_id);
  RETURN v_state;
END
$$;
COMMENT ON FUNCTION app.migrate_entity_state(text, uuid, uuid, text, text) IS
  E'Moves one entity, explicitly, onto the published version of its type''s state machine in a state of that version, with a reason (no guards: an administrative correction, recorded in the history as "migrated: <reason>"). Publishing never moves entities by itself. Needs state_machine.manage.\nErrors: PT403 permission.missing, PT404 entity.not_found, PT409 state_machine.not_started, PT422 state_machine.reason_required, state_machine.migration_target.';

-- Approvals on any registered entity type (migration platform/state_machines).
CREATE OR REPLACE FUNCTION app_private.tg_approvals__entity_known() RETURNS trigger
LANGUAGE plpgsql STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF NEW.entity_type NOT IN ('project_sub_stage', 'document_version')
     AND NOT EXISTS (SELECT FROM app_private.entities AS e
                      WHERE e.organization_id = NEW.organization_id AND e.entity_type = NEW.entity_type AND e.id = NEW.entity_id) THEN
    PERFORM app_private.raise_invalid('approval.entity_unknown',
                                      pg_catalog.format('an approval gates a sub-stage, a document version or an entity of a registered type: no %s %s',
                                                        NEW.entity_type, NEW.entity_id), NULL);
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_approvals__entity_known() IS
  'BEFORE INSERT OR UPDATE of an approval: it gates a project sub-stage, a document version, or an existing entity of a registered type in its tenant (PT422 approval.entity_unknown).';

CREATE OR REPLACE TRIGGER _020_entity_known BEFORE INSERT OR UPDATE OF entity_type, entity_id ON app.approvals
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_approvals__entity_known();

CREATE OR REPLACE TRIGGER _020_validate BEFORE INSERT OR UPDATE ON app.state_machine_transitions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_state_machine_transitions__validate();
CREATE OR REPLACE TRIGGER _010_frozen BEFORE INSERT OR UPDATE OR DELETE ON app.state_machine_states
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_state_machine_parts__frozen();
CREATE OR REPLACE TRIGGER _010_frozen BEFORE INSERT OR UPDATE OR DELETE ON app.state_machine_transitions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_state_machine_parts__frozen();
CREATE OR REPLACE TRIGGER _010_frozen BEFORE UPDATE OR DELETE ON app.state_machines
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_state_machines__frozen();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.state_machines
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_append_only BEFORE UPDATE OR DELETE ON app.entity_state_history
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();
