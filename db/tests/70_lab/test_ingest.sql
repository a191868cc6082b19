-- Instrument data ingest: an import keeps the rows as received; ingesting
-- creates a result per valid row and rejects every other with its reason
-- (one bad row never aborts the import, an error of the results' own rules
-- included); idempotent per (instrument, external run id); staff with
-- result.enter at the instrument's site only; portal users never see imports.
BEGIN;
SELECT plan(22);

SELECT tests.remember('lab', tests.create_lab_tenant());
SELECT tests.remember('instrument', tests.create_runs_world());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('other_site', tests.create_site(tests.recall('lab')));
SELECT tests.remember('other_instrument', tests.create_instrument(tests.recall('lab'), p_site_id => tests.recall('lab_site')));
SELECT tests.remember('cond', tests.create_lab_test(tests.recall('lab'), 'cond', 'uS/cm'));
SELECT tests.remember('a_cond', tests.create_received_analysis(tests.recall('lab'), tests.recall('water'), tests.recall('cond'), tests.recall('lab_site')));
SELECT tests.remember('a_cond2', tests.create_received_analysis(tests.recall('lab'), tests.recall('water'), tests.recall('cond'), tests.recall('lab_site')));
SELECT tests.remember('a3', tests.create_received_analysis(tests.recall('lab'), tests.recall('water'), tests.recall('ph'), tests.recall('lab_site')));
SELECT tests.remember('tech', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('lab_site')));
SELECT tests.remember('tech_elsewhere', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('other_site')));
SELECT tests.remember('reviewer', tests.create_member(tests.recall('lab'), 'lab_reviewer'));
SELECT tests.remember('portal', tests.create_member(tests.recall('lab'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
CREATE TEMP TABLE bc ON COMMIT DROP AS
SELECT a.id AS analysis_id, s.barcode FROM app.analyses AS a JOIN app.samples AS s ON s.id = a.sample_id WHERE a.organization_id = tests.recall('lab');
GRANT SELECT ON bc TO PUBLIC;
CREATE FUNCTION pg_temp.barcode(p_key text) RETURNS text LANGUAGE sql AS $$ SELECT barcode FROM bc WHERE analysis_id = tests.recall(p_key) $$;
GRANT EXECUTE ON FUNCTION pg_temp.barcode(text) TO PUBLIC;

-- a3 is on a run in progress: its ingested result joins the run.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
INSERT INTO app.runs (test_code, equipment_id, notes) VALUES ('ph', tests.recall('instrument'), 'Ingest run');
INSERT INTO app.run_analyses (run_id, analysis_id) SELECT id, tests.recall('a3') FROM app.runs WHERE notes = 'Ingest run';
SELECT app.start_run(id) FROM app.runs WHERE notes = 'Ingest run';

-- Who may send imports.
SELECT tests.act_as(tests.recall('tech_elsewhere'), tests.recall('lab'));
SELECT is(tests.refusal(format($$INSERT INTO app.instrument_imports (equipment_id, external_run_id, rows) VALUES (%L, 'SEQ-1', '[{}]')$$,
                               tests.recall('instrument'))), 'PT404 equipment.not_found', 'a technician of another site cannot send this site''s instrument''s data');
SELECT tests.act_as(tests.recall('reviewer'), tests.recall('lab'));
SELECT is(tests.refusal(format($$INSERT INTO app.instrument_imports (equipment_id, external_run_id, rows) VALUES (%L, 'SEQ-1', '[{}]')$$,
                               tests.recall('instrument'))), 'PT403 permission.missing', 'a reviewer (no result.enter) cannot send imports');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$INSERT INTO app.instrument_imports (equipment_id, external_run_id, run_id, rows)
                                 SELECT %L, 'SEQ-1', id, '[{}]' FROM app.runs WHERE notes = 'Ingest run'$$, tests.recall('other_instrument'))),
  'PT422 ingest.run_instrument_mismatch', 'an import names a run of its own instrument only');

