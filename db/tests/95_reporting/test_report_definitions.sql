-- Report definitions: checked against their source's whitelist on every
-- write (columns, filter columns and operators, typed values, parameters,
-- sort), never SQL from users (injection attempts in names and values are
-- refused or stay quoted data); owners write their own, sharing needs
-- report.manage; who reads them.
BEGIN;
SELECT plan(37);

SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('tech', tests.create_member(tests.recall('a'), 'technician'));
SELECT tests.remember('tech2', tests.create_member(tests.recall('a'), 'technician'));
SELECT tests.remember('manager', tests.create_member(tests.recall('a'), 'management'));
SELECT tests.remember('no_reports', tests.create_member(tests.recall('a'), 'lab_tech'));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('customer', tests.create_partner(tests.recall('a')));
SELECT tests.remember('portal', tests.create_member(tests.recall('a'), 'customer_portal', NULL, tests.recall('customer')));

SELECT tests.act_as(tests.recall('tech'), tests.recall('a'));
SELECT lives_ok($$INSERT INTO app.report_definitions (name, source_key, columns, filters, sort, parameters)
  VALUES ('Calibration due', 'equipment_calibration_status', '{equipment_number,name,valid_to}',
          '[{"column": "calibration_status", "op": "in", "value": ["due_soon", "overdue"]},
            {"column": "valid_to", "op": "<=", "param": "until"},
            {"column": "name", "op": "like", "value": "Cal%"}]',
          '[{"column": "valid_to", "direction": "asc"}]',
          '[{"name": "until", "type": "timestamp", "default": "2030-01-01T00:00:00Z"}]')$$,
  'a member with report.use saves a definition over a source whose permission they hold');
SELECT is((SELECT owner_id FROM app.report_definitions WHERE name = 'Calibration due'), tests.recall('tech'), 'the owner is the caller');
SELECT tests.remember('def', (SELECT id FROM app.report_definitions WHERE name = 'Calibration due'));

-- The whitelist.
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (name, source_key) VALUES ('x', 'users')$$),
  'PT422 report.source_unknown', 'only registered sources');
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (name, source_key) VALUES ('x', 'activity_log')$$),
  'PT403 permission.missing', 'only sources whose permission the writer holds (audit.read here)');
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (name, source_key) VALUES ('x', 'pg_catalog.pg_authid')$$),
  'PT422 report.source_unknown', 'a schema-qualified name is no source either');
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (name, source_key, columns)
  VALUES ('x', 'equipment_calibration_status', '{name,organization_id}')$$),
  'PT422 report.column_unknown', 'only the source''s registered columns');
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (name, source_key, columns)
  VALUES ('x', 'equipment_calibration_status', ARRAY['name', 'name; DROP TABLE app.users; --'])$$),
  'PT422 report.column_unknown', 'a column name carrying SQL is refused');
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (name, source_key, columns)
  VALUES ('x', 'equipment_calibration_status', '{name,name}')$$),
  'PT422 report.column_duplicate', 'a column once');
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (name, source_key, filters)
  VALUES ('x', 'equipment_calibration_status', '[{"column": "due_soon_from", "op": "=", "value": "2030-01-01"}]')$$),
  'PT422 report.filter_not_allowed', 'filters only on the filter columns');
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (name, source_key, filters)
  VALUES ('x', 'equipment_calibration_status', '[{"column": "name\" = name OR 1=1 --", "op": "=", "value": "a"}]')$$),
  'PT422 json_schema.invalid', 'a filter column carrying SQL does not even pass the schema');
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (name, source_key, filters)
  VALUES ('x', 'equipment_calibration_status', '[{"column": "name", "op": "; DELETE FROM app.equipment", "value": "a"}]')$$),
  'PT422 json_schema.invalid', 'operators come from the allow-list');
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (name, source_key, filters)
  VALUES ('x', 'equipment_calibration_status', '[{"column": "is_usable", "op": "=", "value": "yes"}]')$$),
  'PT422 report.value_invalid', 'values are typed: a boolean column takes true or false');
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (name, source_key, filters)
  VALUES ('x', 'equipment_calibration_status', '[{"column": "valid_to", "op": ">", "value": "yesterday"}]')$$),
  'PT422 report.value_invalid', 'a timestamp column takes an RFC 3339 time');
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (name, source_key, filters)
  VALUES ('x', 'equipment_calibration_status', '[{"column": "site_id", "op": "=", "value": "1 OR 1=1"}]')$$),
  'PT422 report.value_invalid', 'a uuid column takes a uuid');
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (name, source_key, filters)
  VALUES ('x', 'equipment_calibration_status', '[{"column": "name", "op": "in", "value": []}]')$$),
  'PT422 report.value_invalid', 'in takes a list of 1 to 500 values');
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (name, source_key, filters)
  VALUES ('x', 'equipment_calibration_status', '[{"column": "name", "op": "is_null", "value": "x"}]')$$),
  'PT422 report.value_invalid', 'is_null takes true or false');
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (name, source_key, filters)
  VALUES ('x', 'equipment_calibration_status', '[{"column": "valid_to", "op": "like", "value": "2030%"}]')$$),
  'PT422 report.operator_invalid', 'like only on text columns');
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (name, source_key, filters)
  VALUES ('x', 'equipment_calibration_status', '[{"column": "name", "op": "=", "value": "a", "param": "p"}]')$$),
  'PT422 report.filter_invalid', 'a filter has a value or a parameter, not both');
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (name, source_key, filters)
  VALUES ('x', 'equipment_calibration_status', '[{"column": "name", "op": "=", "param": "p"}]')$$),
  'PT422 report.parameter_unknown', 'a parameter a filter names is declared');
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (name, source_key, filters, parameters)
  VALUES ('x', 'equipment_calibration_status', '[{"column": "name", "op": "=", "param": "p"}]', '[{"name": "p", "type": "number"}]')$$),
  'PT422 report.parameter_type_mismatch', 'of the column''s type');
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (name, source_key, parameters)
  VALUES ('x', 'equipment_calibration_status', '[{"name": "p", "type": "text"}, {"name": "p", "type": "text"}]')$$),
  'PT422 report.parameter_duplicate', 'parameter names are unique');
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (name, source_key, parameters)
  VALUES ('x', 'equipment_calibration_status', '[{"name": "p", "type": "date", "default": "soon"}]')$$),
  'PT422 report.value_invalid', 'a default is of its parameter''s type');
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (name, source_key, sort)
  VALUES ('x', 'equipment_calibration_status', '[{"column": "is_usable"}]')$$),
  'PT422 report.sort_not_allowed', 'sort only by the sort columns');
