-- Approval routing: chains chosen by the facts of a request, the approver
-- each step resolves to, fallback roles, stand-ins (backups) and SLAs.
-- Every value is tenant data (approval_chains, approval_fallbacks,
-- approval_policies, copied from the platform defaults in
-- db/seeds/reference/20_workflow.sql); app.approval_route answers "who
-- approves X" with the same functions app_private.open_approval routes with.

CREATE OR REPLACE FUNCTION app_private.approval_condition_holds(p_fact jsonb, p_operator text, p_operand jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
  SELECT CASE
    WHEN p_fact IS NULL OR p_fact = 'null' THEN false
    WHEN p_operator IN ('gt', 'gte', 'lt', 'lte') AND pg_catalog.jsonb_typeof(p_fact) <> 'number' THEN false
    WHEN p_operator = 'any' AND pg_catalog.jsonb_typeof(p_fact) <> 'array' THEN false
    WHEN p_operator = 'eq' THEN p_fact = p_operand
    WHEN p_operator = 'ne' THEN p_fact <> p_operand
    WHEN p_operator = 'in' THEN p_operand @> pg_catalog.jsonb_build_array(p_fact)
    WHEN p_operator = 'any' THEN EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(p_fact) AS f WHERE p_operand @> pg_catalog.jsonb_build_array(f))
    WHEN p_operator = 'gt' THEN (p_fact #>> '{}')::numeric > (p_operand #>> '{}')::numeric
    WHEN p_operator = 'gte' THEN (p_fact #>> '{}')::numeric >= (p_operand #>> '{}')::numeric
    WHEN p_operator = 'lt' THEN (p_fact #>> '{}')::numeric < (p_operand #>> '{}')::numeric
    WHEN p_operator = 'lte' THEN (p_fact #>> '{}')::numeric <= (p_operand #>> '{}')::numeric
  END
$$;

COMMENT ON FUNCTION app_private.approval_condition_holds(jsonb, text, jsonb) IS
  'One chain condition: a fact compared with an operand (eq, ne, in, any, gt, gte, lt, lte); a missing fact, a comparison of a fact that is not a number, or any on a fact that is not an array never holds.';

CREATE OR REPLACE FUNCTION app_private.approval_chain_matches(p_conditions jsonb, p_facts jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
  SELECT coalesce(bool_and(app_private.approval_condition_holds(p_facts -> c.key, o.key, o.value)), true)
    FROM pg_catalog.jsonb_each(p_conditions) AS c, pg_catalog.jsonb_each(c.value) AS o
$$;

COMMENT ON FUNCTION app_private.approval_chain_matches(jsonb, jsonb) IS 'Do all conditions of a chain hold for the facts of a request? No conditions: yes.';

CREATE OR REPLACE FUNCTION app_private.approval_fact_names() RETURNS text[]
LANGUAGE sql IMMUTABLE
AS $$
  SELECT ARRAY['quote_value', 'po_value', 'risk_flags', 'ctq_failures', 'rework_percent', 'slippage_days', 'priority',
               'document_category']
$$;

COMMENT ON FUNCTION app_private.approval_fact_names() IS
  'The facts a chain may route on, as app_private.approval_facts and the request provide them.';

CREATE OR REPLACE FUNCTION app_private.tg_approval_chains__validate() RETURNS trigger
LANGUAGE plpgsql STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_condition record;
  v_step jsonb;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  PERFORM app_private.check_json_keys(NEW.conditions, 'conditions', app_private.approval_fact_names());
  FOR v_condition IN SELECT c.key, c.value FROM jsonb_each(NEW.conditions) AS c LOOP
    IF jsonb_typeof(v_condition.value) <> 'object' OR v_condition.value = '{}' THEN
      PERFORM app_private.raise_invalid('approval_chain.condition_not_object',
                                        format('conditions.%s must be an object of operators', v_condition.key),
                                        'e.g. {"quote_value": {"gte": 50000}}');
    END IF;
    PERFORM app_private.check_json_keys(v_condition.value, 'conditions.' || v_condition.key,
                                        ARRAY['eq', 'ne', 'in', 'any', 'gt', 'gte', 'lt', 'lte']);
    IF EXISTS (SELECT FROM jsonb_each(v_condition.value) AS o
                WHERE (o.key IN ('in', 'any') AND jsonb_typeof(o.value) <> 'array')
                   OR (o.key IN ('gt', 'gte', 'lt', 'lte') AND jsonb_typeof(o.value) <> 'number')) THEN
      PERFORM app_private.raise_invalid('approval_chain.operand_type',
                                        format('conditions.%s: in and any take an array, gt/gte/lt/lte a number', v_condition.key),
                                        NULL);
    END IF;
  END LOOP;
  FOR v_step IN SELECT s FROM jsonb_array_elements(NEW.steps) AS s LOOP
    IF jsonb_typeof(v_step) <> 'object' OR (v_step ? 'role') = (v_step ? 'user_id') THEN
      PERFORM app_private.raise_invalid('approval_chain.step_shape', 'each step names either a role or a user_id',
                                        'e.g. [{"role": "sales"}, {"user_id": "<uuid>"}]');
    END IF;
    PERFORM app_private.check_json_keys(v_step, 'step', ARRAY['role', 'user_id']);
    IF v_step ? 'role' THEN
      IF NOT EXISTS (SELECT FROM app.roles AS r WHERE r.organization_id = NEW.organization_id AND r.key = v_step ->> 'role') THEN
        PERFORM app_private.raise_invalid('approval_chain.unknown_role', format('steps name unknown role %s', v_step -> 'role'),
                                          'Use keys of the organization''s roles (GET /roles?select=key).');
      END IF;
    ELSIF (v_step ->> 'user_id') !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
          OR NOT app_private.is_active_member(NEW.organization_id, (v_step ->> 'user_id')::uuid) THEN
      PERFORM app_private.raise_invalid('approval_chain.step_user_not_member',
                                        format('step user %s is not an active member of the organization', v_step ->> 'user_id'),
                                        'Name a colleague, or a role.');
    END IF;
  END LOOP;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg_approval_chains__validate() IS
  'BEFORE INSERT OR UPDATE: known facts and operators, steps naming a tenant role or an active member (PT422: input.unknown_key, approval_chain.condition_not_object, approval_chain.operand_type, approval_chain.step_shape, approval_chain.unknown_role, approval_chain.step_user_not_member).';

CREATE OR REPLACE FUNCTION app_private.tg_approval_fallbacks__validate() RETURNS trigger
LANGUAGE plpgsql STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF NOT EXISTS (SELECT FROM app.roles AS r WHERE r.organization_id = NEW.organization_id AND r.key = NEW.role_key) THEN
    PERFORM app_private.raise_invalid('approval_fallback.unknown_role', format('no role %s in the organization', NEW.role_key),
                                      'Use keys of the organization''s roles (GET /roles?select=key).');
  END IF;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg_approval_fallbacks__validate() IS
  'BEFORE INSERT OR UPDATE: a fallback names a role of the tenant (PT422, approval_fallback.unknown_role).';

CREATE OR REPLACE FUNCTION app_private.approval_fallback_roles(p_organization_id uuid) RETURNS text[]
LANGUAGE sql STABLE
AS $$
  SELECT coalesce(pg_catalog.array_agg(f.role_key ORDER BY f.position, f.role_key), '{}')
    FROM app.approval_fallbacks AS f
   WHERE f.organization_id = p_organization_id
$$;

COMMENT ON FUNCTION app_private.approval_fallback_roles(uuid) IS
  'The tenant''s fallback roles in order (app.approval_fallbacks): the first routes what no chain matches; all stand in for any step.';

CREATE OR REPLACE FUNCTION app_private.approval_chain_for(p_organization_id uuid, p_type app.approval_type, p_facts jsonb)
RETURNS app.approval_chains
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_chain app.approval_chains;
  v_fallback text := (app_private.approval_fallback_roles(p_organization_id))[1];
BEGIN
  SELECT * INTO v_chain FROM app.approval_chains AS c
   WHERE c.organization_id = p_organization_id AND c.approval_type = p_type AND c.is_active
     AND app_private.approval_chain_matches(c.conditions, p_facts)
   ORDER BY c.rank, c.chain_name
   LIMIT 1;
  IF FOUND THEN
    RETURN v_chain;
  END IF;
  IF v_fallback IS NULL THEN
    RAISE EXCEPTION 'no active % chain matches and the organization has no fallback role', p_type
      USING ERRCODE = 'PT409', DETAIL = 'approval.no_route',
            HINT = 'Add a chain without conditions (POST /approval_chains) or a fallback role (POST /approval_fallbacks).';
  END IF;
  -- No chain: one step, decided by the first fallback role (no chain id).
  v_chain.organization_id := p_organization_id;
  v_chain.approval_type := p_type;
  v_chain.steps := pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('role', v_fallback));
  RETURN v_chain;
END
$$;

COMMENT ON FUNCTION app_private.approval_chain_for(uuid, app.approval_type, jsonb) IS
  'The chain that routes an approval of the type with these facts: the active chain of lowest rank whose conditions hold, else one step for the first fallback role (id empty). PT409 approval.no_route when neither exists.';

CREATE OR REPLACE FUNCTION app_private.find_approver(p_organization_id uuid, p_step jsonb, p_requested_by uuid) RETURNS uuid
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_approver uuid;
  v_role text;
BEGIN
  IF p_step ? 'user_id'
     AND app_private.decide_refusal(p_organization_id, p_step, p_requested_by, (p_step ->> 'user_id')::uuid) IS NULL THEN
    RETURN (p_step ->> 'user_id')::uuid;
  END IF;
  -- The role's holder with the fewest open approvals decides, never the
  -- requester; the fallback roles, in order, stand in for a role nobody
  -- else holds.
  FOREACH v_role IN ARRAY (p_step ->> 'role') || app_private.approval_fallback_roles(p_organization_id) LOOP
    SELECT h.user_id INTO v_approver
      FROM unnest(app_private.role_holders(p_organization_id, ARRAY[v_role])) AS h (user_id)
     WHERE app_private.decide_refusal(p_organization_id, p_step, p_requested_by, h.user_id) IS NULL
     ORDER BY (SELECT count(*) FROM app.approvals AS a
                WHERE a.organization_id = p_organization_id AND a.current_approver_id = h.user_id
                  AND a.status IN ('pending', 'in_review')),
              h.user_id
     LIMIT 1;
    IF v_approver IS NOT NULL THEN
      RETURN v_approver;
    END IF;
  END LOOP;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.find_approver(uuid, jsonb, uuid) IS
  'The person who decides a chain step now: the named user, else the holder of the step''s role with the fewest open approvals, never the requester nor anyone app_private.decide_refusal refuses (the fallback roles stand in, in order). NULL when nobody can.';

CREATE OR REPLACE FUNCTION app_private.resolve_approver(p_organization_id uuid, p_step jsonb, p_requested_by uuid) RETURNS uuid
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_approver uuid := app_private.find_approver(p_organization_id, p_step, p_requested_by);
BEGIN
  IF v_approver IS NULL THEN
    RAISE EXCEPTION 'nobody but the requester can decide this approval: no other active member holds role % or a fallback role (%)',
                    coalesce(p_step ->> 'role', 'of the step'),
                    pg_catalog.array_to_string(app_private.approval_fallback_roles(p_organization_id), ', ')
      USING ERRCODE = 'PT409', DETAIL = 'approval.no_approver',
            HINT = 'Grant the role to someone else (app.grant_role), or add a fallback role (POST /approval_fallbacks).';
  END IF;
  RETURN v_approver;
END
$$;

COMMENT ON FUNCTION app_private.resolve_approver(uuid, jsonb, uuid) IS
  'app_private.find_approver, or PT409 approval.no_approver when nobody but the requester can decide the step.';

CREATE OR REPLACE FUNCTION app_private.approval_policy_of(p_organization_id uuid, p_type app.approval_type,
                                                          p_priority app.approval_priority)
RETURNS app.approval_policies
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_policy app.approval_policies;
BEGIN
  -- The tenant's policy; the platform default stands in for a type or
  -- priority added after the tenant was provisioned.
  SELECT * INTO v_policy FROM app.approval_policies AS p
   WHERE p.organization_id = p_organization_id AND p.approval_type = p_type AND p.priority = p_priority;
  IF NOT FOUND THEN
    SELECT p_organization_id, d.approval_type, d.priority, d.sla_hours, d.requires_signature, NULL INTO v_policy
      FROM app_private.default_approval_policies AS d
     WHERE d.approval_type = p_type AND d.priority = p_priority;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no approval policy for % approvals of priority %', p_type, p_priority
        USING ERRCODE = 'PT409', DETAIL = 'approval.no_policy',
              HINT = 'Add one: POST /approval_policies {"approval_type", "priority", "sla_hours"}.';
    END IF;
  END IF;
  RETURN v_policy;
END
$$;

COMMENT ON FUNCTION app_private.approval_policy_of(uuid, app.approval_type, app.approval_priority) IS
  'The SLA and signature rule in force for an approval type and priority: the tenant''s approval_policies row, else the platform default; PT409 approval.no_policy when neither exists.';

CREATE OR REPLACE FUNCTION app_private.sla_due_at(p_organization_id uuid, p_type app.approval_type, p_priority app.approval_priority)
RETURNS timestamptz
LANGUAGE sql STABLE
AS $$
  SELECT pg_catalog.now()
         + pg_catalog.make_interval(hours => (app_private.approval_policy_of(p_organization_id, p_type, p_priority)).sla_hours)
$$;

COMMENT ON FUNCTION app_private.sla_due_at(uuid, app.approval_type, app.approval_priority) IS
  'Now plus the SLA in force for the type and priority (app_private.approval_policy_of).';

CREATE OR REPLACE FUNCTION app_private.backup_of(p_organization_id uuid, p_user_id uuid) RETURNS uuid
LANGUAGE sql STABLE
AS $$
  SELECT b.backup_user_id FROM app.approver_backups AS b
   WHERE b.organization_id = p_organization_id AND b.user_id = p_user_id
     AND (b.valid_until IS NULL OR b.valid_until > pg_catalog.now())
     AND app_private.is_active_member(p_organization_id, b.backup_user_id)
$$;

COMMENT ON FUNCTION app_private.backup_of(uuid, uuid) IS 'The approver''s stand-in, while valid and an active member.';

CREATE OR REPLACE FUNCTION app_private.tg_approver_backups__validate() RETURNS trigger
LANGUAGE plpgsql STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF NOT app_private.is_active_member(NEW.organization_id, NEW.backup_user_id) THEN
    PERFORM app_private.raise_invalid('approver_backup.not_member',
                                      format('backup %s is not an active member of the organization', NEW.backup_user_id),
                                      'Name a colleague as backup.');
  END IF;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg_approver_backups__validate() IS
  'BEFORE INSERT OR UPDATE: the backup is an active member of the tenant (PT422, approver_backup.not_member).';

CREATE OR REPLACE FUNCTION app.approval_route(approval_type app.approval_type, facts jsonb DEFAULT '{}',
                                              requested_by uuid DEFAULT NULL)
RETURNS SETOF app.approval_route_step
LANGUAGE plpgsql STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_variable
DECLARE
  v_organization_id uuid := auth.org_id();
  v_requested_by uuid := coalesce(requested_by, auth.user_id());
  v_priority app.approval_priority;
  v_chain app.approval_chains;
  v_policy app.approval_policies;
  v_fallbacks text[];
BEGIN
  PERFORM app_private.require_permission('project.read');
  IF auth.partner_id() IS NOT NULL THEN
    RAISE EXCEPTION 'approval routes are for the organization''s own staff' USING ERRCODE = 'PT403',
      DETAIL = 'approval.route_staff_only', HINT = 'Ask the organization you work with.';
  END IF;
  -- Over GET (PostgREST: ?facts={...}) a jsonb argument arrives as a JSON string holding the object.
  IF jsonb_typeof(facts) = 'string' AND pg_catalog.left(pg_catalog.ltrim(facts #>> '{}'), 1) = '{' THEN
    facts := (facts #>> '{}')::jsonb;
  END IF;
  IF facts IS NULL OR jsonb_typeof(facts) <> 'object' THEN
    PERFORM app_private.raise_invalid('approval.facts_not_object', 'facts must be a JSON object',
                                      'e.g. {"quote_value": 60000, "priority": "urgent"}');
  END IF;
  PERFORM app_private.check_json_keys(facts, 'facts', app_private.approval_fact_names());
  IF coalesce(facts ->> 'priority', 'normal') <> ALL (enum_range(NULL::app.approval_priority)::text[]) THEN
    PERFORM app_private.raise_invalid('approval.unknown_priority', format('facts.priority %s is not a priority', facts -> 'priority'),
                                      'Use low, normal, high or urgent.');
  END IF;
  -- The priority an approval gets from its project (normal when unset).
  v_priority := coalesce(facts ->> 'priority', 'normal')::app.approval_priority;
  v_chain := app_private.approval_chain_for(v_organization_id, approval_type, facts);
  v_policy := app_private.approval_policy_of(v_organization_id, approval_type, v_priority);
  v_fallbacks := app_private.approval_fallback_roles(v_organization_id);
  RETURN QUERY
  SELECT approval_type, v_chain.id, v_chain.chain_name, s.ordinality::integer, s.step ->> 'role',
         (s.step ->> 'user_id')::uuid, app_private.find_approver(v_organization_id, s.step, v_requested_by),
         v_priority, v_policy.sla_hours, v_policy.requires_signature, v_fallbacks
    FROM pg_catalog.jsonb_array_elements(v_chain.steps) WITH ORDINALITY AS s (step, ordinality)
   ORDER BY s.ordinality;
END
$$;

COMMENT ON FUNCTION app.approval_route(app.approval_type, jsonb, uuid) IS
  E'Who approves X: the route of an approval.\nThe route an approval of this type with these facts would take if requested now (by requested_by, else the caller), one row per step: the chain that applies (empty when none matches and the first fallback role decides), the role or user the step names, the person it resolves to now (empty when nobody but the requester could), the SLA and signature rule of the priority (facts.priority, else normal) and the fallback roles. Facts: quote_value, po_value, risk_flags, ctq_failures, rework_percent, slippage_days, priority, document_category. Uses the functions the real routing uses. Staff with project.read. Errors: PT403 (permission.missing, approval.route_staff_only), PT409 (approval.no_route, approval.no_policy), PT422 (approval.facts_not_object, approval.unknown_priority, input.unknown_key).';

CREATE OR REPLACE TRIGGER _200_validate BEFORE INSERT OR UPDATE ON app.approver_backups
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_approver_backups__validate();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.approvals
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.approval_chains
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _200_validate BEFORE INSERT OR UPDATE OF conditions, steps ON app.approval_chains
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_approval_chains__validate();
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.approval_fallbacks
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.approval_fallbacks
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('workflow.manage');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.approval_fallbacks
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id');
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.approval_fallbacks
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _200_validate BEFORE INSERT OR UPDATE OF role_key ON app.approval_fallbacks
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_approval_fallbacks__validate();
CREATE OR REPLACE TRIGGER _100_append_only BEFORE UPDATE OR DELETE ON app.approval_history
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();

-- SLAs keep the time of their last change.
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.approval_policies
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