INSERT INTO app.instrument_imports (equipment_id, external_run_id, source, rows)
VALUES (tests.recall('instrument'), 'SEQ-1', 'Test middleware', jsonb_build_array(
  jsonb_build_object('barcode', pg_temp.barcode('a1'), 'test', 'ph', 'value', 7.1, 'measured_at', '2026-12-01T10:00:00Z'),
  jsonb_build_object('barcode', 'NO-SUCH', 'test', 'ph', 'value', 7.0),
  jsonb_build_object('barcode', pg_temp.barcode('a2'), 'test', 'ph', 'value', 'high'),
  jsonb_build_object('barcode', pg_temp.barcode('a2'), 'test', 'ph', 'value', 7.2, 'raw_data_key', 'raw/seq-1.csv', 'raw_data_sha256', 'not-a-checksum'),
  jsonb_build_object('barcode', pg_temp.barcode('a2'), 'test', 'ph', 'value', 7.2, 'unit', 'furlong'),
  jsonb_build_object('barcode', pg_temp.barcode('a2'), 'test', 'ph', 'value', 7.2, 'measured_at', 'not a time'),
  '"not an object"'::jsonb,
  jsonb_build_object('barcode', pg_temp.barcode('a2'), 'test', 'ph', 'value', jsonb_build_object('value', 7.25)),
  jsonb_build_object('barcode', pg_temp.barcode('a2'), 'test', 'ph', 'value', 7.3),
  jsonb_build_object('barcode', pg_temp.barcode('a_cond'), 'test', 'cond', 'value', 0.05, 'unit', 'S/m'),
  jsonb_build_object('barcode', pg_temp.barcode('a_cond2'), 'test', 'cond', 'value', 5, 'unit', 'mg/L'),
  jsonb_build_object('barcode', pg_temp.barcode('a3'), 'test', 'ph', 'value', 6.8)));
SELECT tests.remember('i1', (SELECT id FROM app.instrument_imports WHERE external_run_id = 'SEQ-1'));
SELECT is((SELECT jsonb_build_object('rows', count(*), 'pending', count(*) FILTER (WHERE outcome = 'pending'), 'site', min(i.site_id::text))
             FROM app.instrument_import_rows AS r JOIN app.instrument_imports AS i ON i.id = r.import_id WHERE r.import_id = tests.recall('i1')),
  jsonb_build_object('rows', 12, 'pending', 12, 'site', tests.recall('lab_site')::text), 'each received row is staged as received, pending, at the instrument''s site');
SELECT is(tests.refusal(format($$UPDATE app.instrument_import_rows SET outcome = 'accepted' WHERE import_id = %L$$, tests.recall('i1'))), '42501',
  'outcomes are not written by clients');

SELECT is((SELECT jsonb_build_object('status', status, 'accepted', accepted_count, 'rejected', rejected_count) FROM app.ingest_results(tests.recall('i1'))),
  jsonb_build_object('status', 'processed', 'accepted', 4, 'rejected', 8), 'ingesting accepts the valid rows and rejects the others, without aborting');
SELECT is((SELECT array_agg(coalesce(rejection_code, outcome::text) ORDER BY row_number) FROM app.instrument_import_rows WHERE import_id = tests.recall('i1')),
  ARRAY['accepted', 'ingest.sample_unknown', 'ingest.value_invalid', '23514', 'ingest.unit_unknown', 'ingest.measured_at_invalid', 'ingest.row_invalid',
        'accepted', 'ingest.analysis_missing', 'accepted', 'ingest.unit_incompatible', 'accepted'],
  'each rejected row has its reason code, a database constraint''s included');
SELECT ok((SELECT rejection_reason FROM app.instrument_import_rows WHERE import_id = tests.recall('i1') AND row_number = 2) LIKE 'no sample with barcode NO-SUCH%',
  'a rejection says why in words');
SELECT is((SELECT jsonb_build_object('value', r.value, 'equipment', r.equipment_id, 'measured_at', r.measured_at, 'analysis', a.status, 'by', r.entered_by)
             FROM app.results AS r JOIN app.analyses AS a ON a.id = r.analysis_id WHERE r.analysis_id = tests.recall('a1')),
  jsonb_build_object('value', '{"value": 7.1}'::jsonb, 'equipment', tests.recall('instrument'), 'measured_at', '2026-12-01T10:00:00+00:00'::timestamptz,
                     'analysis', 'resulted', 'by', tests.recall('tech')),
  'an accepted row creates the result (the number as a document, the instrument, when measured, who) and the analysis is resulted');
