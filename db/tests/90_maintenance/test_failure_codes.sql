-- Failure codes: code lists by kind, the allowed problem -> cause -> remedy
-- triples per asset class (a code of the wrong kind cannot stand in one),
-- the check work orders call, and the worst-assets Pareto over breakdowns.
BEGIN;
SELECT plan(15);

SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('planner', tests.create_member(tests.recall('a'), 'maintenance_planner'));
SELECT tests.remember('tech', tests.create_member(tests.recall('a'), 'technician'));
SELECT tests.remember('sales', tests.create_member(tests.recall('a'), 'sales'));
SELECT tests.remember('other', tests.create_member(tests.recall('b'), 'maintenance_planner'));
SELECT tests.remember('pumps', tests.create_equipment_class(tests.recall('a'), 'pump', false, NULL));
SELECT tests.remember('fans', tests.create_equipment_class(tests.recall('a'), 'fan', false, NULL));
SELECT tests.remember('p1', tests.create_equipment(tests.recall('a'), tests.recall('pumps'), NULL, NULL, 'Pump 1'));
SELECT tests.remember('p2', tests.create_equipment(tests.recall('a'), tests.recall('pumps'), NULL, NULL, 'Pump 2'));
SELECT tests.remember('f1', tests.create_equipment(tests.recall('a'), tests.recall('fans'), NULL, NULL, 'Fan 1'));

SELECT tests.act_as(tests.recall('planner'), tests.recall('a'));
INSERT INTO app.failure_codes (kind, code, name) VALUES ('problem', 'LEAK', 'Leak'), ('cause', 'SEAL-WORN', 'Seal worn'),
  ('remedy', 'REPLACE-SEAL', 'Replace seal'), ('remedy', 'TIGHTEN', 'Tighten');
SELECT tests.remember('leak', (SELECT id FROM app.failure_codes WHERE code = 'LEAK'));
SELECT tests.remember('worn', (SELECT id FROM app.failure_codes WHERE code = 'SEAL-WORN'));
SELECT tests.remember('replace', (SELECT id FROM app.failure_codes WHERE code = 'REPLACE-SEAL'));
SELECT tests.remember('tighten', (SELECT id FROM app.failure_codes WHERE code = 'TIGHTEN'));
SELECT lives_ok($$INSERT INTO app.failure_code_combinations (class_id, problem_id, cause_id, remedy_id)
                  VALUES (tests.recall('pumps'), tests.recall('leak'), tests.recall('worn'), tests.recall('replace'))$$,
  'a planner allows a problem -> cause -> remedy triple for pumps');
SELECT matches(tests.refusal($$INSERT INTO app.failure_code_combinations (class_id, problem_id, cause_id, remedy_id)
                          VALUES (tests.recall('pumps'), tests.recall('worn'), tests.recall('leak'), tests.recall('replace'))$$),
  '^23503 ', 'a cause cannot stand where the problem belongs');
SELECT is(tests.refusal($$UPDATE app.failure_codes SET labels = '{"xx-invalid-": "?"}' WHERE id = tests.recall('leak')$$),
  'PT422 labels.invalid', 'translations are checked');

SELECT tests.act_as(tests.recall('tech'), tests.recall('a'));
SELECT ok(app.check_failure_codes(tests.recall('p1'), tests.recall('leak'), tests.recall('worn'), tests.recall('replace')),
  'the allowed triple passes for a pump');
SELECT is(tests.refusal($$SELECT app.check_failure_codes(tests.recall('p1'), tests.recall('leak'), tests.recall('worn'), tests.recall('tighten'))$$),
  'PT422 failure_code.combination_not_allowed', 'another remedy is refused');
SELECT is(tests.refusal($$SELECT app.check_failure_codes(tests.recall('f1'), tests.recall('leak'), tests.recall('worn'), tests.recall('replace'))$$),
  'PT422 failure_code.combination_not_allowed', 'so is the pumps'' triple on a fan');
