-- Dashboards (migration reporting/reports): saved layouts of widgets, each
-- showing a report definition or a report source, validated by a JSON Schema
-- and against what the owner may read. A dashboard stores no data: a client
-- runs (or reads) what each widget names with the viewer's own rights.

-- report.use tenant-wide or at some site (a plant-scoped member reports too).
CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.dashboards
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('report.use');
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.dashboards
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

CREATE OR REPLACE FUNCTION app_private.dashboard_layout_schema() RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  SELECT '{
    "type": "object", "additionalProperties": false, "required": ["widgets"],
    "properties": {
      "columns": {"type": "integer", "minimum": 1, "maximum": 24},
      "refresh_seconds": {"type": "integer", "minimum": 30, "maximum": 86400},
      "widgets": {"type": "array", "maxItems": 50,
        "items": {"type": "object", "additionalProperties": false, "required": ["key", "chart", "x", "y", "w", "h"],
          "properties": {
            "key": {"type": "string", "pattern": "^[a-z][a-z0-9_-]{0,62}$"},
            "title": {"type": "string", "maxLength": 200},
            "report_definition_id": {"type": "string", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"},
            "source": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"},
            "chart": {"enum": ["table", "number", "bar", "line", "area", "pie"]},
            "x": {"type": "integer", "minimum": 0, "maximum": 23},
            "y": {"type": "integer", "minimum": 0, "maximum": 1000},
            "w": {"type": "integer", "minimum": 1, "maximum": 24},
            "h": {"type": "integer", "minimum": 1, "maximum": 100},
            "options": {"type": "object", "additionalProperties": false,
              "properties": {"x_column": {"type": "string", "pattern": "^[a-z_][a-z0-9_]{0,62}$"},
                             "y_columns": {"type": "array", "maxItems": 10, "items": {"type": "string", "pattern": "^[a-z_][a-z0-9_]{0,62}$"}},
                             "series_column": {"type": "string", "pattern": "^[a-z_][a-z0-9_]{0,62}$"},
                             "parameters": {"type": "object"}}}}}}}}'::jsonb
$$;
COMMENT ON FUNCTION app_private.dashboard_layout_schema() IS
  'The JSON Schema of dashboards.layout: {columns 1-24, refresh_seconds, widgets: at most 50 of {key, title, report_definition_id | source, chart (table, number, bar, line, area, pie), x, y, w, h, options {x_column, y_columns, series_column, parameters}}}.';

CREATE OR REPLACE FUNCTION app_private.tg_dashboards__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_widget jsonb;
  v_columns jsonb;
  v_bad text;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF TG_OP = 'INSERT' THEN
    NEW.owner_id := coalesce(auth.user_id(), NEW.owner_id);
  END IF;
  IF (NEW.visibility = 'shared' OR TG_OP = 'UPDATE' AND OLD.visibility = 'shared') AND auth.claims() <> '{}' THEN
    PERFORM app_private.require_permission('report.manage');
  END IF;
  PERFORM app_private.validate_json(app_private.dashboard_layout_schema(), NEW.layout, 'the dashboard layout');
  SELECT w ->> 'key' INTO v_bad FROM pg_catalog.jsonb_array_elements(NEW.layout -> 'widgets') AS w
   GROUP BY w ->> 'key' HAVING count(*) > 1 LIMIT 1;
  IF FOUND THEN
    PERFORM app_private.raise_invalid('dashboard.widget_key_duplicate', pg_catalog.format('two widgets have the key %s', v_bad),
      'Give every widget of a dashboard its own key.');
  END IF;
  FOR v_widget IN SELECT w FROM pg_catalog.jsonb_array_elements(NEW.layout -> 'widgets') AS w LOOP
    IF (v_widget ? 'report_definition_id') = (v_widget ? 'source') THEN
      PERFORM app_private.raise_invalid('dashboard.widget_invalid',
        pg_catalog.format('widget %s shows a report definition or a source, one of them', v_widget ->> 'key'),
        'Send report_definition_id or source.');
    END IF;
    IF (v_widget ->> 'x')::integer + (v_widget ->> 'w')::integer > coalesce((NEW.layout ->> 'columns')::integer, 12) THEN
      PERFORM app_private.raise_invalid('dashboard.widget_invalid',
        pg_catalog.format('widget %s does not fit the grid''s %s columns', v_widget ->> 'key', coalesce(NEW.layout ->> 'columns', '12')),
        'Keep x + w within columns (12 by default).');
    END IF;
    IF v_widget ? 'source' THEN
      v_columns := (app_private.report_source(v_widget ->> 'source')).columns;
    ELSE
      -- A definition the owner reads: their own or a shared one of the tenant.
      SELECT s.columns INTO v_columns FROM app.report_definitions AS d
        JOIN app.report_sources AS s ON s.key = d.source_key
       WHERE d.organization_id = NEW.organization_id AND d.id = (v_widget ->> 'report_definition_id')::uuid
         AND (d.owner_id = NEW.owner_id OR d.visibility = 'shared');
      IF NOT FOUND THEN
        PERFORM app_private.raise_invalid('dashboard.report_unknown',
          pg_catalog.format('widget %s names no report definition you may read', v_widget ->> 'key'),
          'GET /report_definitions lists yours and the shared ones.');
      END IF;
    END IF;
    SELECT c INTO v_bad
      FROM pg_catalog.jsonb_array_elements_text(coalesce(v_widget #> '{options,y_columns}', '[]')
                                                || pg_catalog.jsonb_build_array(v_widget #> '{options,x_column}', v_widget #> '{options,series_column}')) AS c
     WHERE c IS NOT NULL AND NOT v_columns ? c LIMIT 1;
    IF FOUND THEN
      PERFORM app_private.raise_invalid('report.column_unknown',
        pg_catalog.format('widget %s names %s, which its source does not have', v_widget ->> 'key', pg_catalog.left(v_bad, 100)),
        'GET /report_sources shows each source''s columns.');
    END IF;
  END LOOP;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_dashboards__prepare() IS
  'BEFORE INSERT OR UPDATE on dashboards: the active tenant only; the owner is the caller; shared needs report.manage (PT403 permission.missing); the layout matches app_private.dashboard_layout_schema (json_schema.invalid), widget keys are unique (dashboard.widget_key_duplicate), each widget shows one definition or one source and fits the grid (dashboard.widget_invalid), a definition the owner reads (dashboard.report_unknown), a registered source (report.source_unknown), and names only its columns (report.column_unknown).';

CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.dashboards
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_dashboards__prepare();