SELECT is((SELECT value FROM app.results WHERE analysis_id = tests.recall('a2')), '{"value": 7.25}'::jsonb, 'a row may send the whole result document');
SELECT is((SELECT jsonb_build_object('n', numeric_value, 'unit', unit, 'doc', value) FROM app.results WHERE analysis_id = tests.recall('a_cond')),
  jsonb_build_object('n', 500, 'unit', 'uS/cm', 'doc', '{"value": 500}'::jsonb), 'a value in another unit of the dimension is converted to the test''s unit');
SELECT is((SELECT r.run_id FROM app.results AS r WHERE r.analysis_id = tests.recall('a3')), (SELECT id FROM app.runs WHERE notes = 'Ingest run'),
  'an ingested result of a run''s analysis joins the run');
SELECT is((SELECT result_id FROM app.instrument_import_rows WHERE import_id = tests.recall('i1') AND row_number = 1),
  (SELECT id FROM app.results WHERE analysis_id = tests.recall('a1')), 'an accepted row points at its result');

-- Idempotent: again, or another import of the same instrument run, creates nothing.
SELECT is((SELECT jsonb_build_object('status', status, 'accepted', accepted_count) FROM app.ingest_results(tests.recall('i1'))),
  jsonb_build_object('status', 'processed', 'accepted', 4), 'ingesting an import again answers the same');
INSERT INTO app.analyses (sample_id, lab_test_id) SELECT sample_id, lab_test_id FROM app.analyses WHERE id = tests.recall('a1');
INSERT INTO app.instrument_imports (equipment_id, external_run_id, rows)
VALUES (tests.recall('instrument'), 'SEQ-1', jsonb_build_array(jsonb_build_object('barcode', pg_temp.barcode('a1'), 'test', 'ph', 'value', 7.1)));
SELECT tests.remember('i2', (SELECT id FROM app.instrument_imports WHERE external_run_id = 'SEQ-1' AND id <> tests.recall('i1')));
SELECT is((SELECT jsonb_build_object('status', status, 'of', duplicate_of_id, 'accepted', accepted_count) FROM app.ingest_results(tests.recall('i2'))),
  jsonb_build_object('status', 'duplicate', 'of', tests.recall('i1'), 'accepted', 0), 'a second import of the same instrument run is reported as a duplicate');
SELECT is((SELECT array_agg(outcome::text) FROM app.instrument_import_rows WHERE import_id = tests.recall('i2')), ARRAY['skipped'], 'its rows are skipped');
SELECT is((SELECT count(*)::int FROM app.results), 4, 'and it created no result');
INSERT INTO app.instrument_imports (equipment_id, external_run_id, rows)
VALUES (tests.recall('other_instrument'), 'SEQ-1', jsonb_build_array(jsonb_build_object('barcode', pg_temp.barcode('a1'), 'test', 'ph', 'value', 7.1)));
SELECT is((SELECT r.status::text FROM app.instrument_imports AS i, app.ingest_results(i.id) AS r WHERE i.equipment_id = tests.recall('other_instrument')),
  'processed', 'the same run id of another instrument is another run');

-- Who sees and ingests imports.
SELECT tests.act_as(tests.recall('reviewer'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.ingest_results(%L)$$, tests.recall('i1'))), 'PT404 ingest.not_found', 'a reviewer (no result.enter) cannot ingest');
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.instrument_imports) + (SELECT count(*)::int FROM app.instrument_import_rows), 0, 'portal users never see imports');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(tests.refusal(format($$SELECT app.ingest_results(%L)$$, tests.recall('i1'))), 'PT404 ingest.not_found', 'another tenant''s admin cannot reach the import');

-- Rows staged by hand (a platform operator's repair) get their keys from the server.
SELECT tests.remember('operator', tests.create_operator());
SELECT tests.act_as(tests.recall('operator'), tests.recall('lab'));
INSERT INTO app.instrument_import_rows (import_id, row_number, data) VALUES (tests.recall('i1'), 99, '{}');
SELECT is((SELECT jsonb_build_object('org', organization_id, 'id', id IS NOT NULL) FROM app.instrument_import_rows
            WHERE import_id = tests.recall('i1') AND row_number = 99),
  jsonb_build_object('org', tests.recall('lab'), 'id', true), 'a staged row left without its keys gets the tenant and an id');

SELECT * FROM finish();
ROLLBACK;