SELECT is(tests.refusal($$INSERT INTO app.failure_codes (kind, code, name) VALUES ('problem', 'NOISE', 'Noise')$$),
  'PT403 permission.missing', 'a technician does not keep the code lists');
SELECT tests.act_as(tests.recall('planner'), tests.recall('a'));
UPDATE app.failure_codes SET is_active = false WHERE id = tests.recall('replace');
SELECT is(tests.refusal($$SELECT app.check_failure_codes(tests.recall('p1'), tests.recall('leak'), tests.recall('worn'), tests.recall('replace'))$$),
  'PT422 failure_code.inactive', 'an inactive code is refused');

WITH c AS (INSERT INTO app.failure_codes (kind, code, name) VALUES ('cause', 'TYPO', 'Typo') RETURNING id) SELECT tests.remember('typo', id) FROM c;
SELECT app.soft_delete('failure_code', tests.recall('typo'), 'typing error');
DELETE FROM app.failure_code_combinations WHERE remedy_id = tests.recall('replace');
SELECT is((SELECT count(*)::int FROM app.failure_codes WHERE code = 'TYPO') + (SELECT count(*)::int FROM app.failure_code_combinations), 0,
  'a planner moves codes to the trash and deletes combinations');

SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
SELECT is_empty($$SELECT FROM app.failure_codes$$, 'a role without asset.read sees no failure codes');
SELECT tests.act_as(tests.recall('other'), tests.recall('b'));
SELECT is_empty($$SELECT FROM app.failure_code_combinations$$, 'another tenant sees none of the combinations');
SELECT is(tests.refusal($$SELECT app.check_failure_codes(tests.recall('p1'), tests.recall('leak'), tests.recall('worn'), tests.recall('replace'))$$),
  'PT404 equipment.not_found', 'nor checks codes on its assets');

-- The Pareto: breakdown hours per asset, worst first, with cumulative shares.
SELECT tests.act_as_owner();
SELECT tests.remember('bd', tests.create_downtime_reason(tests.recall('a'), 'jam', false, true));
SELECT tests.remember('pm', tests.create_downtime_reason(tests.recall('a'), 'pm', true, false));
INSERT INTO app.downtime_events (organization_id, equipment_id, started_at, ended_at, reason_id) VALUES
  (tests.recall('a'), tests.recall('p1'), '2026-03-01 08:00Z', '2026-03-01 14:00Z', tests.recall('bd')),
  (tests.recall('a'), tests.recall('p1'), '2026-03-02 08:00Z', '2026-03-02 10:00Z', tests.recall('bd')),
  (tests.recall('a'), tests.recall('p2'), '2026-03-03 08:00Z', '2026-03-03 10:00Z', tests.recall('bd')),
  (tests.recall('a'), tests.recall('f1'), '2026-03-04 00:00Z', '2026-03-05 00:00Z', tests.recall('pm'));
SELECT tests.act_as(tests.recall('tech'), tests.recall('a'));
SELECT is((SELECT array_agg(name || ':' || breakdowns || ':' || downtime_hours || ':' || share_percent || ':' || cumulative_percent)
             FROM app.worst_assets('2026-03-01Z', '2026-04-01Z', 10)),
  ARRAY['Pump 1:2:8.00:80.0:80.0', 'Pump 2:1:2.00:20.0:100.0'], 'the worst assets by breakdown hours; planned stops do not count');
SELECT is(tests.refusal($$SELECT * FROM app.worst_assets('2026-04-01Z', '2026-03-01Z', 10)$$), 'PT422 pareto.period_invalid',
  'the period ends after it starts');
SELECT is(tests.refusal($$SELECT * FROM app.worst_assets('2026-03-01Z', '2026-04-01Z', 0)$$), 'PT422 pareto.count_out_of_range',
  'at least one asset');

SELECT * FROM finish();
ROLLBACK;
