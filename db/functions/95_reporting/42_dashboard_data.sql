-- Dashboards fed synchronously (issue #16 review, gap 9): the quality and
-- logistics report sources (views as their reader: row-level security of
-- the tables underneath decides, plant by plant), and
-- app.dashboard_widget_data, which runs one widget's whitelisted source or
-- report definition with its parameters as the caller, row-capped, and
-- returns the rows as JSON for the client to draw.

CREATE OR REPLACE VIEW app.report_ncrs WITH (security_invoker = true) AS
SELECT n.id AS ncr_id, n.ncr_number, n.title, n.site_id, n.part_id, n.supplier_id, n.customer_id, n.status::text AS status,
       n.detection::text AS detection, n.defect_category, n.nonconforming_quantity, n.unit, n.created_at, n.closed_at,
       (extract(epoch FROM coalesce(n.closed_at, pg_catalog.now()) - n.created_at) / 86400)::numeric(10, 1) AS days_open, n.organization_id
  FROM app.ncrs AS n;
COMMENT ON VIEW app.report_ncrs IS E'NCRs for reports\nEvery nonconformance report the reader may see (ncr.read at its plant) with status, detection, defect category, quantity and days open.';
COMMENT ON COLUMN app.report_ncrs.organization_id IS E'Tenant';
COMMENT ON COLUMN app.report_ncrs.ncr_id IS E'NCR';
COMMENT ON COLUMN app.report_ncrs.ncr_number IS E'NCR number';
COMMENT ON COLUMN app.report_ncrs.title IS E'Title';
COMMENT ON COLUMN app.report_ncrs.site_id IS E'Plant';
COMMENT ON COLUMN app.report_ncrs.part_id IS E'Part';
COMMENT ON COLUMN app.report_ncrs.supplier_id IS E'Supplier';
COMMENT ON COLUMN app.report_ncrs.customer_id IS E'Customer';
COMMENT ON COLUMN app.report_ncrs.status IS E'Status';
COMMENT ON COLUMN app.report_ncrs.detection IS E'Detected at';
COMMENT ON COLUMN app.report_ncrs.defect_category IS E'Defect category';
COMMENT ON COLUMN app.report_ncrs.nonconforming_quantity IS E'Nonconforming quantity';
COMMENT ON COLUMN app.report_ncrs.unit IS E'Unit';
COMMENT ON COLUMN app.report_ncrs.created_at IS E'Reported at';
COMMENT ON COLUMN app.report_ncrs.closed_at IS E'Closed at';
COMMENT ON COLUMN app.report_ncrs.days_open IS E'Days open\nTo closure, or to now while open.';

CREATE OR REPLACE VIEW app.report_lots WITH (security_invoker = true) AS
SELECT l.id AS lot_id, l.lot_number, l.part_id, l.site_id, l.quantity, l.remaining_quantity, l.unit, l.quality_status::text AS quality_status,
       l.inventory_state::text AS inventory_state, l.supplier_id, l.supplier_lot, l.produced_at, l.expires_at, l.organization_id
  FROM app.lots AS l;
COMMENT ON VIEW app.report_lots IS E'Lots for reports\nEvery lot the reader may see (traceability.read at its plant) with quantities, quality status and inventory state.';
COMMENT ON COLUMN app.report_lots.organization_id IS E'Tenant';
COMMENT ON COLUMN app.report_lots.lot_id IS E'Lot';
COMMENT ON COLUMN app.report_lots.lot_number IS E'Lot number';
COMMENT ON COLUMN app.report_lots.part_id IS E'Part';
COMMENT ON COLUMN app.report_lots.site_id IS E'Plant';
COMMENT ON COLUMN app.report_lots.quantity IS E'Quantity made';
COMMENT ON COLUMN app.report_lots.remaining_quantity IS E'Remaining';
COMMENT ON COLUMN app.report_lots.unit IS E'Unit';
COMMENT ON COLUMN app.report_lots.quality_status IS E'Quality status';
COMMENT ON COLUMN app.report_lots.inventory_state IS E'Inventory state';
COMMENT ON COLUMN app.report_lots.supplier_id IS E'Supplier';
COMMENT ON COLUMN app.report_lots.supplier_lot IS E'Supplier lot';
COMMENT ON COLUMN app.report_lots.produced_at IS E'Produced at';
COMMENT ON COLUMN app.report_lots.expires_at IS E'Expires at';

CREATE OR REPLACE VIEW app.report_shipments WITH (security_invoker = true) AS
SELECT s.id AS shipment_id, s.shipment_number, s.customer_id, s.site_id, s.status, s.carrier, s.promised_date, s.shipped_at, s.delivered_at,
       (s.shipped_at IS NULL AND s.status <> 'cancelled' AND s.promised_date < current_date) AS overdue, s.organization_id
  FROM app.shipments AS s;
COMMENT ON VIEW app.report_shipments IS E'Shipments for reports\nEvery shipment the reader may see (shipment.read at its plant, a portal user their own company''s) with dates and whether it is overdue (promised before today, not shipped, not cancelled).';
COMMENT ON COLUMN app.report_shipments.organization_id IS E'Tenant';
COMMENT ON COLUMN app.report_shipments.shipment_id IS E'Shipment';
COMMENT ON COLUMN app.report_shipments.shipment_number IS E'Shipment number';
COMMENT ON COLUMN app.report_shipments.customer_id IS E'Customer';
COMMENT ON COLUMN app.report_shipments.site_id IS E'Plant';
COMMENT ON COLUMN app.report_shipments.status IS E'Status';
COMMENT ON COLUMN app.report_shipments.carrier IS E'Carrier';
COMMENT ON COLUMN app.report_shipments.promised_date IS E'Promised date';
COMMENT ON COLUMN app.report_shipments.shipped_at IS E'Shipped at';
COMMENT ON COLUMN app.report_shipments.delivered_at IS E'Delivered at';
COMMENT ON COLUMN app.report_shipments.overdue IS E'Overdue\nPromised before today, not shipped, not cancelled.';

CREATE OR REPLACE VIEW app.report_inspections WITH (security_invoker = true) AS
SELECT i.id AS inspection_id, i.kind::text AS kind, i.part_id, i.site_id, i.line, i.status::text AS status, i.passed, i.passed_first_time,
       i.fai_report_number, i.completed_at, i.decided_at, i.organization_id
  FROM app.inspections AS i;
COMMENT ON VIEW app.report_inspections IS E'Inspections for reports\nEvery inspection the reader may see (inspection.read at its plant) with kind, status and result.';
COMMENT ON COLUMN app.report_inspections.organization_id IS E'Tenant';
COMMENT ON COLUMN app.report_inspections.inspection_id IS E'Inspection';
COMMENT ON COLUMN app.report_inspections.kind IS E'Kind';
COMMENT ON COLUMN app.report_inspections.part_id IS E'Part';
COMMENT ON COLUMN app.report_inspections.site_id IS E'Plant';
COMMENT ON COLUMN app.report_inspections.line IS E'Line';
COMMENT ON COLUMN app.report_inspections.status IS E'Status';
COMMENT ON COLUMN app.report_inspections.passed IS E'Passed';
COMMENT ON COLUMN app.report_inspections.passed_first_time IS E'Passed first time';
COMMENT ON COLUMN app.report_inspections.fai_report_number IS E'FAI report number';
COMMENT ON COLUMN app.report_inspections.completed_at IS E'Completed at';
COMMENT ON COLUMN app.report_inspections.decided_at IS E'Decided at';

CREATE OR REPLACE VIEW app.report_spc_signals WITH (security_invoker = true) AS
SELECT g.id AS signal_id, g.characteristic_id, c.name AS characteristic, g.site_id, g.subgroup, g.value, g.status,
       pg_catalog.array_to_string(g.rule_names, ', ') AS rules, g.created_at, g.closed_at, g.organization_id
  FROM app.spc_signals AS g
  JOIN app.characteristics AS c ON c.organization_id = g.organization_id AND c.id = g.characteristic_id;
COMMENT ON VIEW app.report_spc_signals IS E'SPC signals for reports\nEvery out-of-control signal the reader may see (inspection.read at its plant) with its characteristic, subgroup, value, rules broken and status.';
COMMENT ON COLUMN app.report_spc_signals.organization_id IS E'Tenant';
COMMENT ON COLUMN app.report_spc_signals.signal_id IS E'Signal';
COMMENT ON COLUMN app.report_spc_signals.characteristic_id IS E'Characteristic';
COMMENT ON COLUMN app.report_spc_signals.characteristic IS E'Characteristic name';
COMMENT ON COLUMN app.report_spc_signals.site_id IS E'Plant';
COMMENT ON COLUMN app.report_spc_signals.subgroup IS E'Subgroup';
COMMENT ON COLUMN app.report_spc_signals.value IS E'Plotted value';
COMMENT ON COLUMN app.report_spc_signals.status IS E'Status';
COMMENT ON COLUMN app.report_spc_signals.rules IS E'Rules broken';
COMMENT ON COLUMN app.report_spc_signals.created_at IS E'Raised at';
COMMENT ON COLUMN app.report_spc_signals.closed_at IS E'Closed at';

-- The SQL of one widget, checked: the caller's dashboard, the widget, its
-- definition (or source) and the source's permission; the query built by
-- the report builder from the register only (format %I / %L), capped.
CREATE OR REPLACE FUNCTION auth.dashboard_widget_query(p_dashboard_id uuid, p_widget_key text, p_parameters jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_cap constant integer := 1000;
  v_layout jsonb;
  v_widget jsonb;
  v_definition_row app.report_definitions;
  v_definition jsonb;
  v_values jsonb := '{}';
  v_columns text[];
BEGIN
  IF auth.user_id() IS NULL OR auth.org_id() IS NULL THEN
    RAISE EXCEPTION 'dashboards are read by a signed-in member' USING ERRCODE = 'PT401', DETAIL = 'session.required',
      HINT = 'Sign in and choose an organization.';
  END IF;
  PERFORM app_private.require_permission_anywhere('report.use', 'dashboards');
  -- The dashboards the caller reads (policy dashboards_select_user).
  SELECT d.layout INTO v_layout FROM app.dashboards AS d
   WHERE d.organization_id = auth.org_id() AND d.id = p_dashboard_id AND auth.partner_id() IS NULL
     AND (d.owner_id = auth.user_id() OR d.visibility = 'shared');
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no dashboard %', p_dashboard_id USING ERRCODE = 'PT404', DETAIL = 'dashboard.not_found',
      HINT = 'GET /dashboards lists the dashboards you may read.';
  END IF;
  SELECT w INTO v_widget FROM pg_catalog.jsonb_array_elements(v_layout -> 'widgets') AS w WHERE w ->> 'key' = p_widget_key;
  IF v_widget IS NULL THEN
    RAISE EXCEPTION 'the dashboard has no widget %', pg_catalog.left(p_widget_key, 64) USING ERRCODE = 'PT404',
      DETAIL = 'dashboard.widget_not_found', HINT = 'Send widget_key: the key of one of layout.widgets.';
  END IF;
  IF v_widget ? 'report_definition_id' THEN
    SELECT * INTO v_definition_row FROM app.report_definitions AS d
     WHERE d.organization_id = auth.org_id() AND d.id = (v_widget ->> 'report_definition_id')::uuid
       AND (d.owner_id = auth.user_id() OR d.visibility = 'shared');
    IF NOT FOUND THEN
      RAISE EXCEPTION 'the widget''s report is not one you may read' USING ERRCODE = 'PT404', DETAIL = 'report.not_found',
        HINT = 'Ask its owner to share it, or point the widget at another report.';
    END IF;
    v_definition := app_private.report_definition_snapshot(v_definition_row);
    v_values := app_private.report_parameter_values(v_definition_row.parameters,
                                                    coalesce(v_widget #> '{options,parameters}', '{}') || coalesce(p_parameters, '{}'));
  ELSE
    IF coalesce(p_parameters, '{}') <> '{}' THEN
      PERFORM app_private.raise_invalid('report.parameter_unknown', 'a source widget takes no parameters',
        'Point the widget at a report definition with parameters to filter it.');
    END IF;
    -- The widget's columns in order (x, series, then y), each once.
    v_columns := ARRAY(SELECT x.c FROM pg_catalog.unnest(ARRAY[v_widget #>> '{options,x_column}', v_widget #>> '{options,series_column}']
                         || ARRAY(SELECT pg_catalog.jsonb_array_elements_text(coalesce(v_widget #> '{options,y_columns}', '[]')))) WITH ORDINALITY AS x (c, o)
                        WHERE x.c IS NOT NULL GROUP BY x.c ORDER BY min(x.o));
    v_definition := pg_catalog.jsonb_build_object('source_key', v_widget ->> 'source', 'columns', pg_catalog.to_jsonb(v_columns),
                                                  'filters', '[]'::jsonb, 'sort', '[]'::jsonb, 'parameters', '[]'::jsonb, 'row_limit', v_cap);
  END IF;
  v_definition := v_definition || pg_catalog.jsonb_build_object('row_limit', least(coalesce((v_definition ->> 'row_limit')::integer, v_cap), v_cap));
  PERFORM app_private.require_report_source(app_private.report_source(v_definition ->> 'source_key'));
  v_columns := ARRAY(SELECT pg_catalog.jsonb_array_elements_text(v_definition -> 'columns'));
  IF pg_catalog.cardinality(v_columns) = 0 THEN
    v_columns := (app_private.report_source(v_definition ->> 'source_key')).default_columns;
  END IF;
  RETURN pg_catalog.jsonb_build_object('sql', app_private.report_query(v_definition, v_values), 'columns', pg_catalog.to_jsonb(v_columns),
                                       'row_cap', (v_definition ->> 'row_limit')::integer, 'chart', v_widget ->> 'chart',
                                       'title', v_widget ->> 'title', 'parameters', v_values);
END
$$;
COMMENT ON FUNCTION auth.dashboard_widget_query(uuid, text, jsonb) IS
  'For app.dashboard_widget_data: checks the caller''s dashboard (PT404 dashboard.not_found), its widget (dashboard.widget_not_found), the widget''s report definition they may read (report.not_found) with its parameters (report.parameter_*), report.use and the source''s permission (PT403 permission.missing), then returns the report builder''s SQL (register identifiers and validated literals only) capped at 1000 rows, the columns and the chart. Definer for the builder; the SQL runs as the caller.';

CREATE OR REPLACE FUNCTION app.dashboard_widget_data(dashboard_id uuid, widget_key text, parameters jsonb DEFAULT '{}') RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_query jsonb := auth.dashboard_widget_query(dashboard_widget_data.dashboard_id, dashboard_widget_data.widget_key,
                                               dashboard_widget_data.parameters);
  v_count integer;
  v_rows json;
BEGIN
  -- As the caller: the source's row-level security gives them their rows only.
  EXECUTE v_query ->> 'sql' INTO v_count, v_rows;
  RETURN pg_catalog.jsonb_build_object('widget_key', dashboard_widget_data.widget_key, 'title', v_query -> 'title', 'chart', v_query -> 'chart',
                                       'columns', v_query -> 'columns', 'parameters', v_query -> 'parameters', 'rows', v_rows,
                                       'row_count', v_count, 'row_cap', v_query -> 'row_cap',
                                       'truncated', v_count >= (v_query ->> 'row_cap')::integer);
END
$$;
COMMENT ON FUNCTION app.dashboard_widget_data(uuid, text, jsonb) IS
  E'Widget data\nThe rows of one widget of a dashboard you may read, now: its report definition (with its parameters: the widget''s options.parameters, then those sent) or its source''s chosen columns, run as you (row-level security: only rows you may read), at most 1000 rows (or the report''s row limit). Returns {widget_key, title, chart, columns, parameters, rows: [{column: value}], row_count, row_cap, truncated}. Needs report.use and the source''s permission.\nErrors: PT401 session.required, PT403 permission.missing, PT404 dashboard.not_found, dashboard.widget_not_found, report.not_found, PT422 report.parameter_unknown, report.parameter_missing, report.value_invalid, report.source_unknown.';
