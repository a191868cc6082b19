-- AS9102 form 2 of a first article inspection (db/functions/80_quality/
-- 43_fai_form2.sql): materials, special processes and functional tests with
-- specification, supplier, customer approval of the source and certificate
-- of conformance number; what each kind of line requires; the lines kept
-- until the inspection is decided; approval refused while a consumed lot's
-- certificate is missing or a special process source is not
-- customer-approved; the lines in fai_report; plant scoping and tenancy.
BEGIN;
SELECT plan(28);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('plant', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('inspector', tests.create_member(tests.recall('t'), 'inspector', tests.recall('plant')));
SELECT tests.remember('inspector_b', tests.create_member(tests.recall('t'), 'inspector', tests.recall('plant_b')));
SELECT tests.remember('qe', tests.create_member(tests.recall('t'), 'quality_engineer'));
SELECT tests.remember('sales', tests.create_member(tests.recall('t'), 'sales'));
SELECT tests.remember('their_admin', tests.create_member(tests.recall('other'), 'admin'));
SELECT tests.remember('c', tests.create_characteristic(tests.recall('t'), tests.recall('plant'), 'xbar_r', 2));
SELECT tests.remember('plan', tests.plan_of(tests.recall('c')));
SELECT tests.remember('part', (SELECT part_id FROM app.part_revisions WHERE id = (SELECT part_revision_id FROM app.control_plans WHERE id = tests.recall('plan'))));
SELECT tests.remember('supplier', tests.create_partner(tests.recall('t'), 'supplier'));
SELECT tests.remember('customer', tests.create_partner(tests.recall('t'), 'customer'));
-- The inspected lot was made from a raw material lot (genealogy).
SELECT tests.act_as_owner();
SELECT tests.remember('raw_part', tests.create_part(tests.recall('t')));
SELECT tests.remember('raw', tests.create_lot(tests.recall('t'), tests.recall('raw_part'), tests.recall('plant'), 10));
SELECT tests.remember('lot', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant'), 5));
INSERT INTO app.genealogy_edges (organization_id, consumed_lot_id, produced_lot_id, quantity, unit, site_id)
VALUES (tests.recall('t'), tests.recall('raw'), tests.recall('lot'), 4, 'pcs', tests.recall('plant'));
SELECT tests.remember('their_lot', tests.create_lot(tests.recall('other'), tests.create_part(tests.recall('other')),
                                                     tests.create_site(tests.recall('other')), 1));

SELECT tests.act_as(tests.recall('inspector'), tests.recall('t'));
SELECT tests.remember('fai', (app.open_inspection(tests.recall('plan'), 'first_article', lot_id => tests.recall('lot'), fai_reason => 'New part')).id);
SELECT tests.remember('run', (app.open_inspection(tests.recall('plan'), 'in_process')).id);

-- What each kind of line needs.
SELECT is(tests.refusal(format($$SELECT app.add_fai_form2_item(%L, 'paint', 'Primer')$$, tests.recall('fai'))),
  'PT422 fai.form2_kind_invalid', 'a line is a material, special process or functional test');
SELECT is(tests.refusal(format($$SELECT app.add_fai_form2_item(%L, 'material', 'Steel sheet', 'AMS 5604')$$, tests.recall('fai'))),
  'PT422 fai.form2_field_required', 'a material names its certificate of conformance');
SELECT is(tests.refusal(format($$SELECT app.add_fai_form2_item(%L, 'material', 'Steel sheet', coc_number => 'MC-1')$$, tests.recall('fai'))),
  'PT422 fai.form2_field_required', 'and the specification it meets');
SELECT is(tests.refusal(format($$SELECT app.add_fai_form2_item(%L, 'special_process', 'Anodize', 'MIL-A-8625', coc_number => 'C-9',
                                                               customer_approval => 'yes')$$, tests.recall('fai'))),
  'PT422 fai.form2_field_required', 'a special process names who performed it');
SELECT is(tests.refusal(format($$SELECT app.add_fai_form2_item(%L, 'special_process', 'Anodize', 'MIL-A-8625', supplier_code => 'AX1',
                                                               coc_number => 'C-9')$$, tests.recall('fai'))),
  'PT422 fai.form2_field_required', 'and whether the customer approved that source');
SELECT is(tests.refusal(format($$SELECT app.add_fai_form2_item(%L, 'special_process', 'Anodize', 'MIL-A-8625', supplier_code => 'AX1',
                                                               coc_number => 'C-9', customer_approval => 'maybe')$$, tests.recall('fai'))),
  'PT422 fai.form2_invalid', 'customer approval is yes, no or not_applicable');
SELECT is(tests.refusal(format($$SELECT app.add_fai_form2_item(%L, 'functional_test', 'Leak test', functional_test_procedure => 'FTP-1')$$,
                               tests.recall('fai'))),
  'PT422 fai.form2_field_required', 'a functional test names its acceptance report');
SELECT is(tests.refusal(format($$SELECT app.add_fai_form2_item(%L, 'material', repeat('x', 201), 'AMS 5604', coc_number => 'MC-1')$$,
                               tests.recall('fai'))),
  'PT422 fai.form2_invalid', 'names are at most 200 characters');
SELECT is(tests.refusal(format($$SELECT app.add_fai_form2_item(%L, 'special_process', 'Anodize', 'MIL-A-8625', supplier_id => %L,
                                                               coc_number => 'C-9', customer_approval => 'yes')$$,
                               tests.recall('fai'), tests.recall('customer'))),
  'PT404 partner.not_found', 'the supplier is a supplier partner');
SELECT is(tests.refusal(format($$SELECT app.add_fai_form2_item(%L, 'material', 'Steel sheet', 'AMS 5604', coc_number => 'MC-1', lot_id => %L)$$,
                               tests.recall('fai'), tests.recall('their_lot'))),
  'PT404 lot.not_found', 'never another tenant''s lot');
SELECT is(tests.refusal(format($$SELECT app.add_fai_form2_item(%L, 'material', 'Steel sheet', 'AMS 5604', coc_number => 'MC-1')$$,
                               tests.recall('run'))),
  'PT409 inspection.not_first_article', 'form 2 belongs to first articles');
SELECT throws_ok(format($$INSERT INTO app.fai_form2_items (organization_id, id, inspection_id, site_id, kind, name, specification, coc_number)
                          VALUES (%L, uuid_generate_v7(), %L, %L, 'material', 'x', 'y', 'z')$$,
                        tests.recall('t'), tests.recall('fai'), tests.recall('plant')),
  '42501', NULL, 'API roles write form 2 through the RPCs only');

-- Lines recorded: a functional test, a special process whose source the customer did not approve.
SELECT is((app.add_fai_form2_item(tests.recall('fai'), 'functional_test', ' Leak test ', functional_test_procedure => 'FTP-1',
                                  acceptance_report_number => 'AR-7')).name, 'Leak test', 'a functional test is recorded (trimmed)');
SELECT tests.remember('bad_process', (app.add_fai_form2_item(tests.recall('fai'), 'special_process', 'Anodize', 'MIL-A-8625', 'Type II',
                                       supplier_id => tests.recall('supplier'), coc_number => 'C-9', customer_approval => 'no')).id);
SELECT is((SELECT site_id FROM app.fai_form2_items WHERE id = tests.recall('bad_process')), tests.recall('plant'), 'a line is at its inspection''s plant');

-- Another plant's inspector neither sees nor writes them; nor does another tenant.
SELECT tests.act_as(tests.recall('inspector_b'), tests.recall('t'));
SELECT is_empty($$SELECT FROM app.fai_form2_items$$, 'an inspector of another plant reads no form 2 line of this one');
SELECT is(tests.refusal(format($$SELECT app.remove_fai_form2_item(%L)$$, tests.recall('bad_process'))), 'PT404 inspection.not_found',
  'nor removes one');
SELECT tests.act_as(tests.recall('sales'), tests.recall('t'));
SELECT is_empty($$SELECT FROM app.fai_form2_items$$, 'a member without inspection.read reads none');
SELECT tests.act_as(tests.recall('their_admin'), tests.recall('other'));
SELECT is(tests.refusal(format($$SELECT app.add_fai_form2_item(%L, 'material', 'Steel sheet', 'AMS 5604', coc_number => 'MC-1')$$,
                               tests.recall('fai'))),
  'PT404 inspection.not_found', 'another tenant''s admin cannot add to it');

-- Measured and completed; the quality engineer cannot approve with form 2 incomplete.
SELECT tests.act_as(tests.recall('inspector'), tests.recall('t'));
SELECT app.record_measurements(tests.recall('fai'), tests.recall('c'), ARRAY[10.0, 10.01])::text;
SELECT app.complete_inspection(tests.recall('fai'))::text;
SELECT is(jsonb_array_length((app.fai_report(tests.recall('fai'))) #> '{form2,gaps}'), 2,
  'form 2 names two gaps: the raw lot''s certificate and the unapproved special process source');
SELECT tests.act_as(tests.recall('qe'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.decide_inspection(%L, true)$$, tests.recall('fai'))), 'PT409 fai.form2_incomplete',
  'a first article is not approved with form 2 incomplete');
SELECT is(jsonb_array_length((SELECT (app.fai_report(tests.recall('fai'))) #> '{form2,lines}')), 2, 'the quality engineer reads the lines');

-- The inspector completes form 2: the approved processor instead, the raw lot's certificate.
SELECT tests.act_as(tests.recall('inspector'), tests.recall('t'));
SELECT is((app.remove_fai_form2_item(tests.recall('bad_process'))).id, tests.recall('bad_process'), 'a line is removed before the decision');
SELECT app.add_fai_form2_item(tests.recall('fai'), 'special_process', 'Anodize', 'MIL-A-8625', 'Type II', supplier_code => 'AX1',
                              coc_number => 'C-10', customer_approval => 'yes')::text;
SELECT is((app.fai_report(tests.recall('fai'))) #>> '{form2,complete}', 'false', 'still incomplete while the raw lot''s certificate is missing');
SELECT app.add_fai_form2_item(tests.recall('fai'), 'material', 'Steel sheet', 'AMS 5604 rev D', coc_number => 'MC-1', lot_id => tests.recall('raw'),
                              supplier_id => tests.recall('supplier'))::text;
SELECT results_eq(format($$SELECT r #>> '{form2,complete}', r #>> '{form2,consumed_lots,0,coc_number}',
                                  (SELECT string_agg(l ->> 'kind', ',') FROM jsonb_array_elements(r #> '{form2,lines}') AS l)
                             FROM app.fai_report(%L) AS r$$, tests.recall('fai')),
  $$VALUES ('true', 'MC-1', 'material,special_process,functional_test')$$,
  'form 2 is complete: the consumed lot carries its certificate, lines in AS9102 order (materials, special processes, functional tests)');

SELECT tests.act_as(tests.recall('qe'), tests.recall('t'));
SELECT is((app.decide_inspection(tests.recall('fai'), true)).status, 'approved', 'with form 2 complete the first article is approved');

-- A decided FAI report is final.
SELECT tests.act_as(tests.recall('inspector'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.add_fai_form2_item(%L, 'functional_test', 'x', functional_test_procedure => 'x',
                                                               acceptance_report_number => 'x')$$, tests.recall('fai'))),
  'PT409 inspection.decided', 'no line is added after the decision');
SELECT is(tests.refusal(format($$SELECT app.remove_fai_form2_item(%L)$$,
                               (SELECT id FROM app.fai_form2_items WHERE inspection_id = tests.recall('fai') LIMIT 1))),
  'PT409 inspection.decided', 'nor removed');

-- The table keeps what each kind needs whoever writes it.
SELECT tests.act_as_owner();
SELECT throws_ok(format($$INSERT INTO app.fai_form2_items (organization_id, id, inspection_id, site_id, kind, name, specification)
                          VALUES (%L, uuid_generate_v7(), %L, %L, 'material', 'x', 'y')$$,
                        tests.recall('t'), tests.recall('fai'), tests.recall('plant')),
  '23514', NULL, 'a material line without its certificate number is refused by the table too');

SELECT * FROM finish();
ROLLBACK;
