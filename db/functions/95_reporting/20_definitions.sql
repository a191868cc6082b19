-- Report definitions (migration reporting/reports): validated on every write
-- against their source's whitelist, so a stored definition is always one the
-- executor can build a query from. Owner-written; sharing with the tenant
-- needs report.manage.

-- report.use tenant-wide or at some site (a plant-scoped member reports too).
CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.report_definitions
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('report.use');
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.report_definitions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

CREATE OR REPLACE FUNCTION app_private.report_definition_schema() RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  SELECT '{
    "type": "object", "additionalProperties": false, "required": ["filters", "sort", "parameters"],
    "properties": {
      "filters": {"type": "array", "maxItems": 20,
        "items": {"type": "object", "additionalProperties": false, "required": ["column", "op"],
                  "properties": {"column": {"type": "string", "pattern": "^[a-z_][a-z0-9_]{0,62}$"},
                                 "op": {"enum": ["=", "<>", "<", "<=", ">", ">=", "in", "like", "is_null"]},
                                 "value": {"type": ["string", "number", "boolean", "array"]},
                                 "param": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"}}}},
      "sort": {"type": "array", "maxItems": 5,
        "items": {"type": "object", "additionalProperties": false, "required": ["column"],
                  "properties": {"column": {"type": "string", "pattern": "^[a-z_][a-z0-9_]{0,62}$"},
                                 "direction": {"enum": ["asc", "desc"]}}}},
      "parameters": {"type": "array", "maxItems": 20,
        "items": {"type": "object", "additionalProperties": false, "required": ["name", "type"],
                  "properties": {"name": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"},
                                 "type": {"enum": ["text", "number", "date", "timestamp", "boolean", "uuid"]},
                                 "label": {"type": "string", "maxLength": 200},
                                 "default": {"type": ["string", "number", "boolean"]},
                                 "required": {"type": "boolean"}}}}}}'::jsonb
$$;
COMMENT ON FUNCTION app_private.report_definition_schema() IS
  'The JSON Schema of a report definition''s filters ({column, op, value | param}, at most 20), sort ({column, direction}, at most 5) and parameters ({name, type, label, default, required}, at most 20), checked before the whitelist.';

CREATE OR REPLACE FUNCTION app_private.check_report_definition(
  p_source app.report_sources, p_columns text[], p_filters jsonb, p_sort jsonb, p_parameters jsonb
) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_bad text;
  v_filter jsonb;
  v_type text;
  v_parameter jsonb;
BEGIN
  PERFORM app_private.validate_json(app_private.report_definition_schema(),
    pg_catalog.jsonb_build_object('filters', p_filters, 'sort', p_sort, 'parameters', p_parameters), 'the report definition');
  SELECT c INTO v_bad FROM pg_catalog.unnest(p_columns) AS c WHERE NOT p_source.columns ? c LIMIT 1;
  IF FOUND THEN
    PERFORM app_private.raise_invalid('report.column_unknown',
      pg_catalog.format('%s is not a column of the report source %s', pg_catalog.left(v_bad, 100), p_source.key),
      pg_catalog.format('Columns of %s: %s.', p_source.key, (SELECT pg_catalog.string_agg(k, ', ' ORDER BY k) FROM pg_catalog.jsonb_object_keys(p_source.columns) AS k)));
  END IF;
  IF pg_catalog.cardinality(p_columns) > (SELECT count(DISTINCT c) FROM pg_catalog.unnest(p_columns) AS c) THEN
    PERFORM app_private.raise_invalid('report.column_duplicate', 'a report names a column twice', 'Name each column once.');
  END IF;
  SELECT p ->> 'name' INTO v_bad FROM pg_catalog.jsonb_array_elements(p_parameters) AS p
   GROUP BY p ->> 'name' HAVING count(*) > 1 LIMIT 1;
  IF FOUND THEN
    PERFORM app_private.raise_invalid('report.parameter_duplicate', pg_catalog.format('two parameters are named %s', v_bad),
      'Give every parameter its own name.');
  END IF;
  SELECT p ->> 'name' INTO v_bad FROM pg_catalog.jsonb_array_elements(p_parameters) AS p
   WHERE p ? 'default' AND NOT app_private.report_value_valid(p ->> 'type', p -> 'default') LIMIT 1;
  IF FOUND THEN
    PERFORM app_private.raise_invalid('report.value_invalid', pg_catalog.format('the default of parameter %s is not of its type', v_bad),
      'A default is of its parameter''s type: text a string, number a number, boolean true/false, date YYYY-MM-DD, timestamp RFC 3339, uuid a uuid.');
  END IF;
  FOR v_filter IN SELECT f FROM pg_catalog.jsonb_array_elements(p_filters) AS f LOOP
    IF NOT v_filter ->> 'column' = ANY (p_source.filter_columns) THEN
      PERFORM app_private.raise_invalid('report.filter_not_allowed',
        pg_catalog.format('reports on %s cannot filter on %s', p_source.key, v_filter ->> 'column'),
        pg_catalog.format('Filter columns of %s: %s.', p_source.key, pg_catalog.array_to_string(p_source.filter_columns, ', ')));
    END IF;
    v_type := p_source.columns ->> (v_filter ->> 'column');
    IF (v_filter ? 'value') = (v_filter ? 'param') THEN
      PERFORM app_private.raise_invalid('report.filter_invalid',
        pg_catalog.format('the filter on %s needs a value or a parameter, not both', v_filter ->> 'column'),
        'Send {"column", "op", "value"} or {"column", "op", "param"}.');
    END IF;
    IF v_filter ->> 'op' = 'like' AND v_type <> 'text' THEN
      PERFORM app_private.raise_invalid('report.operator_invalid',
        pg_catalog.format('like applies to text columns; %s is %s', v_filter ->> 'column', v_type), 'Use = < > ... for other types.');
    END IF;
    IF v_filter ? 'param' THEN
      IF v_filter ->> 'op' IN ('in', 'is_null') THEN
        PERFORM app_private.raise_invalid('report.operator_invalid',
          pg_catalog.format('%s takes a value, not a parameter', v_filter ->> 'op'), 'Give in a list and is_null true or false.');
      END IF;
      SELECT p INTO v_parameter FROM pg_catalog.jsonb_array_elements(p_parameters) AS p WHERE p ->> 'name' = v_filter ->> 'param';
      IF NOT FOUND THEN
        PERFORM app_private.raise_invalid('report.parameter_unknown',
          pg_catalog.format('the filter on %s names no parameter of the report (%s)', v_filter ->> 'column', v_filter ->> 'param'),
          'Declare it in parameters.');
      END IF;
      IF v_parameter ->> 'type' <> v_type THEN
        PERFORM app_private.raise_invalid('report.parameter_type_mismatch',
          pg_catalog.format('parameter %s is %s but %s is %s', v_parameter ->> 'name', v_parameter ->> 'type', v_filter ->> 'column', v_type),
          'Give the parameter the type of the column it filters.');
      END IF;
    ELSIF (CASE v_filter ->> 'op'
            WHEN 'is_null' THEN pg_catalog.jsonb_typeof(v_filter -> 'value') <> 'boolean'
            WHEN 'in' THEN pg_catalog.jsonb_typeof(v_filter -> 'value') <> 'array'
                           OR pg_catalog.jsonb_array_length(v_filter -> 'value') NOT BETWEEN 1 AND 500
                           OR EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(v_filter -> 'value') AS v
                                       WHERE NOT app_private.report_value_valid(v_type, v))
            ELSE NOT app_private.report_value_valid(v_type, v_filter -> 'value') END) THEN
      PERFORM app_private.raise_invalid('report.value_invalid',
        pg_catalog.format('the value of the filter on %s is not a %s%s', v_filter ->> 'column', v_type,
                          CASE v_filter ->> 'op' WHEN 'in' THEN ' list (1 to 500)' WHEN 'is_null' THEN ' test (true or false)' ELSE '' END),
        'Values are typed: text a string, number a number, boolean true/false, date YYYY-MM-DD, timestamp RFC 3339, uuid a uuid; in takes a list, is_null true or false.');
    END IF;
  END LOOP;
  SELECT s ->> 'column' INTO v_bad FROM pg_catalog.jsonb_array_elements(p_sort) AS s
   WHERE NOT s ->> 'column' = ANY (p_source.sort_columns) LIMIT 1;
  IF FOUND THEN
    PERFORM app_private.raise_invalid('report.sort_not_allowed', pg_catalog.format('reports on %s cannot sort by %s', p_source.key, v_bad),
      pg_catalog.format('Sort columns of %s: %s.', p_source.key, pg_catalog.array_to_string(p_source.sort_columns, ', ')));
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.check_report_definition(app.report_sources, text[], jsonb, jsonb, jsonb) IS
  'Checks a report definition against its source''s whitelist: the shape (JSON Schema, json_schema.invalid), columns of the source (report.column_unknown, report.column_duplicate), filters on filter columns (report.filter_not_allowed) with a value or a parameter (report.filter_invalid), like only on text and parameters only for comparisons (report.operator_invalid), typed values (report.value_invalid), declared parameters of the column''s type (report.parameter_unknown, report.parameter_type_mismatch, report.parameter_duplicate), sort on sort columns (report.sort_not_allowed). All PT422.';

CREATE OR REPLACE FUNCTION app_private.tg_report_definitions__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_source app.report_sources;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF TG_OP = 'INSERT' THEN
    NEW.owner_id := coalesce(auth.user_id(), NEW.owner_id);
  END IF;
  IF (NEW.visibility = 'shared' OR TG_OP = 'UPDATE' AND OLD.visibility = 'shared') AND auth.claims() <> '{}' THEN
    PERFORM app_private.require_permission('report.manage');
  END IF;
  v_source := app_private.report_source(NEW.source_key);
  IF auth.claims() <> '{}' AND NOT auth.is_platform_operator() THEN
    PERFORM app_private.require_report_source(v_source);
  END IF;
  PERFORM app_private.check_report_definition(v_source, NEW.columns, NEW.filters, NEW.sort, NEW.parameters);
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_report_definitions__prepare() IS
  'BEFORE INSERT OR UPDATE on report_definitions: the active tenant only (tenant.foreign_row); the owner is the caller; a shared definition (made shared, or changed while shared) needs report.manage (PT403 permission.missing); the source exists (report.source_unknown), the writer holds its permission tenant-wide or at some site (PT403 permission.missing), and the definition passes app_private.check_report_definition.';

CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.report_definitions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_report_definitions__prepare();

-- Parameters and the query ---------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.report_parameter_values(p_parameters jsonb, p_values jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_parameter jsonb;
  v_value jsonb;
  v_result jsonb := '{}';
  v_unknown text;
BEGIN
  IF p_values IS NULL THEN
    p_values := '{}';
  END IF;
  IF pg_catalog.jsonb_typeof(p_values) <> 'object' THEN
    PERFORM app_private.raise_invalid('report.parameters_invalid', 'parameters are a JSON object of names to values',
      'Send {"name": value, ...}.');
  END IF;
  SELECT k INTO v_unknown FROM pg_catalog.jsonb_object_keys(p_values) AS k
   WHERE NOT EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(p_parameters) AS p WHERE p ->> 'name' = k) LIMIT 1;
  IF FOUND THEN
    PERFORM app_private.raise_invalid('report.parameter_unknown', pg_catalog.format('the report has no parameter %s', pg_catalog.left(v_unknown, 100)),
      pg_catalog.format('Its parameters: %s.', coalesce((SELECT pg_catalog.string_agg(p ->> 'name', ', ') FROM pg_catalog.jsonb_array_elements(p_parameters) AS p), 'none')));
  END IF;
  FOR v_parameter IN SELECT p FROM pg_catalog.jsonb_array_elements(p_parameters) AS p LOOP
    v_value := CASE WHEN p_values ? (v_parameter ->> 'name') AND p_values -> (v_parameter ->> 'name') <> 'null'
                    THEN p_values -> (v_parameter ->> 'name') ELSE v_parameter -> 'default' END;
    IF v_value IS NULL THEN
      IF coalesce((v_parameter ->> 'required')::boolean, false) THEN
        PERFORM app_private.raise_invalid('report.parameter_missing', pg_catalog.format('the report needs a value for %s', v_parameter ->> 'name'),
          pg_catalog.format('Send parameters {"%s": <%s>}.', v_parameter ->> 'name', v_parameter ->> 'type'));
      END IF;
      CONTINUE;
    END IF;
    IF NOT app_private.report_value_valid(v_parameter ->> 'type', v_value) THEN
      PERFORM app_private.raise_invalid('report.value_invalid', pg_catalog.format('the value of %s is not a %s', v_parameter ->> 'name', v_parameter ->> 'type'),
        'Values are typed: text a string, number a number, boolean true/false, date YYYY-MM-DD, timestamp RFC 3339, uuid a uuid.');
    END IF;
    v_result := v_result || pg_catalog.jsonb_build_object(v_parameter ->> 'name', v_value);
  END LOOP;
  RETURN v_result;
END
$$;
COMMENT ON FUNCTION app_private.report_parameter_values(jsonb, jsonb) IS
  'The values a report runs with: those sent, else the defaults; PT422 report.parameters_invalid (not an object), report.parameter_unknown (a value for no parameter), report.parameter_missing (a required one without value or default), report.value_invalid (not of its type). An optional parameter left without a value drops the filters that name it.';

CREATE OR REPLACE FUNCTION app_private.report_literal(p_type text, p_value jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
BEGIN
  RETURN pg_catalog.format('%L::%s', p_value #>> '{}', app_private.report_sql_type(p_type));
END
$$;
COMMENT ON FUNCTION app_private.report_literal(text, jsonb) IS
  'A validated value as a quoted SQL literal cast to its column''s type (format %L): never anything but a constant.';

CREATE OR REPLACE FUNCTION app_private.report_query(p_definition jsonb, p_values jsonb) RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_source app.report_sources := app_private.report_source(p_definition ->> 'source_key');
  v_columns text[] := ARRAY(SELECT pg_catalog.jsonb_array_elements_text(p_definition -> 'columns'));
  v_needed text[];
  v_where text[] := '{}';
  v_order text;
  v_filter jsonb;
  v_type text;
  v_cast text;
  v_value jsonb;
BEGIN
  IF pg_catalog.cardinality(v_columns) = 0 THEN
    v_columns := v_source.default_columns;
  END IF;
  -- The definition as stored passed app_private.check_report_definition; it
  -- is checked again here, against the register as it is now.
  PERFORM app_private.check_report_definition(v_source, v_columns, p_definition -> 'filters', p_definition -> 'sort',
                                              p_definition -> 'parameters');
  FOR v_filter IN SELECT f FROM pg_catalog.jsonb_array_elements(p_definition -> 'filters') AS f LOOP
    v_type := v_source.columns ->> (v_filter ->> 'column');
    v_cast := app_private.report_sql_type(v_type);
    v_value := CASE WHEN v_filter ? 'param' THEN p_values -> (v_filter ->> 'param') ELSE v_filter -> 'value' END;
    CONTINUE WHEN v_value IS NULL;  -- an optional parameter without a value
    v_where := v_where || CASE v_filter ->> 'op'
      WHEN 'is_null' THEN pg_catalog.format('s.%I IS %s NULL', v_filter ->> 'column', CASE WHEN v_value = 'true' THEN '' ELSE 'NOT' END)
      WHEN 'in' THEN pg_catalog.format('s.%I::%s IN (%s)', v_filter ->> 'column', v_cast,
                                       (SELECT pg_catalog.string_agg(app_private.report_literal(v_type, v), ', ')
                                          FROM pg_catalog.jsonb_array_elements(v_value) AS v))
      WHEN 'like' THEN pg_catalog.format('s.%I::text LIKE %L', v_filter ->> 'column', v_value #>> '{}')
      ELSE pg_catalog.format('s.%I::%s %s %s', v_filter ->> 'column', v_cast,
                             -- one of the schema's operators, never the text sent
                             (ARRAY['=', '<>', '<', '<=', '>', '>='])[pg_catalog.array_position(ARRAY['=', '<>', '<', '<=', '>', '>='], v_filter ->> 'op')],
                             app_private.report_literal(v_type, v_value)) END;
  END LOOP;
  SELECT pg_catalog.string_agg(pg_catalog.format('%I %s NULLS LAST', s ->> 'column',
                                                 CASE WHEN s ->> 'direction' = 'desc' THEN 'DESC' ELSE 'ASC' END), ', ' ORDER BY o)
    INTO v_order FROM pg_catalog.jsonb_array_elements(p_definition -> 'sort') WITH ORDINALITY AS x (s, o);
  v_needed := ARRAY(SELECT DISTINCT c FROM pg_catalog.unnest(v_columns || ARRAY(
                      SELECT s ->> 'column' FROM pg_catalog.jsonb_array_elements(p_definition -> 'sort') AS s)) AS c);
  RETURN pg_catalog.format(
    'SELECT count(*)::integer, coalesce(pg_catalog.json_agg(pg_catalog.json_build_object(%s)%s), ''[]'') FROM (SELECT %s FROM app.%I AS s%s%s LIMIT %s) AS r',
    (SELECT pg_catalog.string_agg(pg_catalog.format('%L, r.%I', c, c), ', ' ORDER BY o) FROM pg_catalog.unnest(v_columns) WITH ORDINALITY AS x (c, o)),
    CASE WHEN v_order IS NOT NULL THEN ' ORDER BY ' || (SELECT pg_catalog.string_agg(pg_catalog.format('r.%I %s NULLS LAST', s ->> 'column',
                                                          CASE WHEN s ->> 'direction' = 'desc' THEN 'DESC' ELSE 'ASC' END), ', ' ORDER BY o)
                                                         FROM pg_catalog.jsonb_array_elements(p_definition -> 'sort') WITH ORDINALITY AS x (s, o)) END,
    (SELECT pg_catalog.string_agg(pg_catalog.format('s.%I', c), ', ') FROM pg_catalog.unnest(v_needed) AS c),
    v_source.key,
    CASE WHEN pg_catalog.cardinality(v_where) > 0 THEN ' WHERE ' || pg_catalog.array_to_string(v_where, ' AND ') END,
    CASE WHEN v_order IS NOT NULL THEN ' ORDER BY ' || v_order END,
    (p_definition ->> 'row_limit')::integer);
END
$$;
COMMENT ON FUNCTION app_private.report_query(jsonb, jsonb) IS
  'The SQL of a report: one SELECT over the registered view (app.<source>) of the definition''s columns, its filters with the parameter values, sort and row limit, built with format %I (the register''s identifiers) and %L (validated values) only, returning the row count and the rows as a JSON array of objects in column order. The definition is checked against the register again first.';
