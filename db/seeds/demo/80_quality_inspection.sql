-- Control plans, inspections and SPC on Acme (80_quality/40_control_plans.sql,
-- 42_inspections.sql, 54_spc_charts.sql), made through the API as QA would:
-- a control plan for the mounting bracket BRK-1100 rev B at the main plant
-- (hole distance on an X̄-R chart measured with the Mitutoyo caliper, a CC
-- characteristic; burr-free edges as an attribute), a Gauge R&R study of the
-- caliper (3 operators × 10 parts × 2 trials, average and range), a first
-- article inspection (partial, FAI-2026-0012) measured by production, its
-- AS9102 form 2 filled (the S235 sheet with its 3.1 certificate, zinc plating
-- by Initech Metals, customer-approved, with its CoC; the pull-out test) and
-- approved by QA (AS9102 forms from
-- app.fai_report), and an in-process SPC run: 25 subgroups in control frozen
-- as the baseline, then the process drifts and subgroups 27 and 28 break
-- rule 1 (beyond the UCL, still in spec): two open signals to QA with the
-- reaction plan.
-- Runs once per tenant (skipped when the tenant already has a control plan).

DO $$
DECLARE
  v_tenant uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_qa uuid := (SELECT id FROM app.users WHERE email = 'qa@acme.test');
  v_production uuid := (SELECT id FROM app.users WHERE email = 'production@acme.test');
  v_plant_1 uuid;
  v_caliper uuid;
  v_revision uuid;
  v_plan uuid;
  v_cut uuid;
  v_bend uuid;
  v_hole uuid;
  v_burr uuid;
  v_fai uuid;
  v_run uuid;
  k integer;
BEGIN
  IF v_tenant IS NULL OR v_qa IS NULL OR v_production IS NULL OR EXISTS (SELECT FROM app.control_plans WHERE organization_id = v_tenant) THEN
    RETURN;
  END IF;
  SELECT id INTO v_plant_1 FROM app.sites WHERE organization_id = v_tenant AND code = 'PLANT-1';
  SELECT id INTO v_caliper FROM app.equipment WHERE organization_id = v_tenant AND serial_number = 'MT-55102';
  SELECT r.id INTO v_revision FROM app.part_revisions AS r JOIN app.parts AS p ON p.id = r.part_id AND p.organization_id = r.organization_id
   WHERE r.organization_id = v_tenant AND p.part_number = 'BRK-1100' AND r.status = 'released';
  IF v_plant_1 IS NULL OR v_caliper IS NULL OR v_revision IS NULL THEN
    RETURN;
  END IF;

  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_qa, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM set_config('role', 'app_user', true);
  SELECT id INTO v_plan FROM app.create_control_plan(v_revision, v_plant_1, 'BRK-1100 rev B, laser cut and bend');
  SELECT id INTO v_cut FROM app.add_control_plan_step(v_plan, 10, 'Laser cut');
  SELECT id INTO v_bend FROM app.add_control_plan_step(v_plan, 20, 'Bend');
  SELECT id INTO v_hole FROM app.add_characteristic(v_cut, 'Hole distance', 'variable', 'xbar_r',
    'Stop the laser, check the nozzle and the sheet position, inform quality; contain the last hour''s parts.',
    5, 25.00, 24.90, 25.10, 'mm', 'CC', 'five parts every hour', v_caliper);
  SELECT id INTO v_burr FROM app.add_characteristic(v_bend, 'Burr-free edges', 'attribute', 'p',
    'Deburr the batch, check the die.', 50, frequency => 'fifty parts per lot');
  PERFORM app.approve_control_plan(v_plan);

  -- The caliper's Gauge R&R on the hole distance: 3 operators × 10 parts × 2 trials.
  PERFORM app.record_gauge_study(v_caliper, v_hole, 'average_range',
    (SELECT jsonb_agg(jsonb_build_object('operator', o, 'part', p::text, 'trial', t,
                                         'value', round(24.95 + p * 0.01 + (o_k - 2) * 0.002 + ((p * 7 + t * 3 + o_k) % 5 - 2) * 0.001, 3))
                      ORDER BY o, p, t)
       FROM unnest(ARRAY['Anna', 'Ben', 'Chen']) WITH ORDINALITY AS ops (o, o_k), generate_series(1, 10) AS p, generate_series(1, 2) AS t));

  -- First article (a partial FAI for revision B), measured by production, approved by QA (separation of duties):
  -- every characteristic in spec first time.
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_production, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  SELECT id INTO v_fai FROM app.open_inspection(v_plan, 'first_article', line => 'Cell 4', fai_reason => 'Design change: revision B (ECO-0012)');
  PERFORM app.set_fai_details(v_fai, 'FAI-2026-0012', 'partial', 'Revision B (ECO-0012) changes the hole pattern: hole distance and edges only',
                              'PO-45001234');
  PERFORM app.record_measurements(v_fai, v_hole, ARRAY[25.01, 24.99, 25.00, 25.02, 24.98]);
  PERFORM app.record_measurement(v_fai, v_burr, defective => false);
  PERFORM app.add_fai_form2_item(v_fai, 'material', 'Steel sheet S235JR, 3 mm', 'EN 10025-2:2019', 'S235JR+AR',
                                 coc_number => '3.1-2026-55120',
                                 supplier_id => (SELECT id FROM app.partners WHERE organization_id = v_tenant AND name = 'Initech Metals'));
  PERFORM app.add_fai_form2_item(v_fai, 'special_process', 'Zinc electroplating', 'ISO 2081:2018', 'Fe/Zn8//C',
                                 supplier_id => (SELECT id FROM app.partners WHERE organization_id = v_tenant AND name = 'Initech Metals'),
                                 supplier_code => 'S-2001', customer_approval => 'yes', coc_number => 'ZN-CoC-88812');
  PERFORM app.add_fai_form2_item(v_fai, 'functional_test', 'Pull-out test of the press-fit nut',
                                 functional_test_procedure => 'FTP-BRK-07 rev A', acceptance_report_number => 'AR-2026-0431');
  PERFORM app.complete_inspection(v_fai);
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_qa, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.decide_inspection(v_fai, true, 'FAI accepted; AS9102 forms 1-3 filed.');

  -- In-process SPC run: 25 subgroups in control (the FAI's measurements are not in SPC), frozen as the baseline.
  SELECT id INTO v_run FROM app.open_inspection(v_plan, 'in_process', line => 'Cell 4');
  FOR k IN 2 .. 26 LOOP
    PERFORM app.record_measurements(v_run, v_hole,
      ARRAY(SELECT round(25.0 + ((k * 13 + j * 7) % 9 - 4) * 0.004, 3) FROM generate_series(1, 5) AS j));
  END LOOP;
  PERFORM app.approve_spc_baseline(v_hole, 1, 25, 'Initial capability study after the FAI, 25 subgroups of 5');
  -- The nozzle wears: the process drifts up; subgroups 27 and 28 are beyond the UCL (still in spec).
  PERFORM app.record_measurements(v_run, v_hole, ARRAY[25.01, 25.02, 25.00, 25.01, 25.02]);
  PERFORM app.record_measurements(v_run, v_hole, ARRAY[25.02, 25.01, 25.03, 25.02, 25.01]);
  PERFORM app.record_measurements(v_run, v_hole, ARRAY[25.04, 25.05, 25.04, 25.06, 25.05]);
  FOR k IN 1 .. 50 LOOP
    PERFORM app.record_measurement(v_run, v_burr, defective => k IN (7, 31));
  END LOOP;

  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);
END
$$;
