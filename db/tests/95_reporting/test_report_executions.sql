-- Report executions: app.run_report checks and queues; the worker's start
-- runs the query as the requester (a plant-scoped member gets their plant's
-- rows only, another tenant nothing, a member without the source's
-- permission is refused, permissions revoked since the request count),
-- writes RFC 4180 CSV or JSON lines, or hands the worker the rows of a
-- PDF with its title, parameters and run time; finish records the object pointer; only
-- the requester sees and downloads it; parameter values are typed data,
-- never SQL; retention.
BEGIN;
SELECT plan(51);

INSERT INTO app_private.object_storage (endpoint, region, bucket, access_key_id, secret_access_key)
VALUES ('http://127.0.0.1:9000', 'us-east-1', 'pulse-files', 'AKID', 'secret');
SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('s1', tests.create_site(tests.recall('a')));
SELECT tests.remember('s2', tests.create_site(tests.recall('a')));
SELECT tests.remember('class', tests.create_equipment_class(tests.recall('a'), 'gauge', false, NULL));
SELECT tests.remember('g1', tests.create_equipment(tests.recall('a'), tests.recall('class'), tests.recall('s1'), NULL, 'Gauge, "big"'));
SELECT tests.remember('g2', tests.create_equipment(tests.recall('a'), tests.recall('class'), tests.recall('s2'), NULL, 'Gauge 2'));
SELECT tests.remember('g3', tests.create_equipment(tests.recall('a'), tests.recall('class'), NULL, NULL, 'Bench'));
SELECT tests.remember('b_class', tests.create_equipment_class(tests.recall('b'), 'gauge', false, NULL));
SELECT tests.remember('b_g', tests.create_equipment(tests.recall('b'), tests.recall('b_class'), NULL, NULL, 'Foreign gauge'));
SELECT tests.remember('tech_s1', tests.create_member(tests.recall('a'), 'technician', tests.recall('s1')));
SELECT tests.remember('tech_s2', tests.create_member(tests.recall('a'), 'technician', tests.recall('s2')));
SELECT tests.remember('tech', tests.create_member(tests.recall('a'), 'technician'));
SELECT tests.remember('manager', tests.create_member(tests.recall('a'), 'management'));
SELECT tests.remember('sales', tests.create_member(tests.recall('a'), 'sales'));
SELECT tests.remember('lab_tech', tests.create_member(tests.recall('a'), 'lab_tech'));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));

SELECT tests.act_as(tests.recall('manager'), tests.recall('a'));
INSERT INTO app.report_definitions (name, source_key, columns, filters, sort, parameters, visibility)
VALUES ('Equipment', 'equipment_calibration_status', '{equipment_number,name}',
        '[{"column": "name", "op": "like", "param": "name_like"}]', '[{"column": "equipment_number"}]',
        '[{"name": "name_like", "type": "text"}, {"name": "site", "type": "uuid"}]', 'shared');
SELECT tests.remember('shared', (SELECT id FROM app.report_definitions WHERE name = 'Equipment'));
SELECT tests.act_as(tests.recall('tech_s1'), tests.recall('a'));
INSERT INTO app.report_definitions (name, source_key, columns, sort, parameters, filters)
VALUES ('Mine', 'equipment_calibration_status', '{equipment_number,name,is_usable}', '[{"column": "equipment_number", "direction": "desc"}]',
        '[{"name": "usable", "type": "boolean", "required": true}]', '[{"column": "is_usable", "op": "=", "param": "usable"}]');
SELECT tests.remember('mine', (SELECT id FROM app.report_definitions WHERE name = 'Mine'));

-- Run: checked and queued.
SELECT is(tests.refusal(format($$SELECT app.run_report(%L)$$, tests.recall('mine'))), 'PT422 report.parameter_missing',
  'a required parameter without a value or default is refused');
SELECT is(tests.refusal(format($$SELECT app.run_report(%L, '{"usable": "yes"}')$$, tests.recall('mine'))), 'PT422 report.value_invalid',
  'a parameter value is of its type');
SELECT is(tests.refusal(format($$SELECT app.run_report(%L, '{"usable": true, "x": 1}')$$, tests.recall('mine'))), 'PT422 report.parameter_unknown',
  'values only for declared parameters');
SELECT is(tests.refusal(format($$SELECT app.run_report(%L, '[true]')$$, tests.recall('mine'))), 'PT422 report.parameters_invalid',
  'parameters are an object');
SELECT is(tests.refusal(format($$SELECT app.run_report(%L, '{"usable": true}', 'xlsx')$$, tests.recall('mine'))), 'PT422 report.format_invalid',
  'formats are csv, jsonl and pdf');
