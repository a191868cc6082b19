-- Custom fields (migration platform/custom_fields): definitions per tenant
-- and entity type, values on the entity row (custom_fields jsonb, keyed by
-- field code), checked on every write that touches them.
--
-- What a write is checked against (docs/platform/custom-fields.md):
-- * INSERT: every value present, against the tenant's active definitions;
--   a required field must be present (unless the entity type was enabled
--   with p_required_on_insert => false, for entities created by RPCs that
--   take no custom fields).
-- * UPDATE: only the fields whose value changes (added, changed or removed).
--   An update that leaves custom_fields as it was is not checked at all, and
--   an unchanged value is never re-checked: a stricter definition applies on
--   the next write that touches the field. A required value cannot be removed.
-- * null values are removed (sending null clears a field).
-- app.custom_field_violations lists stored values that break the current
-- definitions.

-- One value against one definition: NULL reason and the value as stored
-- (numbers converted to the field's unit, dates normalised), or the reason
-- code and a message. Runs inside auth.custom_field_check (owner's rights).
-- No SET search_path: it is called once per value, a function-level setting
-- costs a configuration save and restore per call, and every name in it is
-- schema-qualified (its callers run with search_path '').
CREATE OR REPLACE FUNCTION app_private.custom_field_problem(
  p_definition app.custom_field_definitions, p_value jsonb, OUT value jsonb, OUT reason text, OUT message text
)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
  d app.custom_field_definitions := p_definition;
  v_kind text := pg_catalog.jsonb_typeof(p_value);
  v_text text;
  v_number numeric;
  v_codes text[];
  v_code text;
  v_active boolean;
BEGIN
  value := p_value;
  CASE d.field_type
  WHEN 'text', 'long_text', 'url', 'email' THEN
    IF v_kind <> 'string' THEN
      reason := 'custom_field.type'; message := 'must be text'; RETURN;
    END IF;
    v_text := p_value #>> '{}';
    IF d.field_type = 'url' AND v_text !~ '^https?://[^\s/?#]+\.[^\s]*$' THEN
      reason := 'custom_field.url'; message := 'must be an http or https URL'; RETURN;
    ELSIF d.field_type = 'email' AND v_text !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' THEN
      reason := 'custom_field.email'; message := 'must be an email address'; RETURN;
    ELSIF pg_catalog.length(v_text) < d.min_length THEN
      reason := 'custom_field.min_length'; message := pg_catalog.format('needs at least %s characters', d.min_length); RETURN;
    ELSIF pg_catalog.length(v_text) > d.max_length THEN
      reason := 'custom_field.max_length'; message := pg_catalog.format('allows at most %s characters', d.max_length); RETURN;
    ELSIF v_text !~ ('^(?:' || d.pattern || ')$') THEN
      reason := 'custom_field.pattern'; message := pg_catalog.format('must match the pattern %s', d.pattern); RETURN;
    ELSIF NOT v_text = ANY (d.allowed_values) THEN
      reason := 'custom_field.allowed_values';
      message := pg_catalog.format('must be one of %s', pg_catalog.array_to_string(d.allowed_values, ', ')); RETURN;
    END IF;
  WHEN 'integer', 'decimal' THEN
    IF d.field_type = 'decimal' AND v_kind = 'object' THEN
      -- {"value": 2.5, "unit": "in"}: converted to the field's unit and stored as a number.
      IF d.unit IS NULL THEN
        reason := 'custom_field.unit'; message := 'has no unit: send a number'; RETURN;
      ELSIF pg_catalog.jsonb_typeof(p_value -> 'value') IS DISTINCT FROM 'number' OR p_value - 'value' - 'unit' <> '{}' THEN
        reason := 'custom_field.type'; message := 'must be a number or {"value": <number>, "unit": <unit code>}'; RETURN;
      END IF;
      BEGIN
        v_number := app.convert_unit((p_value ->> 'value')::numeric, coalesce(p_value ->> 'unit', d.unit), d.unit);
      EXCEPTION WHEN SQLSTATE 'PT422' THEN
        reason := 'custom_field.unit';
        message := pg_catalog.format('takes %s or a unit convertible to it, not %s', d.unit, p_value ->> 'unit'); RETURN;
      END;
    ELSIF v_kind = 'number' THEN
      v_number := (p_value #>> '{}')::numeric;
    ELSE
      reason := 'custom_field.type'; message := 'must be a number'; RETURN;
    END IF;
    IF d.field_type = 'integer' AND v_number <> pg_catalog.trunc(v_number) THEN
      reason := 'custom_field.type'; message := 'must be a whole number'; RETURN;
    ELSIF v_number < d.min_value THEN
      reason := 'custom_field.min'; message := pg_catalog.format('must be at least %s%s', d.min_value, coalesce(' ' || d.unit, '')); RETURN;
    ELSIF v_number > d.max_value THEN
      reason := 'custom_field.max'; message := pg_catalog.format('must be at most %s%s', d.max_value, coalesce(' ' || d.unit, '')); RETURN;
    END IF;
    value := pg_catalog.to_jsonb(pg_catalog.trim_scale(v_number));
  WHEN 'date', 'datetime' THEN
    v_text := p_value #>> '{}';
    IF v_kind <> 'string' OR v_text !~ (SELECT CASE d.field_type WHEN 'date' THEN '^\d{4}-\d{2}-\d{2}$'
                                          ELSE '^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$' END) THEN
      reason := 'custom_field.type';
      message := (SELECT CASE d.field_type WHEN 'date' THEN 'must be a date (YYYY-MM-DD)' ELSE 'must be a date and time (ISO 8601)' END);
      RETURN;
    END IF;
    BEGIN
      IF d.field_type = 'date' THEN
        PERFORM v_text::date;
      ELSE
        PERFORM v_text::timestamptz;
      END IF;
    EXCEPTION WHEN data_exception THEN
      reason := 'custom_field.type'; message := pg_catalog.format('%s is not a valid %s', v_text, d.field_type); RETURN;
    END;
  WHEN 'boolean' THEN
    IF v_kind <> 'boolean' THEN
      reason := 'custom_field.type'; message := 'must be true or false'; RETURN;
    END IF;
  WHEN 'single_select', 'multi_select' THEN
    IF d.field_type = 'single_select' AND v_kind = 'string' THEN
      v_codes := ARRAY[p_value #>> '{}'];
    ELSIF d.field_type = 'multi_select' AND v_kind = 'array'
          AND NOT EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(p_value) AS e WHERE pg_catalog.jsonb_typeof(e) <> 'string') THEN
      v_codes := ARRAY(SELECT pg_catalog.jsonb_array_elements_text(p_value));
      IF cardinality(v_codes) <> (SELECT count(DISTINCT c) FROM pg_catalog.unnest(v_codes) AS c) THEN
        reason := 'custom_field.type'; message := 'lists a value twice'; RETURN;
      END IF;
    ELSE
      reason := 'custom_field.type';
      message := CASE d.field_type WHEN 'single_select' THEN 'must be a value code (text)' ELSE 'must be a list of value codes' END; RETURN;
    END IF;
    FOREACH v_code IN ARRAY v_codes LOOP
      SELECT v.is_active INTO v_active FROM app.type_list_values AS v
       WHERE v.organization_id = d.organization_id AND v.type_list_id = d.type_list_id AND v.code = v_code;
      IF NOT FOUND THEN
        reason := 'custom_field.option'; message := pg_catalog.format('%s is not a value of its type list', v_code); RETURN;
      ELSIF NOT v_active THEN
        reason := 'custom_field.inactive_option'; message := pg_catalog.format('%s is no longer offered', v_code); RETURN;
      ELSIF NOT v_code = ANY (d.allowed_values) THEN
        reason := 'custom_field.allowed_values';
        message := pg_catalog.format('must be one of %s', pg_catalog.array_to_string(d.allowed_values, ', ')); RETURN;
      END IF;
    END LOOP;
  WHEN 'reference' THEN
    v_text := p_value #>> '{}';
    IF v_kind <> 'string' OR v_text !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
      reason := 'custom_field.type'; message := pg_catalog.format('must be the id of a %s', d.target_entity_type); RETURN;
    END IF;
    -- Here: it exists in the tenant. Whether the caller may see it is asked
    -- as the caller, by the trigger (app_private.tg_custom_fields__check).
    IF NOT EXISTS (SELECT FROM app_private.entities AS e
                    WHERE e.organization_id = d.organization_id AND e.entity_type = d.target_entity_type AND e.id = v_text::uuid) THEN
      reason := 'custom_field.reference'; message := pg_catalog.format('%s is not a %s you can see', v_text, d.target_entity_type); RETURN;
    END IF;
    value := pg_catalog.to_jsonb(pg_catalog.lower(v_text));
  END CASE;
END
$$;
COMMENT ON FUNCTION app_private.custom_field_problem(app.custom_field_definitions, jsonb) IS
  'Checks one custom field value against its definition: the value as stored (decimals converted to the field''s unit) and a NULL reason, or the reason code (custom_field.type, .min, .max, .min_length, .max_length, .pattern, .allowed_values, .url, .email, .unit, .option, .inactive_option, .reference) and what is wrong.';

-- Definer rights: the definitions, type lists and the entity register are
-- read whatever the caller may read; the caller's tenant is checked first.
CREATE OR REPLACE FUNCTION auth.custom_field_check(
  p_entity_type text, p_organization_id uuid, p_values jsonb, p_old jsonb DEFAULT NULL, p_require_all boolean DEFAULT true
) RETURNS TABLE (field text, reason text, message text, value jsonb, target_entity_type text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_code text;
  v_definition app.custom_field_definitions;
  v_pair record;
  v_problem record;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(p_organization_id);
  -- New, changed and removed keys (all of them when there is no old value).
  -- The definitions of all of them in one query (a value checked costs no query of its own).
  FOR v_pair IN
    SELECT k.key AS code, d AS definition
      FROM (SELECT n.key FROM pg_catalog.jsonb_each(p_values) AS n WHERE p_old IS NULL OR n.value IS DISTINCT FROM p_old -> n.key
            UNION
            SELECT o.key FROM pg_catalog.jsonb_each(coalesce(p_old, '{}')) AS o WHERE NOT p_values ? o.key) AS k
      LEFT JOIN app.custom_field_definitions AS d
        ON d.organization_id = p_organization_id AND d.entity_type = p_entity_type AND d.code = k.key AND d.is_active
     ORDER BY k.key
  LOOP
    v_code := v_pair.code;
    v_definition := v_pair.definition;
    field := v_code;
    target_entity_type := v_definition.target_entity_type;
    IF NOT p_values ? v_code THEN
      CONTINUE WHEN v_definition.id IS NULL OR NOT v_definition.is_required;
      reason := 'custom_field.required'; message := 'is required: it cannot be removed'; value := NULL;
    ELSIF v_definition.id IS NULL THEN
      reason := 'custom_field.unknown'; message := 'is not an active custom field of ' || p_entity_type; value := p_values -> v_code;
    ELSE
      v_problem := app_private.custom_field_problem(v_definition, p_values -> v_code);
      reason := v_problem.reason; message := v_problem.message; value := v_problem.value;
    END IF;
    RETURN NEXT;
  END LOOP;
  IF p_old IS NULL AND p_require_all THEN
    RETURN QUERY
      SELECT d.code, 'custom_field.required', 'is required', NULL::jsonb, NULL::text
        FROM app.custom_field_definitions AS d
       WHERE d.organization_id = p_organization_id AND d.entity_type = p_entity_type AND d.is_active AND d.is_required
         AND NOT p_values ? d.code
       ORDER BY d.position, d.code;
  END IF;
END
$$;
COMMENT ON FUNCTION auth.custom_field_check(text, uuid, jsonb, jsonb, boolean) IS
  'Checks custom field values of an entity of the caller''s tenant against its active definitions: one row per field checked (new, changed or removed keys when p_old is given, all keys otherwise; missing required fields when p_old is NULL and p_require_all) with the stored value, or the reason code and message; target_entity_type names the type a reference points at, whose visibility the caller checks as themselves.';

CREATE OR REPLACE FUNCTION app_private.tg_custom_fields__check() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  -- TG_ARGV: the entity type, and whether an insert must carry the required fields.
  v_values jsonb := pg_catalog.jsonb_strip_nulls(NEW.custom_fields);
  v_row record;
  v_label text;
BEGIN
  IF TG_OP = 'UPDATE' AND v_values IS NOT DISTINCT FROM OLD.custom_fields THEN
    NEW.custom_fields := v_values;
    RETURN NEW;
  END IF;
  FOR v_row IN
    SELECT * FROM auth.custom_field_check(TG_ARGV[0], NEW.organization_id, v_values,
                                          CASE TG_OP WHEN 'UPDATE' THEN OLD.custom_fields END, TG_ARGV[1]::boolean)
  LOOP
    -- A reference must also be visible to the caller (as themselves; the owner's own paths see all).
    IF v_row.reason IS NULL AND v_row.target_entity_type IS NOT NULL AND auth.claims() <> '{}'
       AND NOT auth.can_see_entity(v_row.target_entity_type, (v_row.value #>> '{}')::uuid) THEN
      v_row.reason := 'custom_field.reference';
      v_row.message := pg_catalog.format('%s is not a %s you can see', v_row.value #>> '{}', v_row.target_entity_type);
    END IF;
    IF v_row.reason IS NOT NULL THEN
      RAISE EXCEPTION 'custom field %: %', v_row.field, v_row.message
        USING ERRCODE = 'PT422', DETAIL = v_row.reason,
              HINT = pg_catalog.format('See GET /custom_field_definitions?entity_type=eq.%s&code=eq.%s for the field''s rules.',
                                       TG_ARGV[0], v_row.field);
    END IF;
    IF v_row.value IS NOT NULL THEN
      v_values := pg_catalog.jsonb_set(v_values, ARRAY[v_row.field], v_row.value);
    END IF;
  END LOOP;
  NEW.custom_fields := v_values;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_custom_fields__check() IS
  'BEFORE INSERT OR UPDATE OF custom_fields on an entity table (trigger _300_custom_fields, installed by app_private.enable_custom_fields): checks the values the write adds or changes against the tenant''s active definitions (auth.custom_field_check) and references as the caller, stores them normalised, or raises PT422 with the field and the reason code.';

CREATE OR REPLACE FUNCTION app_private.enable_custom_fields(p_entity_type text, p_required_on_insert boolean DEFAULT true)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_table regclass := (app_private.entity_type_of(p_entity_type)).table_name;
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_attribute
                  WHERE attrelid = v_table AND attname = 'custom_fields' AND atttypid = 'jsonb'::regtype AND NOT attisdropped) THEN
    RAISE EXCEPTION '% has no custom_fields jsonb column', v_table
      USING ERRCODE = 'PT422', DETAIL = 'entity_type.table_invalid',
            HINT = 'Add custom_fields jsonb NOT NULL DEFAULT ''{}'' (and a GIN index) in a migration first.';
  END IF;
  EXECUTE pg_catalog.format(
    'CREATE OR REPLACE TRIGGER _300_custom_fields BEFORE INSERT OR UPDATE OF custom_fields ON %s'
    ' FOR EACH ROW EXECUTE FUNCTION app_private.tg_custom_fields__check(%L, %L)', v_table, p_entity_type, p_required_on_insert);
END
$$;
COMMENT ON FUNCTION app_private.enable_custom_fields(text, boolean) IS
  'Puts a registered entity type under custom fields (one call in the domain''s repeatables, after register_entity_type): its table needs a custom_fields jsonb column; installs the checking trigger _300_custom_fields. p_required_on_insert false for entities created by RPCs that take no custom fields (required fields are then reported by app.custom_field_violations, and cannot be removed once set).';

CREATE OR REPLACE FUNCTION auth.custom_fields_enabled(p_entity_type text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT EXISTS (SELECT FROM app_private.entity_types AS t JOIN pg_catalog.pg_trigger AS g ON g.tgrelid = t.table_name
                  WHERE t.entity_type = p_entity_type AND g.tgname = '_300_custom_fields');
$$;
COMMENT ON FUNCTION auth.custom_fields_enabled(text) IS
  'Whether the entity type has custom fields (its domain called app_private.enable_custom_fields).';

-- Definitions: the entity type must have custom fields, the pattern must be
-- a valid regular expression, a select's allowed values codes of its list.
CREATE OR REPLACE FUNCTION app_private.tg_custom_field_definitions__validate() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_unknown text[];
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF NOT auth.custom_fields_enabled(NEW.entity_type) THEN
    PERFORM app_private.raise_invalid('custom_field.entity_type_not_enabled',
      pg_catalog.format('entity type %s has no custom fields', NEW.entity_type),
      'Custom fields can be defined for the entity types whose domain enabled them (see docs/platform/custom-fields.md).');
  END IF;
  IF NEW.pattern IS NOT NULL THEN
    BEGIN
      PERFORM '' ~ NEW.pattern;
    EXCEPTION WHEN invalid_regular_expression THEN
      PERFORM app_private.raise_invalid('custom_field.pattern_invalid',
        pg_catalog.format('pattern of custom field %s is not a valid regular expression: %s', NEW.code, SQLERRM),
        'Use a POSIX regular expression (PostgreSQL ~); it must match the whole value.');
    END;
  END IF;
  IF NEW.type_list_id IS NOT NULL AND NEW.allowed_values IS NOT NULL THEN
    v_unknown := ARRAY(SELECT c FROM pg_catalog.unnest(NEW.allowed_values) AS c
                        WHERE NOT EXISTS (SELECT FROM app.type_list_values AS v WHERE v.organization_id = NEW.organization_id
                                             AND v.type_list_id = NEW.type_list_id AND v.code = c));
    IF v_unknown <> '{}' THEN
      PERFORM app_private.raise_invalid('custom_field.allowed_values_invalid',
        pg_catalog.format('allowed values of custom field %s are not values of its type list: %s', NEW.code,
                          pg_catalog.array_to_string(v_unknown, ', ')),
        'Allowed values of a select field are codes of its type list (GET /type_list_values?type_list_id=eq.<id>).');
    END IF;
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_custom_field_definitions__validate() IS
  'BEFORE INSERT OR UPDATE on custom_field_definitions: PT422 custom_field.entity_type_not_enabled, custom_field.pattern_invalid, custom_field.allowed_values_invalid.';

CREATE OR REPLACE FUNCTION app.custom_field_definitions_localized_label(definition app.custom_field_definitions) RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT auth.localized(definition.label, definition.labels);
$$;
COMMENT ON FUNCTION app.custom_field_definitions_localized_label(app.custom_field_definitions) IS
  'The field''s label in the caller''s locale (labels, then the default label): GraphQL field localizedLabel, REST select=*,custom_field_definitions_localized_label.';

-- SECURITY INVOKER on purpose: the rows listed are the ones the caller's
-- row-level security lets them read.
CREATE OR REPLACE FUNCTION app.custom_field_violations(entity_type text)
  RETURNS TABLE (entity_id uuid, title text, field text, reason text, message text, value jsonb)
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_table regclass := (SELECT r.table_name FROM auth.entity_registration(custom_field_violations.entity_type) AS r);
BEGIN
  IF NOT auth.custom_fields_enabled(custom_field_violations.entity_type) THEN
    RAISE EXCEPTION 'entity type % has no custom fields', custom_field_violations.entity_type
      USING ERRCODE = 'PT422', DETAIL = 'custom_field.entity_type_not_enabled',
            HINT = 'Use an entity type whose domain enabled custom fields (docs/platform/custom-fields.md).';
  END IF;
  RETURN QUERY EXECUTE pg_catalog.format(
    'SELECT e.id, auth.entity_title($1, e.id), c.field, c.reason, c.message, e.custom_fields -> c.field'
    '  FROM %s AS e CROSS JOIN LATERAL auth.custom_field_check($1, e.organization_id, e.custom_fields) AS c'
    ' WHERE e.organization_id = $2 AND c.reason IS NOT NULL'
    ' ORDER BY e.id, c.field', v_table)
  USING custom_field_violations.entity_type, auth.org_id();
END
$$;
COMMENT ON FUNCTION app.custom_field_violations(text) IS
  E'Stored custom field values that break the current definitions\nFor the entity type (e.g. project), the rows you can read whose custom fields break the tenant''s active definitions as they are now: missing required values, values that no longer pass a stricter rule, deactivated list values, fields no longer defined (custom_field.unknown). Such rows keep their values until a write touches the field.';

CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.custom_field_definitions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.custom_field_definitions
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('custom_field.manage');
-- What stored values depend on never changes: the entity type, the code,
-- the type, its list, target and unit. Define a new field instead.
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.custom_field_definitions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns(
    'organization_id', 'id', 'entity_type', 'code', 'field_type', 'type_list_id', 'target_entity_type', 'unit');
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.custom_field_definitions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _200_validate BEFORE INSERT OR UPDATE ON app.custom_field_definitions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_custom_field_definitions__validate();
