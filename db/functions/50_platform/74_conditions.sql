-- The condition language of rules (docs/platform/rules.md "Conditions"):
-- a JSON tree over an event payload, checked when a rule is saved and
-- evaluated in SQL when an event is published.
--
--   node     := {}                                  always holds
--             | {"all": [node, ...]}                every node holds ([] holds)
--             | {"any": [node, ...]}                one node holds ([] does not)
--             | {"not": node}
--             | {"field": path, op: operand}        one operator per node
--   path     := key("." key)*                       into the payload; a number indexes an array
--   op       := eq | ne | gt | gte | lt | lte | in | exists | contains | changed_to | changed
--
-- changed_to and changed read a change event's payload.old.<path> and
-- payload.new.<path> (the publishers' convention for changes).

CREATE OR REPLACE FUNCTION app_private.rule_condition_operators() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT ARRAY['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'exists', 'contains', 'changed_to', 'changed']
$$;
COMMENT ON FUNCTION app_private.rule_condition_operators() IS 'The field operators of the rule condition language.';

CREATE OR REPLACE FUNCTION app_private.raise_condition_invalid(p_path text, p_problem text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  RAISE EXCEPTION '%: %', p_path, p_problem USING ERRCODE = 'PT422', DETAIL = 'rule.condition_invalid',
    HINT = 'A node is {}, {"all": [...]}, {"any": [...]}, {"not": {...}} or {"field": "new.stage", "<operator>": value}; see docs/platform/rules.md.';
END
$$;
COMMENT ON FUNCTION app_private.raise_condition_invalid(text, text) IS
  'Refuses a rule condition: PT422 rule.condition_invalid, the message names the path of the bad node (condition.all[1].in).';

CREATE OR REPLACE FUNCTION app_private.check_rule_condition(p_node jsonb, p_path text DEFAULT 'condition', p_level integer DEFAULT 0)
  RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_keys text[];
  v_op text;
  v_operand jsonb;
  v_index integer;
BEGIN
  IF p_level > 20 THEN
    PERFORM app_private.raise_condition_invalid(p_path, 'conditions nest at most 20 levels deep');
  END IF;
  IF p_node IS NULL OR pg_catalog.jsonb_typeof(p_node) <> 'object' THEN
    PERFORM app_private.raise_condition_invalid(p_path, 'a condition is a JSON object');
  END IF;
  v_keys := ARRAY(SELECT k FROM pg_catalog.jsonb_object_keys(p_node) AS k ORDER BY k);
  IF v_keys = '{}' THEN
    RETURN;
  END IF;

  IF v_keys IN (ARRAY['all'], ARRAY['any']) THEN
    IF pg_catalog.jsonb_typeof(p_node -> v_keys[1]) <> 'array' OR pg_catalog.jsonb_array_length(p_node -> v_keys[1]) > 100 THEN
      PERFORM app_private.raise_condition_invalid(p_path || '.' || v_keys[1], 'takes an array of at most 100 conditions');
    END IF;
    FOR v_index IN 0 .. pg_catalog.jsonb_array_length(p_node -> v_keys[1]) - 1 LOOP
      PERFORM app_private.check_rule_condition(p_node -> v_keys[1] -> v_index,
                                               pg_catalog.format('%s.%s[%s]', p_path, v_keys[1], v_index), p_level + 1);
    END LOOP;
    RETURN;
  END IF;
  IF v_keys = ARRAY['not'] THEN
    PERFORM app_private.check_rule_condition(p_node -> 'not', p_path || '.not', p_level + 1);
    RETURN;
  END IF;

  IF NOT 'field' = ANY (v_keys) THEN
    PERFORM app_private.raise_condition_invalid(p_path, pg_catalog.format(
      'unknown combinator %s (all, any, not, or a field with one operator)', pg_catalog.array_to_string(v_keys, ', ')));
  END IF;
  IF pg_catalog.jsonb_typeof(p_node -> 'field') <> 'string'
     OR NOT (p_node ->> 'field') ~ '^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){0,15}$' OR length(p_node ->> 'field') > 200 THEN
    PERFORM app_private.raise_condition_invalid(p_path || '.field', 'a field is a dotted path into the payload (new.stage, items.0.sku)');
  END IF;
  IF pg_catalog.cardinality(v_keys) <> 2 THEN
    PERFORM app_private.raise_condition_invalid(p_path, 'a field node has exactly one operator');
  END IF;
  v_op := (SELECT k FROM unnest(v_keys) AS k WHERE k <> 'field');
  v_operand := p_node -> v_op;
  IF NOT v_op = ANY (app_private.rule_condition_operators()) THEN
    PERFORM app_private.raise_condition_invalid(p_path || '.' || v_op, pg_catalog.format(
      'unknown operator (one of %s)', pg_catalog.array_to_string(app_private.rule_condition_operators(), ', ')));
  END IF;
  IF pg_catalog.jsonb_typeof(v_operand) = 'null' THEN
    PERFORM app_private.raise_condition_invalid(p_path || '.' || v_op, 'the operand is not null (test a missing field with exists: false)');
  END IF;
  IF v_op IN ('gt', 'gte', 'lt', 'lte') AND pg_catalog.jsonb_typeof(v_operand) NOT IN ('number', 'string') THEN
    PERFORM app_private.raise_condition_invalid(p_path || '.' || v_op, 'compares with a number, a string or a date');
  ELSIF v_op = 'in' AND (pg_catalog.jsonb_typeof(v_operand) <> 'array' OR pg_catalog.jsonb_array_length(v_operand) NOT BETWEEN 1 AND 1000
                         OR EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(v_operand) AS e
                                     WHERE pg_catalog.jsonb_typeof(e) IN ('object', 'array', 'null'))) THEN
    PERFORM app_private.raise_condition_invalid(p_path || '.in', 'takes an array of 1 to 1000 numbers, strings or booleans');
  ELSIF v_op IN ('exists', 'changed') AND pg_catalog.jsonb_typeof(v_operand) <> 'boolean' THEN
    PERFORM app_private.raise_condition_invalid(p_path || '.' || v_op, 'takes true or false');
  ELSIF v_op = 'changed_to' AND pg_catalog.jsonb_typeof(v_operand) IN ('object', 'array') THEN
    PERFORM app_private.raise_condition_invalid(p_path || '.changed_to', 'takes a number, a string or a boolean');
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.check_rule_condition(jsonb, text, integer) IS
  'Checks a rule condition node and its children (PT422 rule.condition_invalid naming the path of the first bad node).';

-- -1, 0, 1, or NULL when the two values cannot be compared: numbers as
-- numbers, strings that both read as dates or times as times, other strings
-- as text (byte order), booleans, arrays and objects only for equality.
CREATE OR REPLACE FUNCTION app_private.rule_compare(p_value jsonb, p_operand jsonb) RETURNS integer
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
  v_left timestamptz;
  v_right timestamptz;
  c_time constant text := '^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$';
BEGIN
  IF p_value IS NULL OR pg_catalog.jsonb_typeof(p_value) <> pg_catalog.jsonb_typeof(p_operand) THEN
    RETURN NULL;
  END IF;
  CASE pg_catalog.jsonb_typeof(p_value)
  WHEN 'number' THEN
    RETURN pg_catalog.sign((p_value #>> '{}')::numeric - (p_operand #>> '{}')::numeric)::integer;
  WHEN 'string' THEN
    IF (p_value #>> '{}') ~ c_time AND (p_operand #>> '{}') ~ c_time THEN
      BEGIN
        v_left := (p_value #>> '{}')::timestamptz;
        v_right := (p_operand #>> '{}')::timestamptz;
      EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
        RETURN NULL;
      END;
      RETURN CASE WHEN v_left < v_right THEN -1 WHEN v_left > v_right THEN 1 ELSE 0 END;
    END IF;
    RETURN CASE WHEN (p_value #>> '{}') COLLATE "C" < (p_operand #>> '{}') COLLATE "C" THEN -1
                WHEN (p_value #>> '{}') = (p_operand #>> '{}') THEN 0 ELSE 1 END;
  ELSE
    RETURN CASE WHEN p_value = p_operand THEN 0 END;
  END CASE;
END
$$;
COMMENT ON FUNCTION app_private.rule_compare(jsonb, jsonb) IS
  'Orders a payload value against an operand for the condition language: numbers numerically, two date/time strings as times (session time zone for times without an offset), other strings by bytes; booleans, arrays and objects only equal or not; NULL when the types differ or the value is missing.';

CREATE OR REPLACE FUNCTION app_private.rule_condition_holds(p_node jsonb, p_payload jsonb) RETURNS boolean
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
  v_op text;
  v_operand jsonb;
  v_path text[];
  v_value jsonb;
  v_old jsonb;
BEGIN
  IF p_node ? 'all' THEN
    RETURN NOT EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(p_node -> 'all') AS c
                        WHERE NOT app_private.rule_condition_holds(c, p_payload));
  ELSIF p_node ? 'any' THEN
    RETURN EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(p_node -> 'any') AS c
                    WHERE app_private.rule_condition_holds(c, p_payload));
  ELSIF p_node ? 'not' THEN
    RETURN NOT app_private.rule_condition_holds(p_node -> 'not', p_payload);
  ELSIF NOT p_node ? 'field' THEN
    RETURN true;
  END IF;

  v_op := (SELECT k FROM pg_catalog.jsonb_object_keys(p_node) AS k WHERE k <> 'field');
  v_operand := p_node -> v_op;
  v_path := pg_catalog.string_to_array(p_node ->> 'field', '.');
  IF v_op IN ('changed_to', 'changed') THEN
    v_value := p_payload -> 'new' #> v_path;
    v_old := p_payload -> 'old' #> v_path;
  ELSE
    v_value := p_payload #> v_path;
  END IF;
  IF v_value = 'null' THEN
    v_value := NULL;
  END IF;
  IF v_old = 'null' THEN
    v_old := NULL;
  END IF;

  RETURN CASE v_op
    WHEN 'eq' THEN coalesce(app_private.rule_compare(v_value, v_operand) = 0, false)
    WHEN 'ne' THEN coalesce(app_private.rule_compare(v_value, v_operand) <> 0, true)
    WHEN 'gt' THEN coalesce(app_private.rule_compare(v_value, v_operand) > 0, false)
    WHEN 'gte' THEN coalesce(app_private.rule_compare(v_value, v_operand) >= 0, false)
    WHEN 'lt' THEN coalesce(app_private.rule_compare(v_value, v_operand) < 0, false)
    WHEN 'lte' THEN coalesce(app_private.rule_compare(v_value, v_operand) <= 0, false)
    WHEN 'in' THEN EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(v_operand) AS e
                            WHERE app_private.rule_compare(v_value, e) = 0)
    WHEN 'exists' THEN (v_value IS NOT NULL) = (v_operand = 'true')
    WHEN 'contains' THEN coalesce(pg_catalog.jsonb_typeof(v_value) = 'array'
                                  AND v_value @> CASE WHEN pg_catalog.jsonb_typeof(v_operand) = 'array' THEN v_operand
                                                      ELSE pg_catalog.jsonb_build_array(v_operand) END, false)
    WHEN 'changed_to' THEN coalesce(app_private.rule_compare(v_value, v_operand) = 0, false)
                           AND coalesce(app_private.rule_compare(v_old, v_operand) <> 0, true)
    WHEN 'changed' THEN (v_value IS DISTINCT FROM v_old) = (v_operand = 'true')
  END;
END
$$;
COMMENT ON FUNCTION app_private.rule_condition_holds(jsonb, jsonb) IS
  'Does a (checked) rule condition hold for an event payload? A missing or null field makes every comparison false except ne (true) and exists: false; changed_to and changed read payload.old and payload.new.';