SELECT is(tests.refusal(format($$SELECT app.run_report(%L, '{"usable": true}', NULL)$$, tests.recall('mine'))), 'PT422 report.format_invalid',
  'a format is named');
SELECT tests.remember('e1', (SELECT id FROM app.run_report(tests.recall('shared'))));
SELECT is((SELECT status::text || ' ' || (requested_by = tests.recall('tech_s1'))::text FROM app.report_executions WHERE id = tests.recall('e1')),
  'queued true', 'a run is queued for its requester');
SELECT is(tests.refusal(format($$SELECT app.report_execution_url(%L)$$, tests.recall('e1'))), 'PT409 report_execution.not_succeeded',
  'no download before it succeeded');
SELECT is(tests.refusal($$INSERT INTO app.report_executions (definition, requested_by, status) VALUES ('{}', tests.recall('tech_s1'), 'succeeded')$$),
  '42501', 'executions are written only by the reporting functions');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM graphile_worker.jobs WHERE task_identifier = 'report_export' AND key = 'report_export:' || tests.recall('e1')),
  1, 'the export is queued for the worker');

-- The worker runs it as the requester: a plant-scoped member gets their plant's rows.
CREATE TEMP TABLE started ON COMMIT DROP AS
SELECT app_private.report_execution_start(tests.recall('a'), tests.recall('e1')) AS r;
SELECT is((SELECT r ->> 'body' FROM started),
  E'equipment_number,name\r\nEQ-000001,"Gauge, ""big"""\r\n',
  'the technician of site 1 gets site 1''s equipment only, as RFC 4180 CSV (quoted comma and quotes, CRLF)');
SELECT is((SELECT (r ->> 'row_count')::int FROM started), 1, 'the row count');
SELECT is(app_private.report_file(ARRAY['title', 'delta', 'note'],
            '[{"title": "=HYPERLINK(\"http://x.test\")", "delta": -5, "note": "@sum"}, {"title": "-low", "delta": 3, "note": "a=b"}]',
            'csv'),
  E'title,delta,note\r\n"''=HYPERLINK(""http://x.test"")",-5,''@sum\r\n''-low,3,a=b\r\n',
  'CSV: text a spreadsheet would run as a formula gets a leading apostrophe; numbers and other text stay as they are');
SELECT is(app_private.report_file(ARRAY['title'], '[{"title": "=1+1"}]', 'jsonl'), E'{"title": "=1+1"}\n',
  'JSON lines keep the text as it is');
SELECT is((SELECT r ->> 'put_url' ~ ('^http://127\.0\.0\.1:9000/pulse-files/tenants/' || tests.recall('a') || '/reports/' || tests.recall('e1') || '\.csv\?')
             FROM started), true, 'the worker gets a signed PUT URL inside the tenant''s storage');
SELECT is(current_user::text, session_user::text, 'the worker''s role is its own again afterwards');
SELECT is(coalesce(current_setting('request.jwt.claims', true), ''), '', 'and it carries no claims');
SELECT is((SELECT status::text || ' ' || attempts FROM app.report_executions WHERE id = tests.recall('e1')), 'running 1', 'running, one attempt');
SELECT is(app_private.report_execution_finish(tests.recall('a'), tests.recall('e1'), repeat('a', 64), 42, NULL, false), 'succeeded',
  'the stored file is recorded');
SELECT is((SELECT object_key || ' ' || sha256 || ' ' || size_bytes || ' ' || mime_type || ' ' || (duration_ms >= 0) || ' ' || row_count
             FROM app.report_executions WHERE id = tests.recall('e1')),
  'reports/' || tests.recall('e1') || '.csv ' || repeat('a', 64) || ' 42 text/csv true 1', 'object pointer, sha256, size, mime type, duration, rows');
SELECT is(app_private.report_execution_start(tests.recall('a'), tests.recall('e1')), NULL, 'a finished execution is not run again');

-- Only the requester sees and downloads it.
SELECT tests.act_as(tests.recall('tech_s1'), tests.recall('a'));
SELECT is((SELECT (app.report_execution_url(tests.recall('e1'))).url ~ ('/tenants/' || tests.recall('a') || '/reports/' || tests.recall('e1') || '\.csv\?')),
  true, 'the requester downloads it by a signed URL');
SELECT tests.act_as(tests.recall('manager'), tests.recall('a'));
SELECT is_empty($$SELECT FROM app.report_executions$$, 'nobody else sees it, the definition''s owner neither');
SELECT is(tests.refusal(format($$SELECT app.report_execution_url(%L)$$, tests.recall('e1'))), 'PT404 report_execution.not_found',
  'nor downloads it');