SELECT is(tests.refusal($$UPDATE app.report_definitions SET columns = '{secret}' WHERE id = tests.recall('def')$$),
  'PT422 report.column_unknown', 'an update is checked as an insert is');
SELECT is(tests.refusal($$UPDATE app.report_definitions SET owner_id = tests.recall('tech2') WHERE id = tests.recall('def')$$),
  'PT409 row.fixed_column', 'the owner stays');

-- Sharing and who reads.
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (name, source_key, visibility) VALUES ('Mine shared', 'equipment_calibration_status', 'shared')$$),
  'PT403 permission.missing', 'sharing needs report.manage');
SELECT tests.act_as(tests.recall('tech2'), tests.recall('a'));
SELECT is_empty($$SELECT FROM app.report_definitions$$, 'another member does not see a private definition');
SELECT results_eq($$WITH u AS (UPDATE app.report_definitions SET name = 'stolen' RETURNING 1) SELECT count(*)::int FROM u$$,
  ARRAY[0], 'nor changes it');
SELECT tests.act_as(tests.recall('manager'), tests.recall('a'));
SELECT lives_ok($$INSERT INTO app.report_definitions (name, source_key, visibility) VALUES ('Portfolio', 'project_portfolio', 'shared')$$,
  'management shares a definition');
SELECT tests.act_as(tests.recall('tech2'), tests.recall('a'));
SELECT is((SELECT array_agg(name) FROM app.report_definitions), ARRAY['Portfolio'], 'every member with report.use reads a shared one');
SELECT results_eq($$WITH d AS (DELETE FROM app.report_definitions RETURNING 1) SELECT count(*)::int FROM d$$,
  ARRAY[0], 'but only report.manage changes or deletes it');
SELECT tests.act_as(tests.recall('no_reports'), tests.recall('a'));
SELECT is_empty($$SELECT FROM app.report_definitions$$, 'a member without report.use sees none');
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (name, source_key) VALUES ('x', 'equipment_calibration_status')$$),
  'PT403 permission.missing', 'nor writes one');
SELECT tests.act_as(tests.recall('portal'), tests.recall('a'));
SELECT is_empty($$SELECT FROM app.report_definitions$$, 'a portal user sees none');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is_empty($$SELECT FROM app.report_definitions WHERE organization_id = tests.recall('a')$$, 'another tenant sees none');
SELECT is(tests.refusal($$INSERT INTO app.report_definitions (organization_id, name, source_key) VALUES (tests.recall('a'), 'x', 'project_portfolio')$$),
  '42501 tenant.foreign_row', 'nor writes into it');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.report_definitions WHERE organization_id = tests.recall('a')), 2, 'the hidden rows exist');

SELECT * FROM finish();
ROLLBACK;
