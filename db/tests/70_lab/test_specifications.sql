-- The applicable specification and the verdict: the most specific active
-- specification (product + sample type + customer beats fewer matches),
-- limits per test code in their own unit (converted), warning and action
-- limits, expected text of a qualitative result; no specification.
BEGIN;
SELECT plan(11);

SELECT tests.remember('lab', tests.create_lab_tenant());
SELECT tests.remember('other_customer', tests.create_partner(tests.recall('lab')));
SELECT tests.remember('tech', tests.create_member(tests.recall('lab'), 'lab_tech'));
SELECT tests.remember('nitrate', tests.create_lab_test(tests.recall('lab'), 'nitrate', 'mg/L'));
SELECT tests.remember('coliform', tests.create_lab_test(tests.recall('lab'), 'coliform', NULL,
  '{"type": "object", "required": ["value"], "properties": {"value": {"type": "string", "enum": ["absent", "present"]}}}'));
-- Generic water limits, tighter ones for the customer, tighter still for the customer's product "mineral water".
SELECT tests.remember('spec_water', tests.create_specification(tests.recall('lab'), 'nitrate', p_sample_type_id => tests.recall('water'),
  p_unit => 'mg/L', p_action_high => 50, p_warning_high => 40));
SELECT tests.remember('spec_customer', tests.create_specification(tests.recall('lab'), 'nitrate', p_sample_type_id => tests.recall('water'),
  p_partner_id => tests.recall('customer'), p_unit => 'ug/L', p_action_high => 25000, p_warning_high => 20000));
SELECT tests.remember('spec_product', tests.create_specification(tests.recall('lab'), 'nitrate', p_sample_type_id => tests.recall('water'),
  p_partner_id => tests.recall('customer'), p_product => 'mineral water', p_unit => 'mg/L', p_action_low => 1, p_action_high => 10));
SELECT tests.remember('spec_inactive', tests.create_specification(tests.recall('lab'), 'nitrate', p_sample_type_id => tests.recall('water'),
  p_partner_id => tests.recall('customer'), p_product => 'spring water', p_unit => 'mg/L', p_action_high => 1));
SELECT tests.remember('spec_coliform', tests.create_specification(tests.recall('lab'), 'coliform', p_sample_type_id => tests.recall('water'),
  p_expected_text => 'absent'));
UPDATE app.specifications SET is_active = false WHERE id = tests.recall('spec_inactive');

SELECT tests.define_sample_product_field(tests.recall('lab'));
SELECT tests.remember('s_plain', tests.create_sample(tests.recall('lab'), tests.recall('water'), p_partner_id => tests.recall('other_customer')));
SELECT tests.remember('s_customer', tests.create_sample(tests.recall('lab'), tests.recall('water'), p_partner_id => tests.recall('customer')));
SELECT tests.remember('s_product', tests.create_sample(tests.recall('lab'), tests.recall('water'), p_partner_id => tests.recall('customer')));
SELECT tests.remember('s_spring', tests.create_sample(tests.recall('lab'), tests.recall('water'), p_partner_id => tests.recall('customer')));
UPDATE app.samples SET custom_fields = '{"product": "mineral water"}' WHERE id = tests.recall('s_product');
UPDATE app.samples SET custom_fields = '{"product": "spring water"}' WHERE id = tests.recall('s_spring');
SELECT tests.set_sample_status(tests.recall('lab'), s, 'received')
  FROM unnest(ARRAY[tests.recall('s_plain'), tests.recall('s_customer'), tests.recall('s_product'), tests.recall('s_spring')]) AS s;

-- Analyses made as the owner; results recorded as the technician, their specification and verdict read back.
CREATE FUNCTION pg_temp.analysis(p_sample uuid, p_code text) RETURNS uuid
LANGUAGE sql AS $$
  SELECT tests.create_analysis(tests.recall('lab'), p_sample,
    (SELECT id FROM app.lab_tests WHERE organization_id = tests.recall('lab') AND code = p_code AND status = 'published'))