-- The same shared definition as a tenant-wide member, as JSON lines; a value is data, never SQL.
SELECT tests.act_as(tests.recall('tech'), tests.recall('a'));
SELECT tests.remember('e2', (SELECT id FROM app.run_report(tests.recall('shared'), '{}', 'jsonl')));
SELECT tests.remember('e3', (SELECT id FROM app.run_report(tests.recall('shared'), $${"name_like": "x' OR '1'='1"}$$)));
SELECT tests.remember('e4', (SELECT id FROM app.run_report(tests.recall('shared'), '{"name_like": "Gauge%"}')));
INSERT INTO app.report_definitions (name, source_key, columns, filters)
VALUES ('Typed filters', 'equipment_calibration_status', '{equipment_number}',
        '[{"column": "equipment_number", "op": "in", "value": ["EQ-000001", "EQ-000003"]},
          {"column": "site_id", "op": "is_null", "value": false},
          {"column": "is_usable", "op": "=", "value": true},
          {"column": "name", "op": "<>", "value": "Bench"}]');
SELECT tests.remember('e6', (SELECT id FROM app.run_report((SELECT id FROM app.report_definitions WHERE name = 'Typed filters'))));
SELECT tests.act_as(tests.recall('tech_s1'), tests.recall('a'));
SELECT tests.remember('e7', (SELECT id FROM app.run_report(tests.recall('mine'), '{"usable": true}')));
SELECT tests.act_as_owner();
SELECT is(app_private.report_execution_start(tests.recall('a'), tests.recall('e6')) ->> 'body', E'equipment_number\r\nEQ-000001\r\n',
  'in, is_null, = and <> filters with typed values (the bench without a site and the other gauges left out)');
SELECT is(app_private.report_execution_start(tests.recall('a'), tests.recall('e7')) ->> 'body',
  E'equipment_number,name,is_usable\r\nEQ-000001,"Gauge, ""big""",true\r\n', 'a parameter compared with =, as the plant-scoped requester');
SELECT is(app_private.report_execution_start(tests.recall('a'), tests.recall('e2')) ->> 'body',
  E'{"equipment_number" : "EQ-000001", "name" : "Gauge, \\"big\\""}\n{"equipment_number" : "EQ-000002", "name" : "Gauge 2"}\n{"equipment_number" : "EQ-000003", "name" : "Bench"}\n',
  'a tenant-wide member gets every row, as JSON lines in column order');
SELECT is((SELECT mime_type FROM app.report_executions WHERE id = tests.recall('e2')), NULL, '(the mime type is recorded when stored)');
SELECT is((app_private.report_execution_start(tests.recall('a'), tests.recall('e3')) ->> 'row_count')::int, 0,
  'a parameter value with quotes is compared as text: no rows, no injection');
SELECT is((app_private.report_execution_start(tests.recall('a'), tests.recall('e4')) ->> 'row_count')::int, 2, 'the parameter filters');

-- A PDF: the worker gets the rows, the title, parameters and times to draw it; stored as application/pdf.
SELECT tests.act_as(tests.recall('tech_s1'), tests.recall('a'));
SELECT tests.remember('e8', (SELECT id FROM app.run_report(tests.recall('mine'), '{"usable": true}', 'pdf')));
SELECT tests.act_as_owner();
CREATE TEMP TABLE started_pdf ON COMMIT DROP AS
SELECT app_private.report_execution_start(tests.recall('a'), tests.recall('e8')) AS r;
SELECT is((SELECT r - 'put_url' - 'requested_at' - 'run_at' - 'execution_id' FROM started_pdf),
  '{"format": "pdf", "title": "Mine", "columns": ["equipment_number", "name", "is_usable"], "rows": [{"equipment_number": "EQ-000001", "name": "Gauge, \"big\"", "is_usable": true}],
    "row_count": 1, "mime_type": "application/pdf", "parameters": {"usable": true}}'::jsonb,
  'a PDF execution hands the worker its title, columns, rows (as the plant-scoped requester), parameters and row count, no body');
SELECT is((SELECT (r ->> 'run_at')::timestamptz >= (r ->> 'requested_at')::timestamptz FROM started_pdf), true, 'and when it was requested and run');
SELECT is((SELECT r ->> 'put_url' ~ ('/tenants/' || tests.recall('a') || '/reports/' || tests.recall('e8') || '\.pdf\?') FROM started_pdf), true,
  'the PDF goes to reports/<id>.pdf in the tenant''s storage');
SELECT is(app_private.report_execution_finish(tests.recall('a'), tests.recall('e8'), repeat('b', 64), 1234, NULL, false), 'succeeded',
  'the stored PDF is recorded');
