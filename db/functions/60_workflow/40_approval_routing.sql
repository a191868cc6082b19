-- Approval routing: chains chosen by the facts of a request, the approver
-- each step resolves to, fallback roles, stand-ins (backups) and SLAs.
-- Every value is tenant data (approval_chains, approval_fallbacks,
-- approval_policies, approval_settings, copied from the platform defaults in
-- db/seeds/reference/20_workflow.sql); app.approval_route answers "who
-- approves X" with the same functions app_private.open_approval routes with.
--
-- Two-person control: a step is never routed to the requester nor to anyone
-- who decided an earlier step of the same approval (app_private.decide_refusal
-- says who is eligible, here, at hand-over and at the decision); when nobody
-- eligible holds the step's role or a fallback role, the tenant's
-- approval_settings.when_no_approver refuses the request or routes the step
-- to its named backup approver.

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
  SELECT ARRAY['quote_value', 'margin_percent', 'po_value', 'risk_flags', 'ctq_failures', 'rework_percent', 'slippage_days',
               'priority', 'document_category']
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

CREATE OR REPLACE FUNCTION app_private.approval_settings_of(p_organization_id uuid) RETURNS app.approval_settings
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_settings app.approval_settings;
BEGIN
  -- The tenant's row; the platform default stands in for a tenant that has none.
  SELECT * INTO v_settings FROM app.approval_settings AS s WHERE s.organization_id = p_organization_id;
  IF NOT FOUND THEN
    SELECT p_organization_id, d.when_no_approver, NULL, d.reminder_percent, d.expiry_hours, NULL INTO v_settings
      FROM app_private.default_approval_settings AS d;
  END IF;
  RETURN v_settings;
END
$$;

COMMENT ON FUNCTION app_private.approval_settings_of(uuid) IS
  'The approval settings in force for a tenant (two-person control, reminders, hard deadline): its approval_settings row, else the platform default.';

CREATE OR REPLACE FUNCTION app_private.tg_approval_settings__validate() RETURNS trigger
LANGUAGE plpgsql STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF NEW.backup_approver_id IS NOT NULL
     AND NOT EXISTS (SELECT FROM app.memberships AS m
                      WHERE m.organization_id = NEW.organization_id AND m.user_id = NEW.backup_approver_id
                        AND m.status = 'active' AND m.partner_id IS NULL)
  THEN
    PERFORM app_private.raise_invalid('approval_settings.backup_not_staff',
                                      format('backup approver %s is not an active staff member of the organization', NEW.backup_approver_id),
                                      'Name a colleague (not a portal user) as backup approver.');
  END IF;
  -- Choosing the backup route needs a backup (a backup removed later, or
  -- a deleted user, leaves the route refusing until one is named again).
  IF NEW.when_no_approver = 'backup' AND NEW.backup_approver_id IS NULL
     AND (TG_OP = 'INSERT' OR OLD.when_no_approver <> 'backup') THEN
    PERFORM app_private.raise_invalid('approval_settings.backup_required', 'when_no_approver backup needs a backup_approver_id',
                                      'Send {"when_no_approver": "backup", "backup_approver_id": "<user id>"}.');
  END IF;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg_approval_settings__validate() IS
  'BEFORE INSERT OR UPDATE: the backup approver is an active staff member of the tenant, and choosing the backup route names one (PT422: approval_settings.backup_not_staff, approval_settings.backup_required).';

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

CREATE OR REPLACE FUNCTION app_private.find_approver(p_organization_id uuid, p_step jsonb, p_requested_by uuid,
                                                     p_decided uuid[] DEFAULT '{}')
RETURNS uuid
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_approver uuid;
  v_role text;
  v_settings app.approval_settings := app_private.approval_settings_of(p_organization_id);
