-- The rules engine (migration platform/rules, docs/platform/rules.md):
-- tenant rules "event -> condition -> actions". A rule is checked when it
-- is saved (condition and actions, the author's authority); the trigger
-- _600_rules on app_private.events runs the tenant's active rules for each
-- event in the transaction that published it and logs every evaluation in
-- app.rule_runs. The condition language is in 74_conditions.sql.

CREATE OR REPLACE FUNCTION app_private.rule_event_type_matches(p_pattern text, p_event_type text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT p_pattern = '*' OR p_pattern = p_event_type
      OR (p_pattern LIKE '%.*' AND pg_catalog.starts_with(p_event_type, pg_catalog.left(p_pattern, -1)))
$$;
COMMENT ON FUNCTION app_private.rule_event_type_matches(text, text) IS
  'Does a rule''s event type (a type, a prefix wildcard such as project.*, or *) cover the event type?';

-- The entity type a rule's set_field actions change: the first part of its
-- event type (project.stage_changed -> project), the publishers' convention.
CREATE OR REPLACE FUNCTION app_private.rule_entity_type(p_pattern text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT nullif(pg_catalog.split_part(p_pattern, '.', 1), '*')
$$;
COMMENT ON FUNCTION app_private.rule_entity_type(text) IS
  'The entity type named by the first part of an event type (project.stage_changed -> project); NULL for *.';

-- Does a member hold a permission tenant-wide, as the rule author of a
-- set_field action must (whoever is signed in now)?
CREATE OR REPLACE FUNCTION app_private.member_holds_permission(p_organization_id uuid, p_user_id uuid, p_permission text)
  RETURNS boolean
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT EXISTS (
    SELECT FROM app.memberships AS m
      JOIN app.users AS u ON u.id = m.user_id AND u.status = 'active'
      JOIN app.role_assignments AS ra ON ra.organization_id = m.organization_id AND ra.membership_id = m.id AND ra.site_id IS NULL
      JOIN app.role_permissions AS rp ON rp.organization_id = ra.organization_id AND rp.role_id = ra.role_id
     WHERE m.organization_id = p_organization_id AND m.user_id = p_user_id AND m.status = 'active' AND m.partner_id IS NULL
       AND rp.permission = p_permission)
$$;
COMMENT ON FUNCTION app_private.member_holds_permission(uuid, uuid, text) IS
  'Is the user an active staff member of the tenant holding the permission through a tenant-wide role (not only at a site)?';

-- Registries ---------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.register_rule_action(p_kind text, p_description text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF pg_catalog.to_regprocedure(pg_catalog.format(
       'app_private.%I(text, app.rules, jsonb, app_private.events, text)', 'rule_action_' || p_kind)) IS NULL THEN
    RAISE EXCEPTION 'no function app_private.rule_action_%(text, app.rules, jsonb, app_private.events, text)', p_kind
      USING ERRCODE = 'PT422', DETAIL = 'rule_action.function_missing',
            HINT = 'Define the action''s function (modes check, plan, run) before registering its kind.';
  END IF;
  INSERT INTO app_private.rule_action_kinds (kind, description) VALUES (p_kind, p_description)
  ON CONFLICT (kind) DO UPDATE SET description = EXCLUDED.description;
END
$$;
COMMENT ON FUNCTION app_private.register_rule_action(text, text) IS
  'Registers a kind of rule action (one call in the domain''s repeatables): its function app_private.rule_action_<kind>(p_mode text, p_rule app.rules, p_action jsonb, p_event app_private.events, p_path text) RETURNS jsonb must exist (PT422 rule_action.function_missing).';

CREATE OR REPLACE FUNCTION app_private.register_rule_target(p_entity_type text, p_update_permission text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.entity_type_of(p_entity_type);
  INSERT INTO app_private.rule_targets (entity_type, update_permission) VALUES (p_entity_type, p_update_permission)
  ON CONFLICT (entity_type) DO UPDATE SET update_permission = EXCLUDED.update_permission;
END
$$;
COMMENT ON FUNCTION app_private.register_rule_target(text, text) IS
  'Lets rules'' set_field actions change a registered entity type (one call in the domain''s repeatables), for authors who hold the permission its UPDATE policy asks, tenant-wide.';

CREATE OR REPLACE FUNCTION app_private.rule_action(p_mode text, p_rule app.rules, p_action jsonb, p_event app_private.events,
                                                   p_path text) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_result jsonb;
BEGIN
  IF pg_catalog.jsonb_typeof(p_action) IS DISTINCT FROM 'object'
     OR NOT EXISTS (SELECT FROM app_private.rule_action_kinds AS k WHERE k.kind = p_action ->> 'kind') THEN
    RAISE EXCEPTION '%: an action is an object whose kind is one of: %', p_path,
        (SELECT pg_catalog.string_agg(k.kind, ', ' ORDER BY k.kind) FROM app_private.rule_action_kinds AS k)
      USING ERRCODE = 'PT422', DETAIL = 'rule.action_invalid', HINT = 'See docs/platform/rules.md "Actions".';
  END IF;
  EXECUTE pg_catalog.format('SELECT app_private.%I($1, $2, $3, $4, $5)', 'rule_action_' || (p_action ->> 'kind'))
     INTO v_result USING p_mode, p_rule, p_action, p_event, p_path;
  RETURN v_result;
END
$$;
COMMENT ON FUNCTION app_private.rule_action(text, app.rules, jsonb, app_private.events, text) IS
  'Dispatches one action of a rule to app_private.rule_action_<kind>: mode check (when the rule is saved; PT422 naming the path), plan (what it would do, for dry runs) or run (does it; returns what it did). PT422 rule.action_invalid for an unknown kind.';

CREATE OR REPLACE FUNCTION app_private.raise_action_invalid(p_path text, p_problem text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  RAISE EXCEPTION '%: %', p_path, p_problem USING ERRCODE = 'PT422', DETAIL = 'rule.action_invalid',
    HINT = 'See docs/platform/rules.md "Actions".';
END
$$;
COMMENT ON FUNCTION app_private.raise_action_invalid(text, text) IS
  'Refuses a rule action: PT422 rule.action_invalid, the message names its path (actions[0].roles[1]).';

-- {{new.stage}} in a text is replaced by that payload value, {{event_type}} by the event type.
CREATE OR REPLACE FUNCTION app_private.render_rule_text(p_text text, p_event app_private.events) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_text text := coalesce(p_text, '');
  v_name text;
BEGIN
  FOR v_name IN SELECT DISTINCT m[1] FROM pg_catalog.regexp_matches(v_text, '\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}', 'g') AS m LOOP
    v_text := pg_catalog.regexp_replace(v_text, '\{\{\s*' || pg_catalog.replace(v_name, '.', '\.') || '\s*\}\}',
      pg_catalog.replace(CASE WHEN v_name = 'event_type' THEN p_event.event_type
                              ELSE coalesce(p_event.payload #>> pg_catalog.string_to_array(v_name, '.'), '') END, '\', '\\'),
      'g');
  END LOOP;
  RETURN v_text;
END
$$;
COMMENT ON FUNCTION app_private.render_rule_text(text, app_private.events) IS
  'A notification text of a rule with {{payload.path}} replaced by the event''s payload value (empty when missing) and {{event_type}} by its type.';

-- Action notify ------------------------------------------------------------
-- {"kind": "notify", "users": [uuid], "roles": ["qa"], "title": "...", "message": "...", "priority": "high"}

CREATE OR REPLACE FUNCTION app_private.rule_action_notify(p_mode text, p_rule app.rules, p_action jsonb,
                                                          p_event app_private.events, p_path text) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_users jsonb := coalesce(p_action -> 'users', '[]');
  v_roles jsonb := coalesce(p_action -> 'roles', '[]');
  v_index integer;
  v_recipients uuid[];
  v_title text;
  v_message text;
  v_sent integer;
BEGIN
  IF p_mode = 'check' THEN
    PERFORM app_private.check_json_keys(p_action, p_path, ARRAY['kind', 'users', 'roles', 'title', 'message', 'priority']);
    IF pg_catalog.jsonb_typeof(v_users) <> 'array' OR pg_catalog.jsonb_typeof(v_roles) <> 'array'
       OR pg_catalog.jsonb_array_length(v_users) + pg_catalog.jsonb_array_length(v_roles) NOT BETWEEN 1 AND 100 THEN
      PERFORM app_private.raise_action_invalid(p_path, 'notify names 1 to 100 recipients in users (ids) and roles (keys)');
    END IF;
    FOR v_index IN 0 .. pg_catalog.jsonb_array_length(v_users) - 1 LOOP
      IF (v_users ->> v_index) !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
         OR NOT app_private.is_active_member(p_rule.organization_id, (v_users ->> v_index)::uuid) THEN
        PERFORM app_private.raise_action_invalid(pg_catalog.format('%s.users[%s]', p_path, v_index),
                                                 'not an active member of the organization');
      END IF;
    END LOOP;
    FOR v_index IN 0 .. pg_catalog.jsonb_array_length(v_roles) - 1 LOOP
      IF NOT EXISTS (SELECT FROM app.roles AS r WHERE r.organization_id = p_rule.organization_id AND r.key = v_roles ->> v_index) THEN
        PERFORM app_private.raise_action_invalid(pg_catalog.format('%s.roles[%s]', p_path, v_index),
                                                 'not a role of the organization');
      END IF;
    END LOOP;
    IF pg_catalog.jsonb_typeof(p_action -> 'title') IS DISTINCT FROM 'string' OR length(btrim(p_action ->> 'title')) NOT BETWEEN 1 AND 200 THEN
      PERFORM app_private.raise_action_invalid(p_path || '.title', 'a title of 1 to 200 characters is required');
    END IF;
    IF p_action ? 'message' AND (pg_catalog.jsonb_typeof(p_action -> 'message') <> 'string' OR length(p_action ->> 'message') > 2000) THEN
      PERFORM app_private.raise_action_invalid(p_path || '.message', 'a message is text of at most 2000 characters');
    END IF;
    IF p_action ? 'priority' AND NOT coalesce(p_action ->> 'priority', '') = ANY (pg_catalog.enum_range(NULL::app.priority_level)::text[]) THEN
      PERFORM app_private.raise_action_invalid(p_path || '.priority', 'one of low, normal, high, urgent');
    END IF;
    RETURN NULL;
  END IF;

  v_recipients := ARRAY(SELECT DISTINCT u FROM (
      SELECT (e #>> '{}')::uuid AS u FROM pg_catalog.jsonb_array_elements(v_users) AS e
      UNION SELECT unnest(app_private.role_holders(p_rule.organization_id,
                                                   ARRAY(SELECT pg_catalog.jsonb_array_elements_text(v_roles))))) AS r
    ORDER BY u);
  v_title := app_private.render_rule_text(p_action ->> 'title', p_event);
  v_message := app_private.render_rule_text(p_action ->> 'message', p_event);
  IF p_mode = 'plan' THEN
    RETURN pg_catalog.jsonb_build_object('kind', 'notify', 'recipients', pg_catalog.to_jsonb(v_recipients),
                                         'title', v_title, 'message', v_message);
  END IF;
  v_sent := app_private.notify(p_rule.organization_id, v_recipients, 'system', v_title, v_message,
                               coalesce(p_action ->> 'priority', 'normal')::app.priority_level,
                               CASE WHEN p_event.entity_type = 'project' THEN p_event.entity_id END,
                               p_event.entity_type, p_event.entity_id);
  RETURN pg_catalog.jsonb_build_object('kind', 'notify', 'recipients', pg_catalog.to_jsonb(v_recipients), 'sent', v_sent);
END
$$;
COMMENT ON FUNCTION app_private.rule_action_notify(text, app.rules, jsonb, app_private.events, text) IS
  'Rule action notify: a notification (type system) to the users and the holders of the roles named, through app_private.notify (only staff who may read the record get one); {{payload.path}} in title and message is filled from the event.';

-- Action set_field ---------------------------------------------------------
-- {"kind": "set_field", "field": "priority" | "custom_fields.<key>", "value": <json>}
-- An UPDATE of the event's entity, so the table's triggers, constraints and
-- validations apply; with the rule author's authority: the author must hold
-- the target's update permission tenant-wide when saving and on every run,
-- and the change is made (and audited) in the author's name.

CREATE OR REPLACE FUNCTION app_private.rule_action_set_field(p_mode text, p_rule app.rules, p_action jsonb,
                                                             p_event app_private.events, p_path text) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_entity_type text := app_private.rule_entity_type(p_rule.event_type);
  v_target app_private.rule_targets;
  v_table regclass;
  v_field text := p_action ->> 'field';
  v_column text := pg_catalog.split_part(p_action ->> 'field', '.', 1);
  v_key text := nullif(pg_catalog.substr(p_action ->> 'field', length(pg_catalog.split_part(p_action ->> 'field', '.', 1)) + 2), '');
  v_claims text;
  v_count integer;
BEGIN
  SELECT * INTO v_target FROM app_private.rule_targets AS t WHERE t.entity_type = v_entity_type;
  v_table := (SELECT t.table_name FROM app_private.entity_types AS t WHERE t.entity_type = v_entity_type);

  IF p_mode = 'check' THEN
    PERFORM app_private.check_json_keys(p_action, p_path, ARRAY['kind', 'field', 'value']);
    IF v_target IS NULL THEN
      PERFORM app_private.raise_action_invalid(p_path, pg_catalog.format(
        'set_field changes the entity of the event, so the rule''s event type must start with an entity type rules may change (%s)',
        coalesce((SELECT pg_catalog.string_agg(t.entity_type || '.*', ', ' ORDER BY t.entity_type) FROM app_private.rule_targets AS t), 'none')));
    END IF;
    IF NOT p_action ? 'value' THEN
      PERFORM app_private.raise_action_invalid(p_path || '.value', 'set_field needs a value (null clears the field)');
    END IF;
    IF v_field IS NULL OR v_column IN ('organization_id', 'id')
       OR NOT EXISTS (SELECT FROM pg_catalog.pg_attribute AS a WHERE a.attrelid = v_table AND a.attname = v_column AND NOT a.attisdropped)
       OR NOT pg_catalog.has_column_privilege('app_user', v_table, v_column, 'UPDATE')
       OR (v_key IS NULL) = (v_column = 'custom_fields')
       OR (v_key IS NOT NULL AND v_key !~ '^[a-z][a-z0-9_]{0,62}$') THEN
      PERFORM app_private.raise_action_invalid(p_path || '.field', pg_catalog.format(
        'not a field people may change on %s (a column they may update, or custom_fields.<key>)', v_entity_type));
    END IF;
    -- The author's authority, recorded with the rule (author_id) and asked again on every run.
    PERFORM app_private.require_permission(v_target.update_permission);
    RETURN NULL;
  END IF;

  IF p_mode = 'plan' THEN
    RETURN pg_catalog.jsonb_build_object('kind', 'set_field', 'entity_type', p_event.entity_type, 'entity_id', p_event.entity_id,
      'field', v_field, 'value', p_action -> 'value',
      'author_allowed', app_private.member_holds_permission(p_rule.organization_id, p_rule.author_id, v_target.update_permission));
  END IF;

  IF NOT app_private.member_holds_permission(p_rule.organization_id, p_rule.author_id, v_target.update_permission) THEN
    RAISE EXCEPTION 'the rule''s author no longer holds % tenant-wide', v_target.update_permission
      USING ERRCODE = 'PT403', DETAIL = 'rule.author_not_allowed',
            HINT = 'Someone who holds it saves the rule again (and becomes its author), or the rule is deactivated.';
  END IF;
  IF p_event.entity_type IS DISTINCT FROM v_entity_type THEN
    RAISE EXCEPTION 'the event is not about a % (set_field changes the event''s entity)', v_entity_type
      USING ERRCODE = 'PT422', DETAIL = 'rule.event_without_entity',
            HINT = 'Publishers name the entity of an event (entity_type, entity_id) of type <entity_type>.<what>.';
  END IF;

  -- The change is the author's: the table's triggers and audit see them as the caller.
  v_claims := pg_catalog.current_setting('request.jwt.claims', true);
  PERFORM pg_catalog.set_config('request.jwt.claims', pg_catalog.jsonb_build_object(
    'sub', p_rule.author_id, 'org_id', p_rule.organization_id, 'role', 'app_user')::text, true);
  IF v_key IS NULL THEN
    EXECUTE pg_catalog.format(
      'UPDATE %1$s AS t SET %2$I = (pg_catalog.jsonb_populate_record(NULL::%1$s, $3)).%2$I WHERE t.organization_id = $1 AND t.id = $2',
      v_table, v_column)
      USING p_event.organization_id, p_event.entity_id, pg_catalog.jsonb_build_object(v_column, p_action -> 'value');
  ELSE
    EXECUTE pg_catalog.format(
      'UPDATE %1$s AS t SET custom_fields = CASE WHEN $4 = ''null'' THEN t.custom_fields - $3 ELSE t.custom_fields || pg_catalog.jsonb_build_object($3, $4) END'
      ' WHERE t.organization_id = $1 AND t.id = $2', v_table)
      USING p_event.organization_id, p_event.entity_id, v_key, p_action -> 'value';
  END IF;
  GET DIAGNOSTICS v_count = ROW_COUNT;
  PERFORM pg_catalog.set_config('request.jwt.claims', coalesce(v_claims, ''), true);
  IF v_count = 0 THEN
    RAISE EXCEPTION '% not found', v_entity_type USING ERRCODE = 'PT404', DETAIL = 'entity.not_found',
      HINT = 'The event''s entity no longer exists.';
  END IF;
  RETURN pg_catalog.jsonb_build_object('kind', 'set_field', 'entity_type', p_event.entity_type, 'entity_id', p_event.entity_id,
                                       'field', v_field, 'value', p_action -> 'value');
END
$$;
COMMENT ON FUNCTION app_private.rule_action_set_field(text, app.rules, jsonb, app_private.events, text) IS
  'Rule action set_field: an UPDATE of one column people may update (or one custom_fields key) of the event''s entity, in the name of the rule''s author, who must hold the target''s update permission tenant-wide when saving (PT403 permission.missing) and on every run (PT403 rule.author_not_allowed); the table''s own triggers, constraints and validations apply.';

-- Action webhook -----------------------------------------------------------
-- {"kind": "webhook", "event_type": "rule.<name>" (default rule.<rule key>), "data": {...}}
-- Publishes an event, one level deeper; the webhook block delivers it to
-- the endpoints subscribed to its type.

CREATE OR REPLACE FUNCTION app_private.rule_action_webhook(p_mode text, p_rule app.rules, p_action jsonb,
                                                           p_event app_private.events, p_path text) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_type text := coalesce(p_action ->> 'event_type', 'rule.' || p_rule.key);
  v_payload jsonb;
BEGIN
  IF p_mode = 'check' THEN
    PERFORM app_private.check_json_keys(p_action, p_path, ARRAY['kind', 'event_type', 'data']);
    IF p_action ? 'event_type' AND (pg_catalog.jsonb_typeof(p_action -> 'event_type') <> 'string'
       OR v_type !~ '^rule(\.[a-z][a-z0-9_]*)+$' OR length(v_type) > 100) THEN
      PERFORM app_private.raise_action_invalid(p_path || '.event_type', 'rules publish event types rule.<name> (the domains own the others)');
    END IF;
    IF p_action ? 'data' AND (pg_catalog.jsonb_typeof(p_action -> 'data') <> 'object' OR octet_length((p_action -> 'data')::text) > 8192) THEN
      PERFORM app_private.raise_action_invalid(p_path || '.data', 'data is a JSON object of at most 8 KiB');
    END IF;
    RETURN NULL;
  END IF;

  v_payload := pg_catalog.jsonb_build_object(
    'rule', p_rule.key, 'rule_id', p_rule.id,
    'source_event', pg_catalog.jsonb_build_object('id', p_event.id, 'event_type', p_event.event_type, 'depth', p_event.depth),
    'payload', p_event.payload, 'data', coalesce(p_action -> 'data', '{}'));
  IF p_mode = 'plan' THEN
    RETURN pg_catalog.jsonb_build_object('kind', 'webhook', 'event_type', v_type, 'depth', p_event.depth + 1, 'payload', v_payload);
  END IF;
  RETURN pg_catalog.jsonb_build_object('kind', 'webhook', 'event_type', v_type, 'event_id',
    app_private.publish_event(p_event.organization_id, v_type, v_payload, p_event.entity_type, p_event.entity_id, p_event.depth + 1));
END
$$;
COMMENT ON FUNCTION app_private.rule_action_webhook(text, app.rules, jsonb, app_private.events, text) IS
  'Rule action webhook: publishes the event rule.<rule key> (or the rule.<name> given) about the same entity, one level deeper, with the rule, the source event, its payload and the action''s data; the webhook block delivers it.';

SELECT app_private.register_rule_action('notify', 'Notify people and role holders (users, roles, title, message, priority)');
SELECT app_private.register_rule_action('set_field', 'Set a field of the event''s entity in the name of the rule''s author (field, value)');
SELECT app_private.register_rule_action('webhook', 'Publish an event rule.<name> that webhooks deliver (event_type, data)');

-- Saving a rule ------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.tg_rules__validate() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_index integer;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  -- The author is whoever saves the rule; the owner's own path (seeds) names one.
  NEW.author_id := coalesce(auth.user_id(), NEW.author_id);
  PERFORM app_private.check_rule_condition(NEW.condition);
  IF pg_catalog.jsonb_typeof(NEW.actions) IS DISTINCT FROM 'array' OR pg_catalog.jsonb_array_length(NEW.actions) NOT BETWEEN 1 AND 20 THEN
    PERFORM app_private.raise_action_invalid('actions', 'an array of 1 to 20 actions');
  END IF;
  FOR v_index IN 0 .. pg_catalog.jsonb_array_length(NEW.actions) - 1 LOOP
    PERFORM app_private.rule_action('check', NEW, NEW.actions -> v_index, NULL, pg_catalog.format('actions[%s]', v_index));
  END LOOP;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_rules__validate() IS
  'BEFORE INSERT OR UPDATE: the saver becomes the rule''s author; the condition and every action are checked (PT422 rule.condition_invalid, rule.action_invalid, input.unknown_key naming the path), with the author''s authority for set_field (PT403 permission.missing).';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.rules
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _200_validate BEFORE INSERT OR UPDATE ON app.rules
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_rules__validate();

-- Running rules ------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.run_rule(p_rule app.rules, p_event app_private.events, p_max_depth integer) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_done jsonb := '[]';
  v_index integer;
  v_current integer;  -- the action running (a FOR variable is gone after the loop)
  v_context bigint;
  v_state text;
  v_reason text;
  v_message text;
BEGIN
  IF NOT app_private.rule_condition_holds(p_rule.condition, p_event.payload) THEN
    INSERT INTO app.rule_runs (organization_id, id, rule_id, event_id, event_type, event_depth, matched, status)
    VALUES (p_event.organization_id, public.uuid_generate_v7(), p_rule.id, p_event.id, p_event.event_type, p_event.depth, false, 'not_matched');
    RETURN;
  END IF;
  IF p_event.depth >= p_max_depth THEN
    INSERT INTO app.rule_runs (organization_id, id, rule_id, event_id, event_type, event_depth, matched, status)
    VALUES (p_event.organization_id, public.uuid_generate_v7(), p_rule.id, p_event.id, p_event.event_type, p_event.depth, true, 'depth_limit');
    RETURN;
  END IF;

  -- All of a rule's actions or none: a failure rolls back this rule's
  -- actions only, is logged, and the change that published the event goes on.
  BEGIN
    -- Events the actions cause (their own, or the domains' through set_field) are one level deeper.
    INSERT INTO app_private.rule_contexts (xact_id, depth) VALUES (pg_catalog.pg_current_xact_id(), p_event.depth + 1)
    RETURNING id INTO v_context;
    FOR v_index IN 0 .. pg_catalog.jsonb_array_length(p_rule.actions) - 1 LOOP
      v_current := v_index;
      v_done := v_done || pg_catalog.jsonb_build_array(app_private.rule_action(
        'run', p_rule, p_rule.actions -> v_index, p_event, pg_catalog.format('actions[%s]', v_index)));
    END LOOP;
    DELETE FROM app_private.rule_contexts WHERE id = v_context;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_reason = PG_EXCEPTION_DETAIL, v_message = MESSAGE_TEXT;
    INSERT INTO app.rule_runs (organization_id, id, rule_id, event_id, event_type, event_depth, matched, status, error)
    VALUES (p_event.organization_id, public.uuid_generate_v7(), p_rule.id, p_event.id, p_event.event_type, p_event.depth, true, 'failed',
            pg_catalog.jsonb_build_object('action', v_current, 'kind', p_rule.actions -> v_current ->> 'kind',
                                          'sqlstate', v_state, 'reason', nullif(v_reason, ''), 'message', v_message));
    RETURN;
  END;
  INSERT INTO app.rule_runs (organization_id, id, rule_id, event_id, event_type, event_depth, matched, status, actions)
  VALUES (p_event.organization_id, public.uuid_generate_v7(), p_rule.id, p_event.id, p_event.event_type, p_event.depth, true, 'done', v_done);
END
$$;
COMMENT ON FUNCTION app_private.run_rule(app.rules, app_private.events, integer) IS
  'Evaluates one rule on one event and logs it in app.rule_runs: not_matched; depth_limit (the event is at the platform''s max depth: no action); done; or failed (every action of the rule rolled back, the error logged, the publishing change goes on).';

CREATE OR REPLACE FUNCTION app_private.tg_events__rules() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_rule app.rules;
  v_max_depth integer := coalesce((SELECT s.max_depth FROM app_private.rule_settings AS s), 5);
BEGIN
  FOR v_rule IN
    SELECT * FROM app.rules AS r
     WHERE r.organization_id = NEW.organization_id AND r.is_active
       AND app_private.rule_event_type_matches(r.event_type, NEW.event_type)
     ORDER BY r.key
  LOOP
    PERFORM app_private.run_rule(v_rule, NEW, v_max_depth);
  END LOOP;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_events__rules() IS
  'AFTER INSERT on app_private.events: runs the event''s tenant''s active rules for its type, in key order, in the publishing transaction (app_private.run_rule).';

CREATE OR REPLACE TRIGGER _600_rules AFTER INSERT ON app_private.events
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_events__rules();

CREATE OR REPLACE FUNCTION app_private.purge_rule_runs(p_as_of timestamptz DEFAULT pg_catalog.now()) RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_count integer;
BEGIN
  DELETE FROM app.rule_runs AS r
   WHERE r.ran_at < p_as_of - pg_catalog.make_interval(days => (SELECT s.run_retention_days FROM app_private.rule_settings AS s));
  GET DIAGNOSTICS v_count = ROW_COUNT;
  RETURN v_count;
END
$$;
COMMENT ON FUNCTION app_private.purge_rule_runs(timestamptz) IS
  'The job purge-rule-runs: deletes rule runs older than rule_settings.run_retention_days (as of p_as_of); returns how many.';

-- Dry run --------------------------------------------------------------------

CREATE OR REPLACE FUNCTION app.dry_run_rules(event_type text, payload jsonb DEFAULT '{}', entity_type text DEFAULT NULL,
                                             entity_id uuid DEFAULT NULL)
  RETURNS TABLE (rule_id uuid, rule_key text, rule_name text, is_active boolean, matched boolean, would_fire boolean, actions jsonb)
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_event app_private.events;
  v_rule app.rules;
  v_plans jsonb;
  v_index integer;
  v_max_depth integer := coalesce((SELECT s.max_depth FROM app_private.rule_settings AS s), 5);
BEGIN
  PERFORM app_private.require_permission('rule.manage');
  IF auth.org_id() IS NULL THEN
    RAISE EXCEPTION 'no active organization' USING ERRCODE = 'PT400', DETAIL = 'organization.not_chosen',
      HINT = 'Switch to an organization first.';
  END IF;
  IF dry_run_rules.event_type IS NULL OR dry_run_rules.event_type !~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$' THEN
    PERFORM app_private.raise_invalid('rule.event_type_invalid', 'event_type is a dotted event type such as project.stage_changed',
                                      'Name one event type, without wildcards.');
  END IF;
  IF pg_catalog.jsonb_typeof(dry_run_rules.payload) IS DISTINCT FROM 'object' THEN
    PERFORM app_private.raise_invalid('rule.payload_not_object', 'payload is a JSON object', 'Send the payload the event would carry.');
  END IF;
  IF dry_run_rules.entity_id IS NOT NULL THEN
    PERFORM app_private.entity_type_of(dry_run_rules.entity_type);
    IF NOT EXISTS (SELECT FROM app_private.entities AS e WHERE e.organization_id = auth.org_id() AND e.id = dry_run_rules.entity_id
                      AND e.entity_type = dry_run_rules.entity_type) THEN
      RAISE EXCEPTION '% not found', dry_run_rules.entity_type USING ERRCODE = 'PT404', DETAIL = 'entity.not_found',
        HINT = 'The entity does not exist in your active tenant.';
    END IF;
  END IF;
  v_event := ROW(auth.org_id(), public.uuid_generate_v7(), dry_run_rules.event_type, dry_run_rules.entity_type,
                 dry_run_rules.entity_id, dry_run_rules.payload, auth.user_id(), 0, pg_catalog.now())::app_private.events;

  FOR v_rule IN
    SELECT * FROM app.rules AS r
     WHERE r.organization_id = auth.org_id() AND app_private.rule_event_type_matches(r.event_type, v_event.event_type)
     ORDER BY r.key
  LOOP
    rule_id := v_rule.id;
    rule_key := v_rule.key;
    rule_name := v_rule.name;
    is_active := v_rule.is_active;
    matched := app_private.rule_condition_holds(v_rule.condition, v_event.payload);
    would_fire := is_active AND matched AND v_event.depth < v_max_depth;
    v_plans := '[]';
    IF matched THEN
      FOR v_index IN 0 .. pg_catalog.jsonb_array_length(v_rule.actions) - 1 LOOP
        v_plans := v_plans || pg_catalog.jsonb_build_array(app_private.rule_action(
          'plan', v_rule, v_rule.actions -> v_index, v_event, pg_catalog.format('actions[%s]', v_index)));
      END LOOP;
    END IF;
    actions := v_plans;
    RETURN NEXT;
  END LOOP;
END
$$;
COMMENT ON FUNCTION app.dry_run_rules(text, jsonb, text, uuid) IS
  E'Dry run of rules\nWhich of your tenant''s rules an event of this type with this payload (about this entity, optionally) would fire, and what each action would do (recipients, field and value, event published), without doing it. Needs rule.manage. Errors: PT403 permission.missing, PT422 rule.event_type_invalid, rule.payload_not_object, entity_type.unknown, PT404 entity.not_found.';
