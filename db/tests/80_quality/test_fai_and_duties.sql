-- Separation of duties in inspection approval (the inspector who measured or
-- completed an inspection does not decide it; the inspector / quality
-- engineer split of the reference roles), AS9102 form 1 fields (released
-- drawing number and revision of the part, FAI report number, full/partial
-- with reason, PO), form 3's gauge "as used", first article measurements
-- kept out of SPC, and a drawing's optional project.
BEGIN;
SELECT plan(25);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('plant', tests.create_site(tests.recall('t')));
SELECT tests.remember('inspector', tests.create_member(tests.recall('t'), 'inspector', tests.recall('plant')));
SELECT tests.remember('qe', tests.create_member(tests.recall('t'), 'quality_engineer'));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('eng', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.remember('c', tests.create_characteristic(tests.recall('t'), tests.recall('plant'), 'xbar_r', 2));
SELECT tests.remember('plan', tests.plan_of(tests.recall('c')));
SELECT tests.remember('part', (SELECT part_id FROM app.part_revisions WHERE id = (SELECT part_revision_id FROM app.control_plans WHERE id = tests.recall('plan'))));
-- The spare is an equivalent of the planned gauge: of its class.
SELECT tests.remember('spare', tests.create_equipment(tests.recall('t'), (SELECT class_id FROM app.equipment WHERE id = tests.gauge_of(tests.recall('c'))), tests.recall('plant'), p_name => 'Spare micrometer'));
SELECT tests.calibrate(tests.recall('spare'), now() - interval '1 day')::text;
-- The part's drawing: revision A superseded, B released (the one form 1 names), C a draft.
SELECT tests.act_as_owner();
INSERT INTO app.drawings (organization_id, id, drawing_number, title) VALUES (tests.recall('t'), uuid_generate_v7(), 'DWG-77', 'Shaft');
SELECT tests.remember('drawing', (SELECT id FROM app.drawings WHERE drawing_number = 'DWG-77'));
INSERT INTO app.drawing_parts (organization_id, drawing_id, part_id) VALUES (tests.recall('t'), tests.recall('drawing'), tests.recall('part'));
INSERT INTO app.drawing_revisions (organization_id, id, drawing_id, revision, status, submitted_at, released_at, superseded_at)
VALUES (tests.recall('t'), uuid_generate_v7(), tests.recall('drawing'), 'A', 'superseded', now(), now(), now()),
       (tests.recall('t'), uuid_generate_v7(), tests.recall('drawing'), 'B', 'released', now(), now(), NULL),
       (tests.recall('t'), uuid_generate_v7(), tests.recall('drawing'), 'C', 'draft', NULL, NULL, NULL);

-- The role split: neither reference role holds the other's duty.
SELECT ok((SELECT bool_and(role_key <> 'inspector' OR permission <> 'inspection.approve') FROM app_private.system_role_permissions)
          AND EXISTS (SELECT FROM app_private.system_role_permissions WHERE role_key = 'inspector' AND permission = 'inspection.record'),
  'the inspector records inspections and does not approve them');
SELECT ok(EXISTS (SELECT FROM app_private.system_role_permissions WHERE role_key = 'quality_engineer' AND permission = 'inspection.approve')
          AND NOT EXISTS (SELECT FROM app_private.system_role_permissions WHERE role_key = 'quality_engineer' AND permission = 'inspection.record'),
  'the quality engineer approves inspections and does not record them');

-- The inspector measures a first article with the spare gauge (not the planned one).
SELECT tests.act_as(tests.recall('inspector'), tests.recall('t'));
SELECT tests.remember('fai', (app.open_inspection(tests.recall('plan'), 'first_article', fai_reason => 'New part')).id);
SELECT is(tests.refusal(format($$SELECT app.set_fai_details(%L, 'FAI-1', 'partial')$$, tests.recall('fai'))), 'PT422 fai.partial_reason_required',
  'a partial FAI says why');
SELECT is(tests.refusal(format($$SELECT app.set_fai_details(%L, 'FAI 1!')$$, tests.recall('fai'))), 'PT422 fai.report_number_invalid',
  'an FAI report number is letters, digits and . _ / -');
SELECT is(tests.refusal(format($$SELECT app.set_fai_details(%L, 'FAI-1', 'some')$$, tests.recall('fai'))), 'PT422 fai.scope_invalid',
  'full or partial');
SELECT is((app.set_fai_details(tests.recall('fai'), 'FAI-1', 'partial', 'ECO-9 changes the diameter', 'PO-4711')).fai_scope, 'partial',
  'the form 1 fields are set');
SELECT app.record_measurements(tests.recall('fai'), tests.recall('c'), ARRAY[10.0, 10.01], gauge_id => tests.recall('spare'))::text;
SELECT is((SELECT count(*)::int FROM app.measurements WHERE inspection_id = tests.recall('fai') AND subgroup IS NULL), 2,
  'a first article''s measurements carry no SPC subgroup');
SELECT is_empty(format($$SELECT FROM app.spc_subgroups WHERE characteristic_id = %L$$, tests.recall('c')), 'and close none');
SELECT is((SELECT (open_subgroup, open_count)::text FROM app.characteristics WHERE id = tests.recall('c')), '(1,0)',
  'nor count towards the open one');
SELECT tests.remember('run', (app.open_inspection(tests.recall('plan'), 'in_process')).id);
SELECT is((app.record_measurement(tests.recall('run'), tests.recall('c'), 10.0)).subgroup, 1, 'in-process data starts SPC subgroup 1');
SELECT app.complete_inspection(tests.recall('fai'))::text;
SELECT is(tests.refusal(format($$SELECT app.decide_inspection(%L, true)$$, tests.recall('fai'))), 'PT403 permission.missing',
  'an inspector does not approve');

-- QA holds both permissions, but not both duties on one inspection.
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT tests.remember('fai2', (app.open_inspection(tests.recall('plan'), 'first_article', fai_reason => 'Re-qualification')).id);
SELECT app.record_measurements(tests.recall('fai2'), tests.recall('c'), ARRAY[10.0, 10.01])::text;
SELECT app.complete_inspection(tests.recall('fai2'))::text;
SELECT is(tests.refusal(format($$SELECT app.decide_inspection(%L, true)$$, tests.recall('fai2'))), 'PT403 inspection.own_inspection',
  'who measured and completed an inspection does not approve it');
SELECT is(tests.refusal(format($$SELECT app.decide_inspection(%L, false, 'x')$$, tests.recall('fai2'))), 'PT403 inspection.own_inspection',
  'nor reject it');
SELECT is((app.decide_inspection(tests.recall('fai'), true)).status, 'approved', 'QA approves what the inspector measured');
SELECT is(tests.refusal(format($$SELECT app.set_fai_details(%L, 'FAI-2')$$, tests.recall('fai'))), 'PT409 inspection.decided',
  'a decided FAI report is final');
SELECT is(tests.refusal(format($$SELECT app.set_fai_details(%L, 'FAI-1')$$, tests.recall('fai2'))), 'PT409 fai.report_number_taken',
  'FAI report numbers are unique in the tenant');
SELECT is(tests.refusal(format($$SELECT app.set_fai_details(%L, 'FAI-3')$$, tests.recall('run'))), 'PT409 inspection.not_first_article',
  'an in-process inspection has no FAI report');
-- The QE did not measure it: it decides.
SELECT tests.act_as(tests.recall('qe'), tests.recall('t'));
SELECT is((app.decide_inspection(tests.recall('fai2'), true)).decided_by, tests.recall('qe'), 'the quality engineer approves QA''s measurements');

-- The AS9102 report.
SELECT results_eq(format($$SELECT r #>> '{form1,fai_report_number}', r #>> '{form1,fai_scope}', r #>> '{form1,fai_partial_reason}',
                                  r #>> '{form1,po_number}', r #> '{form1,drawings}' FROM app.fai_report(%L) AS r$$, tests.recall('fai')),
  $$VALUES ('FAI-1', 'partial', 'ECO-9 changes the diameter', 'PO-4711', '[{"drawing_number": "DWG-77", "drawing_revision": "B"}]'::jsonb)$$,
  'form 1 names the report number, the partial scope and why, the PO and the released drawing number and revision');
SELECT results_eq(format($$SELECT r #>> '{form3,0,gauge}', r #>> '{form3,0,gauge_planned}' FROM app.fai_report(%L) AS r$$, tests.recall('fai')),
  format($$VALUES (%L, %L)$$, (SELECT equipment_number FROM app.equipment WHERE id = tests.recall('spare')),
         (SELECT equipment_number FROM app.equipment WHERE id = tests.gauge_of(tests.recall('c')))),
  'form 3 lists the gauge as used (recorded on the measurements) beside the planned one');
SELECT is((app.fai_report(tests.recall('fai2'))) #>> '{form1,fai_scope}', 'full', 'an FAI is full unless said otherwise');
-- A failed first article: form 3 names the NCR raised for the characteristic.
SELECT tests.act_as(tests.recall('inspector'), tests.recall('t'));
SELECT tests.remember('fai3', (app.open_inspection(tests.recall('plan'), 'first_article', fai_reason => 'New tool')).id);
SELECT app.record_measurements(tests.recall('fai3'), tests.recall('c'), ARRAY[10.0, 10.5])::text;
SELECT app.complete_inspection(tests.recall('fai3'))::text;
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT tests.remember('fai3_ncr', (app.raise_inspection_ncr(tests.recall('fai3'), nonconforming_quantity => 1)).id);
SELECT is((app.fai_report(tests.recall('fai3'))) #> '{form3,0,ncr_numbers}', (SELECT jsonb_build_array(ncr_number) FROM app.ncrs WHERE id = tests.recall('fai3_ncr')::uuid),
  'form 3 gives the non-conformance number of the characteristic that failed');
SELECT is((app.fai_report(tests.recall('fai'))) #> '{form3,0,ncr_numbers}', '[]'::jsonb, 'and none where no NCR was raised');

-- A drawing may name a project the writer may read, never another tenant's.
SELECT tests.remember('project', tests.create_project(tests.recall('t')));
SELECT tests.remember('their_project', tests.create_project(tests.recall('other')));
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
UPDATE app.drawings SET project_id = tests.recall('project') WHERE drawing_number = 'DWG-77';
SELECT is((SELECT project_id FROM app.drawings WHERE drawing_number = 'DWG-77'), tests.recall('project'), 'engineering links the drawing to its project');
SELECT is(tests.refusal(format($$INSERT INTO app.drawings (drawing_number, title, project_id) VALUES ('DWG-78', 'Theirs', %L)$$,
                               tests.recall('their_project'))), 'PT404 entity.not_found', 'another tenant''s project is not found');

SELECT * FROM finish();
ROLLBACK;