SELECT is((SELECT object_key || ' ' || mime_type FROM app.report_executions WHERE id = tests.recall('e8')),
  'reports/' || tests.recall('e8') || '.pdf application/pdf', 'as an object pointer with the PDF media type');

-- Who may run it.
SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
SELECT is(tests.refusal(format($$SELECT app.run_report(%L)$$, tests.recall('shared'))), 'PT403 permission.missing',
  'a member without the source''s permission cannot run a shared report on it');
SELECT tests.act_as(tests.recall('lab_tech'), tests.recall('a'));
SELECT is(tests.refusal(format($$SELECT app.run_report(%L)$$, tests.recall('shared'))), 'PT403 permission.missing',
  'a member without report.use runs none');
SELECT tests.act_as(tests.recall('tech_s2'), tests.recall('a'));
SELECT is(tests.refusal(format($$SELECT app.run_report(%L, '{"usable": true}')$$, tests.recall('mine'))), 'PT404 report.not_found',
  'another member''s private definition is not found');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(tests.refusal(format($$SELECT app.run_report(%L)$$, tests.recall('shared'))), 'PT404 report.not_found',
  'nor is another tenant''s shared one');
INSERT INTO app.report_definitions (name, source_key, columns) VALUES ('B equipment', 'equipment_calibration_status', '{name}');
SELECT tests.remember('eb', (SELECT id FROM app.run_report((SELECT id FROM app.report_definitions WHERE name = 'B equipment'))));
SELECT tests.act_as_owner();
SELECT is(app_private.report_execution_start(tests.recall('b'), tests.recall('eb')) ->> 'body', E'name\r\nForeign gauge\r\n',
  'another tenant''s report holds its own rows only');

SELECT tests.act_as(tests.create_operator());
SELECT is((SELECT count(*)::int FROM app.report_executions WHERE organization_id = tests.recall('a')), 7,
  'a platform operator reads every execution');
SELECT tests.act_as_owner();

-- Rights as of the run: a requester who lost report.use since the request.
SELECT tests.act_as(tests.recall('tech_s2'), tests.recall('a'));
SELECT tests.remember('e5', (SELECT id FROM app.run_report(tests.recall('shared'))));
SELECT tests.act_as_owner();
DELETE FROM app.role_assignments AS ra USING app.memberships AS m
 WHERE m.id = ra.membership_id AND m.organization_id = tests.recall('a') AND m.user_id = tests.recall('tech_s2');
SELECT is(app_private.report_execution_start(tests.recall('a'), tests.recall('e5')), NULL, 'the run is refused');
SELECT is((SELECT status || ' ' || error_code FROM app.report_executions WHERE id = tests.recall('e5')), 'failed permission.missing',
  'the execution failed with the reason');
SELECT is(current_user::text, session_user::text, 'the worker''s role is its own again after a failure too');

-- A failed upload: retried, then failed.
SELECT is(app_private.report_execution_finish(tests.recall('a'), tests.recall('e2'), NULL, NULL, 'socket hang up', false), 'running',
  'a failed upload stays running while retries remain');
SELECT is(app_private.report_execution_finish(tests.recall('a'), tests.recall('e2'), NULL, NULL, 'socket hang up', true), 'failed',
  'the last failed attempt marks it failed');
SELECT is((SELECT error_code FROM app.report_executions WHERE id = tests.recall('e2')), 'report.store_failed', 'with its reason');

-- A definition deleted keeps its executions (with what they ran).
DELETE FROM app.report_definitions WHERE id = tests.recall('shared');
SELECT is((SELECT (definition_id IS NULL)::text || ' ' || (definition ->> 'name') FROM app.report_executions WHERE id = tests.recall('e1')),
  'true Equipment', 'an execution outlives its definition, with the definition it ran');

-- Retention: finished executions older than 30 days go, their files to the purge list.
UPDATE app.report_executions SET requested_at = now() - interval '31 days' WHERE id IN (tests.recall('e1'), tests.recall('e3'));
SELECT is(app_private.purge_report_executions(), 1, 'a finished execution past the retention is deleted (a running one stays)');
SELECT is((SELECT count(*)::int FROM app_private.object_purges
            WHERE object_key = 'tenants/' || tests.recall('a') || '/reports/' || tests.recall('e1') || '.csv'), 1,
  'its file is listed for the object-store purge');
SELECT is((SELECT count(*)::int FROM app.report_executions WHERE organization_id = tests.recall('a')), 7, 'the others stay (the PDF one too)');

SELECT * FROM finish();
ROLLBACK;