BEGIN
  IF p_step ? 'user_id'
     AND app_private.decide_refusal(p_organization_id, p_step, p_requested_by, (p_step ->> 'user_id')::uuid, p_decided) IS NULL THEN
    RETURN (p_step ->> 'user_id')::uuid;
  END IF;
  -- The role's eligible holder with the fewest open approvals decides
  -- (never the requester, never who decided an earlier step); the fallback
  -- roles, in order, stand in for a role nobody eligible holds; then the
  -- tenant's backup approver, where the tenant routes to one.
  FOREACH v_role IN ARRAY (p_step ->> 'role') || app_private.approval_fallback_roles(p_organization_id) LOOP
    SELECT h.user_id INTO v_approver
      FROM unnest(app_private.role_holders(p_organization_id, ARRAY[v_role])) AS h (user_id)
     WHERE app_private.decide_refusal(p_organization_id, p_step, p_requested_by, h.user_id, p_decided) IS NULL
     ORDER BY (SELECT count(*) FROM app.approvals AS a
                WHERE a.organization_id = p_organization_id AND a.current_approver_id = h.user_id
                  AND a.status IN ('pending', 'in_review')),
              h.user_id
     LIMIT 1;
    IF v_approver IS NOT NULL THEN
      RETURN v_approver;
    END IF;
  END LOOP;
  IF v_settings.when_no_approver = 'backup' AND v_settings.backup_approver_id IS NOT NULL
     AND app_private.decide_refusal(p_organization_id, p_step, p_requested_by, v_settings.backup_approver_id, p_decided) IS NULL THEN
    RETURN v_settings.backup_approver_id;
  END IF;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.find_approver(uuid, jsonb, uuid, uuid[]) IS
  'The person who decides a chain step now: the named user, else the holder of the step''s role with the fewest open approvals, then the holders of the fallback roles in order, then the tenant''s backup approver (approval_settings.when_no_approver = backup); always someone app_private.decide_refusal accepts: never the requester nor anyone in p_decided (who decided an earlier step). NULL when nobody can.';

CREATE OR REPLACE FUNCTION app_private.resolve_approver(p_organization_id uuid, p_step jsonb, p_requested_by uuid,
                                                        p_decided uuid[] DEFAULT '{}', p_step_number integer DEFAULT 1)
RETURNS uuid
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_approver uuid := app_private.find_approver(p_organization_id, p_step, p_requested_by, p_decided);
  v_settings app.approval_settings;
  v_who text := coalesce('role ' || (p_step ->> 'role'), 'user ' || (p_step ->> 'user_id'))
                 || CASE WHEN p_step ? 'site_ids' THEN ' (held tenant-wide or at every plant it affects)' ELSE '' END;
BEGIN
  IF v_approver IS NULL THEN
    v_settings := app_private.approval_settings_of(p_organization_id);
    RAISE EXCEPTION '%', format('step %s (%s) has no eligible approver: every active holder of %s and of the fallback roles (%s) requested this approval or decided an earlier step%s',
                                p_step_number, v_who, v_who,
                                coalesce(nullif(pg_catalog.array_to_string(app_private.approval_fallback_roles(p_organization_id), ', '), ''),
                                         'none'),
                                CASE WHEN v_settings.when_no_approver = 'backup'
                                     THEN ', and so did the backup approver (or none is named)' ELSE '' END)
      USING ERRCODE = 'PT409', DETAIL = 'approval.no_approver',
            HINT = format('Step %s needs %s held by someone other than the requester and the earlier steps'' deciders: grant it to another colleague (app.grant_role), add a fallback role (POST /approval_fallbacks), or name a backup approver (PATCH /approval_settings {"when_no_approver": "backup", "backup_approver_id": ...}).',
                          p_step_number, v_who);
  END IF;
  RETURN v_approver;
END
$$;

COMMENT ON FUNCTION app_private.resolve_approver(uuid, jsonb, uuid, uuid[], integer) IS
  'app_private.find_approver, or PT409 approval.no_approver (message and hint naming the step and its role) when nobody eligible can decide the step and the tenant routes to no eligible backup approver.';

CREATE OR REPLACE FUNCTION app_private.route_approvers(p_organization_id uuid, p_steps jsonb, p_requested_by uuid) RETURNS uuid[]
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_approvers uuid[] := '{}';
  v_step record;
