-- Dashboards: the layout follows its JSON Schema; widgets show one report
-- definition the owner reads or one registered source, fit the grid, name
-- only their source's columns; owners write their own, sharing needs
-- report.manage; who reads them.
BEGIN;
SELECT plan(18);

SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('qa', tests.create_member(tests.recall('a'), 'qa'));
SELECT tests.remember('qa2', tests.create_member(tests.recall('a'), 'qa'));
SELECT tests.remember('manager', tests.create_member(tests.recall('a'), 'management'));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));

SELECT tests.act_as(tests.recall('qa2'), tests.recall('a'));
INSERT INTO app.report_definitions (name, source_key) VALUES ('Private of qa2', 'project_portfolio');
SELECT tests.remember('private2', (SELECT id FROM app.report_definitions WHERE name = 'Private of qa2'));
SELECT tests.act_as(tests.recall('qa'), tests.recall('a'));
INSERT INTO app.report_definitions (name, source_key) VALUES ('Portfolio', 'project_portfolio');
SELECT tests.remember('def', (SELECT id FROM app.report_definitions WHERE name = 'Portfolio'));

SELECT lives_ok(format($$INSERT INTO app.dashboards (name, layout) VALUES ('Quality', '{"columns": 12, "widgets": [
    {"key": "portfolio", "title": "Projects by stage", "report_definition_id": %s, "chart": "bar", "x": 0, "y": 0, "w": 6, "h": 4,
     "options": {"x_column": "stage_name", "y_columns": ["project_count"]}},
    {"key": "otd", "source": "on_time_delivery", "chart": "line", "x": 6, "y": 0, "w": 6, "h": 4,
     "options": {"x_column": "month", "y_columns": ["on_time_rate"]}}]}')$$, to_json(tests.recall('def')::text)),
  'a dashboard of a definition and a source');
SELECT is((SELECT owner_id FROM app.dashboards WHERE name = 'Quality'), tests.recall('qa'), 'the owner is the caller');
SELECT is(tests.refusal($$INSERT INTO app.dashboards (name, layout) VALUES ('x', '{"widgets": [{"key": "a", "source": "project_portfolio", "chart": "radar", "x": 0, "y": 0, "w": 1, "h": 1}]}')$$),
  'PT422 json_schema.invalid', 'charts come from the list');
SELECT is(tests.refusal($$INSERT INTO app.dashboards (name, layout) VALUES ('x', '{"widgets": [], "script": "alert(1)"}')$$),
  'PT422 json_schema.invalid', 'nothing but the schema''s keys');
SELECT is(tests.refusal($$INSERT INTO app.dashboards (name, layout) VALUES ('x', '{"widgets": [{"key": "a", "source": "project_portfolio", "chart": "bar", "x": 0, "y": 0, "w": 1, "h": 1},
                                                                          {"key": "a", "source": "project_portfolio", "chart": "bar", "x": 1, "y": 0, "w": 1, "h": 1}]}')$$),
  'PT422 dashboard.widget_key_duplicate', 'widget keys are unique');
SELECT is(tests.refusal($$INSERT INTO app.dashboards (name, layout) VALUES ('x', '{"widgets": [{"key": "a", "chart": "bar", "x": 0, "y": 0, "w": 1, "h": 1}]}')$$),
  'PT422 dashboard.widget_invalid', 'a widget shows a definition or a source');
SELECT is(tests.refusal($$INSERT INTO app.dashboards (name, layout) VALUES ('x', '{"widgets": [{"key": "a", "source": "project_portfolio", "chart": "bar", "x": 10, "y": 0, "w": 6, "h": 1}]}')$$),
  'PT422 dashboard.widget_invalid', 'a widget fits the grid');
SELECT is(tests.refusal($$INSERT INTO app.dashboards (name, layout) VALUES ('x', '{"widgets": [{"key": "a", "source": "users", "chart": "table", "x": 0, "y": 0, "w": 1, "h": 1}]}')$$),
  'PT422 report.source_unknown', 'a source is registered');
SELECT is(tests.refusal($$INSERT INTO app.dashboards (name, layout) VALUES ('x', '{"widgets": [{"key": "a", "source": "project_portfolio", "chart": "bar", "x": 0, "y": 0, "w": 1, "h": 1, "options": {"y_columns": ["password_hash"]}}]}')$$),
  'PT422 report.column_unknown', 'a widget names only its source''s columns');
SELECT is(tests.refusal(format($$INSERT INTO app.dashboards (name, layout) VALUES ('x', '{"widgets": [{"key": "a", "report_definition_id": %s, "chart": "table", "x": 0, "y": 0, "w": 1, "h": 1}]}')$$,
                               to_json(tests.recall('private2')::text))),
  'PT422 dashboard.report_unknown', 'another member''s private definition cannot be shown');
SELECT is(tests.refusal($$INSERT INTO app.dashboards (name, visibility) VALUES ('x', 'shared')$$), 'PT403 permission.missing',
  'sharing needs report.manage');
SELECT is(tests.refusal($$UPDATE app.dashboards SET owner_id = tests.recall('qa2') WHERE name = 'Quality'$$), 'PT409 row.fixed_column',
  'the owner stays');
INSERT INTO app.dashboards (name) VALUES ('Scratch');
SELECT results_eq($$WITH d AS (DELETE FROM app.dashboards WHERE name = 'Scratch' RETURNING 1) SELECT count(*)::int FROM d$$,
  ARRAY[1], 'the owner deletes their dashboard');
SELECT tests.act_as(tests.recall('qa2'), tests.recall('a'));
SELECT is_empty($$SELECT FROM app.dashboards$$, 'another member does not see a private dashboard');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is_empty($$SELECT FROM app.dashboards WHERE organization_id = tests.recall('a')$$, 'another tenant sees none');
SELECT tests.act_as(tests.create_operator());
SELECT is((SELECT count(*)::int FROM app.dashboards WHERE organization_id = tests.recall('a')), 1, 'a platform operator reads dashboards');
SELECT is((SELECT count(*)::int FROM app.report_definitions WHERE organization_id = tests.recall('a')), 2, 'and report definitions');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.dashboards WHERE organization_id = tests.recall('a')), 1, 'the hidden rows exist');

SELECT * FROM finish();
ROLLBACK;
