-- Approval routing: chains chosen by the facts of a request, the approver
-- each step resolves to, stand-ins (backups) and SLAs.

CREATE OR REPLACE FUNCTION app_private.approval_condition_holds(p_fact jsonb, p_operator text, p_operand jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
  SELECT CASE
    WHEN p_fact IS NULL OR p_fact = 'null' THEN false
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
  'One chain condition: a fact compared with an operand (eq, ne, in, any, gt, gte, lt, lte); a missing fact never holds.';

CREATE OR REPLACE FUNCTION app_private.approval_chain_matches(p_conditions jsonb, p_facts jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
  SELECT coalesce(bool_and(app_private.approval_condition_holds(p_facts -> c.key, o.key, o.value)), true)
    FROM pg_catalog.jsonb_each(p_conditions) AS c, pg_catalog.jsonb_each(c.value) AS o
$$;

COMMENT ON FUNCTION app_private.approval_chain_matches(jsonb, jsonb) IS 'Do all conditions of a chain hold for the facts of a request? No conditions: yes.';

CREATE OR REPLACE FUNCTION app_private.tg_approval_chains__validate() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_facts text[];
  v_condition record;
  v_step jsonb;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  v_facts := ARRAY['quote_value', 'po_value', 'risk_flags', 'ctq_failures', 'rework_percent', 'slippage_days', 'priority',
                   'document_category'];
  PERFORM app_private.check_json_keys(NEW.conditions, 'conditions', v_facts);
  FOR v_condition IN SELECT c.key, c.value FROM jsonb_each(NEW.conditions) AS c LOOP
    IF jsonb_typeof(v_condition.value) <> 'object' OR v_condition.value = '{}' THEN
      PERFORM app_private.raise_invalid(format('conditions.%s must be an object of operators', v_condition.key),
                                        'e.g. {"quote_value": {"gte": 50000}}');
    END IF;
    PERFORM app_private.check_json_keys(v_condition.value, 'conditions.' || v_condition.key,
                                        ARRAY['eq', 'ne', 'in', 'any', 'gt', 'gte', 'lt', 'lte']);
    IF EXISTS (SELECT FROM jsonb_each(v_condition.value) AS o
                WHERE (o.key IN ('in', 'any') AND jsonb_typeof(o.value) <> 'array')
                   OR (o.key IN ('gt', 'gte', 'lt', 'lte') AND jsonb_typeof(o.value) <> 'number')) THEN
      PERFORM app_private.raise_invalid(format('conditions.%s: in and any take an array, gt/gte/lt/lte a number', v_condition.key), NULL);
    END IF;
  END LOOP;
  FOR v_step IN SELECT s FROM jsonb_array_elements(NEW.steps) AS s LOOP
    IF jsonb_typeof(v_step) <> 'object' OR (v_step ? 'role') = (v_step ? 'user_id') THEN
      PERFORM app_private.raise_invalid('each step names either a role or a user_id',
                                        'e.g. [{"role": "sales"}, {"user_id": "<uuid>"}]');
    END IF;
    PERFORM app_private.check_json_keys(v_step, 'step', ARRAY['role', 'user_id']);
    IF v_step ? 'role' THEN
      PERFORM app_private.check_role_keys(NEW.organization_id, ARRAY[v_step ->> 'role'], 'steps');
    ELSIF (v_step ->> 'user_id') !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
          OR NOT app_private.is_active_member(NEW.organization_id, (v_step ->> 'user_id')::uuid) THEN
      PERFORM app_private.raise_invalid(format('step user %s is not an active member of the organization', v_step ->> 'user_id'), NULL);
    END IF;
  END LOOP;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg_approval_chains__validate() IS 'BEFORE INSERT OR UPDATE: known facts and operators, steps naming a tenant role or an active member (PT422).';

CREATE OR REPLACE FUNCTION app_private.resolve_approver(p_organization_id uuid, p_step jsonb, p_requested_by uuid) RETURNS uuid
LANGUAGE plpgsql
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
  -- requester; management, then admins, stand in for a role nobody else holds.
  FOREACH v_role IN ARRAY ARRAY[p_step ->> 'role', 'management', 'admin'] LOOP
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
  RAISE EXCEPTION 'nobody but the requester can decide this approval: no other active member holds role %, management or admin',
                  p_step ->> 'role'
    USING ERRCODE = 'PT409', HINT = 'Grant the role to someone else (app.grant_role).';
END
$$;

COMMENT ON FUNCTION app_private.resolve_approver(uuid, jsonb, uuid) IS
  'The person who decides a chain step: the named user, else the holder of the step''s role with the fewest open approvals, never the requester nor anyone app_private.decide_refusal refuses (management, then admin, stand in). PT409 when nobody can.';

CREATE OR REPLACE FUNCTION app_private.sla_due_at(p_organization_id uuid, p_type app.approval_type, p_priority app.approval_priority)
RETURNS timestamptz
LANGUAGE sql STABLE
AS $$
  SELECT pg_catalog.now() + pg_catalog.make_interval(hours => coalesce(
    (SELECT sla_hours FROM app.approval_policies
      WHERE organization_id = p_organization_id AND approval_type = p_type AND priority = p_priority), 48))
$$;

COMMENT ON FUNCTION app_private.sla_due_at(uuid, app.approval_type, app.approval_priority) IS 'Now plus the SLA of the type and priority (48 h when no policy).';

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
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF NOT app_private.is_active_member(NEW.organization_id, NEW.backup_user_id) THEN
    PERFORM app_private.raise_invalid(format('backup %s is not an active member of the organization', NEW.backup_user_id),
                                      'Name a colleague as backup.');
  END IF;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg_approver_backups__validate() IS 'BEFORE INSERT OR UPDATE: the backup is an active member of the tenant (PT422).';

CREATE OR REPLACE TRIGGER _200_validate BEFORE INSERT OR UPDATE ON app.approver_backups
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_approver_backups__validate();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.approvals
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.approval_chains
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _200_validate BEFORE INSERT OR UPDATE OF conditions, steps ON app.approval_chains
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_approval_chains__validate();
CREATE OR REPLACE TRIGGER _100_append_only BEFORE UPDATE OR DELETE ON app.approval_history
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();