BEGIN
  -- A request is refused up front when any step would lack a second (third,
  -- ...) person, rather than stalling there after the earlier steps decided.
  FOR v_step IN SELECT s.step, s.ordinality::integer AS n
                  FROM pg_catalog.jsonb_array_elements(p_steps) WITH ORDINALITY AS s (step, ordinality)
                 ORDER BY s.ordinality
  LOOP
    v_approvers := v_approvers || app_private.resolve_approver(p_organization_id, v_step.step, p_requested_by, v_approvers, v_step.n);
  END LOOP;
  RETURN v_approvers;
END
$$;

COMMENT ON FUNCTION app_private.route_approvers(uuid, jsonb, uuid) IS
  'The approver of each step of a chain if each decides in turn (each later step passes over the earlier ones); PT409 approval.no_approver naming the first step nobody eligible can decide.';

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

CREATE OR REPLACE FUNCTION app_private.remind_at(p_organization_id uuid, p_type app.approval_type, p_priority app.approval_priority)
RETURNS timestamptz
LANGUAGE sql STABLE
AS $$
  SELECT pg_catalog.now()
         + pg_catalog.make_interval(hours => (app_private.approval_policy_of(p_organization_id, p_type, p_priority)).sla_hours)
           * (app_private.approval_settings_of(p_organization_id)).reminder_percent / 100.0
$$;

COMMENT ON FUNCTION app_private.remind_at(uuid, app.approval_type, app.approval_priority) IS
  'When the approver of a step starting now is reminded: now plus approval_settings.reminder_percent of the SLA; NULL when the tenant sends no reminders.';

CREATE OR REPLACE FUNCTION app_private.approval_expires_at(p_organization_id uuid) RETURNS timestamptz
LANGUAGE sql STABLE
AS $$
  SELECT pg_catalog.now() + pg_catalog.make_interval(hours => (app_private.approval_settings_of(p_organization_id)).expiry_hours)
$$;

COMMENT ON FUNCTION app_private.approval_expires_at(uuid) IS
  'The hard deadline of an approval requested now: now plus approval_settings.expiry_hours; NULL when the tenant''s approvals never expire.';

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
  v_step record;
  v_approver uuid;
  v_decided uuid[] := '{}';
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
  -- Each step as the real routing resolves it: whoever is routed a step is
  -- assumed to decide it, so later steps pass them over.
  FOR v_step IN SELECT s.step, s.ordinality::integer AS n
                  FROM pg_catalog.jsonb_array_elements(v_chain.steps) WITH ORDINALITY AS s (step, ordinality)
                 ORDER BY s.ordinality
  LOOP
    v_approver := app_private.find_approver(v_organization_id, v_step.step, v_requested_by, v_decided);
    RETURN QUERY
    SELECT approval_type, v_chain.id, v_chain.chain_name, v_step.n, v_step.step ->> 'role', (v_step.step ->> 'user_id')::uuid,
           v_approver, v_priority, v_policy.sla_hours, v_policy.requires_signature, v_fallbacks;
    IF v_approver IS NOT NULL THEN
      v_decided := v_decided || v_approver;
    END IF;
  END LOOP;
END
$$;

COMMENT ON FUNCTION app.approval_route(app.approval_type, jsonb, uuid) IS
  E'Who approves X: the route of an approval.\nThe route an approval of this type with these facts would take if requested now (by requested_by, else the caller), one row per step: the chain that applies (empty when none matches and the first fallback role decides), the role or user the step names, the person it resolves to now (never the requester nor the approver of an earlier step; empty when nobody eligible could, and a request would be refused with approval.no_approver), the SLA and signature rule of the priority (facts.priority, else normal) and the fallback roles. Facts: quote_value, margin_percent, po_value, risk_flags, ctq_failures, rework_percent, slippage_days, priority, document_category. Uses the functions the real routing uses. Staff with project.read. Errors: PT403 (permission.missing, approval.route_staff_only), PT409 (approval.no_route, approval.no_policy), PT422 (approval.facts_not_object, approval.unknown_priority, input.unknown_key).';

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

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.approval_settings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _200_validate BEFORE INSERT OR UPDATE OF when_no_approver, backup_approver_id ON app.approval_settings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_approval_settings__validate();

-- SLAs keep the time of their last change.
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.approval_policies
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
