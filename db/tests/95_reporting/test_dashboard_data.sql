-- Dashboards are fed synchronously: app.dashboard_widget_data runs one
-- widget's report definition (with its parameters) or source as the caller
-- (row-level security: a plant-scoped reader gets their plant's rows),
-- capped at 1000 rows; other tenants' dashboards, unknown widgets, unknown
-- parameters and sources the caller may not read are refused.
BEGIN;
SELECT plan(10);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('manager', tests.create_member(tests.recall('t'), 'management'));
SELECT tests.remember('qe_a', tests.create_member(tests.recall('t'), 'quality_engineer', tests.recall('plant_a')));
SELECT tests.remember('sales', tests.create_member(tests.recall('t'), 'sales'));
SELECT tests.remember('stranger', tests.create_member(tests.recall('other'), 'management'));
SELECT tests.remember('part', tests.create_part(tests.recall('t')));
SELECT tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant_a'), 10)::text;
SELECT tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant_a'), 10, 'on_hold')::text;
SELECT tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant_b'), 10, 'on_hold')::text;

-- Management shares a dashboard: a source widget and a report with a parameter.
SELECT tests.act_as(tests.recall('manager'), tests.recall('t'));
INSERT INTO app.report_definitions (name, source_key, columns, filters, parameters, visibility)
VALUES ('Lots by status', 'report_lots', '{lot_number,site_id,quality_status}', '[{"column": "quality_status", "op": "=", "param": "status"}]',
        '[{"name": "status", "type": "text", "default": "released"}]', 'shared');
INSERT INTO app.dashboards (name, visibility, layout) VALUES ('Plant quality', 'shared', format('{"widgets": [
  {"key": "lots", "source": "report_lots", "chart": "table", "x": 0, "y": 0, "w": 6, "h": 4, "options": {"x_column": "lot_number", "y_columns": ["remaining_quantity"]}},
  {"key": "held", "report_definition_id": %s, "chart": "number", "x": 6, "y": 0, "w": 6, "h": 4, "options": {"parameters": {"status": "on_hold"}}}]}',
  to_json((SELECT id FROM app.report_definitions WHERE name = 'Lots by status')::text))::jsonb);
SELECT tests.remember('dash', (SELECT id FROM app.dashboards WHERE name = 'Plant quality'));
SELECT results_eq(format($$SELECT (d ->> 'row_count')::int, d -> 'columns', (d ->> 'row_cap')::int, (d ->> 'truncated')::boolean
                           FROM app.dashboard_widget_data(%L, 'lots') AS d$$, tests.recall('dash')),
  $$VALUES (3, '["lot_number", "remaining_quantity"]'::jsonb, 1000, false)$$,
  'a tenant-wide reader gets every plant''s lots, the widget''s columns, capped at 1000 rows');
SELECT is((SELECT (d ->> 'row_count')::int FROM app.dashboard_widget_data(tests.recall('dash'), 'held') AS d), 2,
  'a report widget runs with the widget''s parameters');
SELECT is((SELECT (d ->> 'row_count')::int FROM app.dashboard_widget_data(tests.recall('dash'), 'held', '{"status": "released"}') AS d), 1,
  'and the values sent win');

-- The plant-A quality engineer reads the same dashboard: plant A's rows only.
SELECT tests.act_as(tests.recall('qe_a'), tests.recall('t'));
SELECT is((SELECT (d ->> 'row_count')::int FROM app.dashboard_widget_data(tests.recall('dash'), 'lots') AS d), 2,
  'as the caller: a plant-A reader gets plant A''s lots');
SELECT is((SELECT d #>> '{rows,0,quality_status}' FROM app.dashboard_widget_data(tests.recall('dash'), 'held') AS d), 'on_hold',
  'rows come as objects of the report''s columns');
SELECT is(tests.refusal(format($$SELECT app.dashboard_widget_data(%L, 'nope')$$, tests.recall('dash'))), 'PT404 dashboard.widget_not_found',
  'an unknown widget is refused');
SELECT is(tests.refusal(format($$SELECT app.dashboard_widget_data(%L, 'held', '{"x": 1}')$$, tests.recall('dash'))), 'PT422 report.parameter_unknown',
  'an unknown parameter is refused');
SELECT is(tests.refusal(format($$SELECT app.dashboard_widget_data(%L, 'lots', '{"status": "on_hold"}')$$, tests.recall('dash'))),
  'PT422 report.parameter_unknown', 'a source widget takes no parameters');

-- Sales reads dashboards but not lots; another tenant does not find it.
SELECT tests.act_as(tests.recall('sales'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.dashboard_widget_data(%L, 'lots')$$, tests.recall('dash'))), 'PT403 permission.missing',
  'a reader without the source''s permission is refused');
SELECT tests.act_as(tests.recall('stranger'), tests.recall('other'));
SELECT is(tests.refusal(format($$SELECT app.dashboard_widget_data(%L, 'lots')$$, tests.recall('dash'))), 'PT404 dashboard.not_found',
  'another tenant''s dashboard is not found');

SELECT * FROM finish();
ROLLBACK;