$$;
CREATE TABLE pg_temp.cases (n int PRIMARY KEY, analysis_id uuid, value jsonb, unit text);
INSERT INTO pg_temp.cases VALUES
  (1, pg_temp.analysis(tests.recall('s_plain'), 'nitrate'), '{"value": 30}', 'mg/L'),
  (2, pg_temp.analysis(tests.recall('s_plain'), 'nitrate'), '{"value": 45}', 'mg/L'),
  (3, pg_temp.analysis(tests.recall('s_plain'), 'nitrate'), '{"value": 51}', 'mg/L'),
  (4, pg_temp.analysis(tests.recall('s_customer'), 'nitrate'), '{"value": 30}', 'mg/L'),
  (5, pg_temp.analysis(tests.recall('s_customer'), 'nitrate'), '{"value": 21000}', 'ug/L'),
  (6, pg_temp.analysis(tests.recall('s_product'), 'nitrate'), '{"value": 0.5}', 'mg/L'),
  (7, pg_temp.analysis(tests.recall('s_spring'), 'nitrate'), '{"value": 5}', 'mg/L'),
  (8, pg_temp.analysis(tests.recall('s_plain'), 'ph'), '{"value": 3}', NULL),
  (9, pg_temp.analysis(tests.recall('s_plain'), 'coliform'), '{"value": "absent"}', NULL),
  (10, pg_temp.analysis(tests.recall('s_plain'), 'coliform'), '{"value": "present"}', NULL);
GRANT SELECT ON pg_temp.cases TO PUBLIC;
CREATE FUNCTION pg_temp.judge(p_n int) RETURNS text
LANGUAGE sql AS $$
  SELECT coalesce((SELECT code FROM app.specifications AS sp WHERE sp.id = r.specification_id), '-') || ' ' || r.spec_verdict
    FROM app.results AS r WHERE r.analysis_id = (SELECT analysis_id FROM pg_temp.cases WHERE n = p_n)
$$;
CREATE FUNCTION pg_temp.code_of(p_spec uuid) RETURNS text LANGUAGE sql AS $$ SELECT code FROM app.specifications WHERE id = p_spec $$;
GRANT EXECUTE ON FUNCTION pg_temp.judge(int), pg_temp.code_of(uuid) TO PUBLIC;

SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT count(app.record_result(c.analysis_id, c.value, c.unit))::text AS recorded FROM pg_temp.cases AS c;

SELECT is(pg_temp.judge(1), pg_temp.code_of(tests.recall('spec_water')) || ' within',
  'a sample of another customer gets the sample type''s specification: within');
SELECT is(pg_temp.judge(2), pg_temp.code_of(tests.recall('spec_water')) || ' warning',
  'between the warning and the action limit: warning');
SELECT is(pg_temp.judge(3), pg_temp.code_of(tests.recall('spec_water')) || ' out_of_specification',
  'beyond the action limit: out of specification');
SELECT is(pg_temp.judge(4), pg_temp.code_of(tests.recall('spec_customer')) || ' out_of_specification',
  'the customer''s specification (sample type + customer) beats the sample type''s, its limits in ug/L converted');
SELECT is(pg_temp.judge(5), pg_temp.code_of(tests.recall('spec_customer')) || ' warning',
  'a result sent in another unit is converted before it is judged');
SELECT is(pg_temp.judge(6), pg_temp.code_of(tests.recall('spec_product')) || ' out_of_specification',
  'product + sample type + customer beats fewer matches; the lower action limit counts');
SELECT is(pg_temp.judge(7), pg_temp.code_of(tests.recall('spec_customer')) || ' within',
  'an inactive specification does not apply');
SELECT is(pg_temp.judge(8), '- no_specification', 'no specification for the test: no_specification');
SELECT is(pg_temp.judge(9), pg_temp.code_of(tests.recall('spec_coliform')) || ' within', 'a qualitative result with the expected text is within');
SELECT is(pg_temp.judge(10), pg_temp.code_of(tests.recall('spec_coliform')) || ' out_of_specification',
  'any other text is out of specification');

-- A limit's unit is of the dimension of the test's results.
SELECT tests.remember('manager', tests.create_member(tests.recall('lab'), 'lab_manager'));
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
SELECT is(tests.refusal(format($$UPDATE app.specification_limits SET unit = 'L' WHERE specification_id = %L$$, tests.recall('spec_water'))),
  'PT422 unit.incompatible', 'a limit''s unit converts to the test''s unit');

SELECT * FROM finish();
ROLLBACK;
