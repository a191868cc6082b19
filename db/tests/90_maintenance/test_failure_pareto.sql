-- The failure-code Pareto: breakdown stops of the downtime log per asset
-- class, grouped by the problem (or cause) recorded on their work order,
-- with counts, hours, shares and cumulative shares; filtered by class and
-- plant; read as the caller (a plant-scoped technician sees their plant's
-- stops only, another tenant nothing).
BEGIN;
SELECT plan(10);

SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('a')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('a')));
SELECT tests.remember('planner', tests.create_member(tests.recall('a'), 'maintenance_planner'));
SELECT tests.remember('supervisor', tests.create_member(tests.recall('a'), 'maintenance_supervisor'));
SELECT tests.remember('tech', tests.create_member(tests.recall('a'), 'technician', tests.recall('plant_a')));
SELECT tests.remember('other', tests.create_member(tests.recall('b'), 'maintenance_supervisor'));
SELECT tests.remember('pumps', tests.create_equipment_class(tests.recall('a'), 'pump', false, NULL));
SELECT tests.remember('fans', tests.create_equipment_class(tests.recall('a'), 'fan', false, NULL));
UPDATE app.equipment_classes SET name = CASE code WHEN 'pump' THEN 'Pumps' ELSE 'Fans' END WHERE organization_id = tests.recall('a')::uuid;
SELECT tests.remember('p1', tests.create_equipment(tests.recall('a'), tests.recall('pumps'), tests.recall('plant_a'), NULL, 'Pump 1'));
SELECT tests.remember('p2', tests.create_equipment(tests.recall('a'), tests.recall('pumps'), tests.recall('plant_b'), NULL, 'Pump 2'));
SELECT tests.remember('f1', tests.create_equipment(tests.recall('a'), tests.recall('fans'), tests.recall('plant_a'), NULL, 'Fan 1'));
SELECT tests.remember('bd', tests.create_downtime_reason(tests.recall('a'), 'jam', false, true));
SELECT tests.remember('pm', tests.create_downtime_reason(tests.recall('a'), 'pm', true, false));
INSERT INTO app.failure_codes (organization_id, kind, code, name) VALUES
  (tests.recall('a')::uuid, 'problem', 'LEAK', 'Leak'), (tests.recall('a')::uuid, 'problem', 'NOISE', 'Noise'),
  (tests.recall('a')::uuid, 'cause', 'SEAL-WORN', 'Seal worn'), (tests.recall('a')::uuid, 'cause', 'BEARING', 'Bearing worn'),
  (tests.recall('a')::uuid, 'remedy', 'REPLACE', 'Replace part');
INSERT INTO app.failure_code_combinations (organization_id, class_id, problem_id, cause_id, remedy_id)
SELECT tests.recall('a')::uuid, c.class_id, (SELECT id FROM app.failure_codes WHERE code = c.problem), (SELECT id FROM app.failure_codes WHERE code = c.cause),
       (SELECT id FROM app.failure_codes WHERE code = 'REPLACE')
  FROM (VALUES (tests.recall('pumps')::uuid, 'LEAK', 'SEAL-WORN'), (tests.recall('pumps')::uuid, 'NOISE', 'BEARING'),
               (tests.recall('fans')::uuid, 'NOISE', 'BEARING')) AS c (class_id, problem, cause);

-- Breakdown work orders with their codes (the supervisor records them).
SELECT tests.act_as(tests.recall('planner'), tests.recall('a'));
SELECT tests.remember('wo' || n, (app.create_work_order(tests.recall(asset), 'corrective', 'Breakdown ' || n, is_breakdown => true)).id)
  FROM (VALUES (1, 'p1'), (2, 'p1'), (3, 'p2'), (4, 'f1')) AS w (n, asset);
SELECT tests.act_as(tests.recall('supervisor'), tests.recall('a'));
SELECT app.set_work_order_failure_codes(tests.recall('wo' || n), problem, cause, 'REPLACE')
  FROM (VALUES (1, 'LEAK', 'SEAL-WORN'), (2, 'NOISE', 'BEARING'), (3, 'LEAK', 'SEAL-WORN'), (4, 'NOISE', 'BEARING')) AS w (n, problem, cause);
SELECT tests.act_as_owner();
INSERT INTO app.downtime_events (organization_id, equipment_id, started_at, ended_at, reason_id, work_order_id) VALUES
  (tests.recall('a'), tests.recall('p1'), '2026-03-01 08:00Z', '2026-03-01 14:00Z', tests.recall('bd'), tests.recall('wo1')),
  (tests.recall('a'), tests.recall('p1'), '2026-03-02 08:00Z', '2026-03-02 10:00Z', tests.recall('bd'), tests.recall('wo1')),
  (tests.recall('a'), tests.recall('p1'), '2026-03-03 08:00Z', '2026-03-03 09:00Z', tests.recall('bd'), tests.recall('wo2')),
  (tests.recall('a'), tests.recall('p2'), '2026-03-04 08:00Z', '2026-03-04 11:00Z', tests.recall('bd'), tests.recall('wo3')),
  (tests.recall('a'), tests.recall('p1'), '2026-03-05 08:00Z', '2026-03-05 09:00Z', tests.recall('bd'), NULL),
  (tests.recall('a'), tests.recall('f1'), '2026-03-06 08:00Z', '2026-03-06 12:00Z', tests.recall('bd'), tests.recall('wo4')),
  (tests.recall('a'), tests.recall('f1'), '2026-03-07 08:00Z', '2026-03-07 20:00Z', tests.recall('pm'), NULL),
  (tests.recall('a'), tests.recall('p2'), '2026-02-01 08:00Z', '2026-02-01 20:00Z', tests.recall('bd'), tests.recall('wo3'));
CREATE FUNCTION pg_temp.pareto(p_dimension text DEFAULT 'problem', p_class uuid DEFAULT NULL, p_site uuid DEFAULT NULL, p_n integer DEFAULT 20)
RETURNS text[] LANGUAGE sql AS $$
  SELECT array_agg(CASE equipment_class_id WHEN tests.recall('pumps')::uuid THEN 'pumps' ELSE 'fans' END || ' ' || coalesce(failure_code, '-') || ':'
                   || breakdowns || ':' || work_orders || ':' || downtime_hours || ':' || share_percent || ':' || cumulative_percent)
    FROM app.failure_pareto('2026-03-01Z', '2026-04-01Z', p_dimension, p_class, p_site, p_n)
$$;
GRANT EXECUTE ON FUNCTION pg_temp.pareto(text, uuid, uuid, integer) TO PUBLIC;

SELECT tests.act_as(tests.recall('supervisor'), tests.recall('a'));
SELECT is(pg_temp.pareto(), ARRAY['fans NOISE:1:1:4.00:100.0:100.0',
                                  'pumps LEAK:3:2:11.00:84.6:84.6', 'pumps NOISE:1:1:1.00:7.7:92.3', 'pumps -:1:0:1.00:7.7:100.0'],
  'per class, problems by breakdown hours with cumulative shares; uncoded stops last among equals; planned stops and other periods left out');
SELECT is(pg_temp.pareto('cause', tests.recall('pumps')::uuid), ARRAY['pumps SEAL-WORN:3:2:11.00:84.6:84.6', 'pumps BEARING:1:1:1.00:7.7:92.3',
                                                                     'pumps -:1:0:1.00:7.7:100.0'],
  'by cause, for one class');
SELECT is(pg_temp.pareto('problem', NULL, tests.recall('plant_b')::uuid), ARRAY['pumps LEAK:1:1:3.00:100.0:100.0'], 'for one plant');
SELECT is(pg_temp.pareto('problem', tests.recall('pumps')::uuid, NULL, 1), ARRAY['pumps LEAK:3:2:11.00:84.6:84.6'], 'the top n per class');
SELECT is(tests.refusal($$SELECT * FROM app.failure_pareto('2026-03-01Z', '2026-04-01Z', 'remedy')$$), 'PT422 pareto.dimension_invalid',
  'grouped by problem or cause only');
SELECT is(tests.refusal($$SELECT * FROM app.failure_pareto('2026-04-01Z', '2026-03-01Z')$$), 'PT422 pareto.period_invalid',
  'the period ends after it starts');
SELECT is(tests.refusal($$SELECT * FROM app.failure_pareto('2026-03-01Z', '2026-04-01Z', n => 0)$$), 'PT422 pareto.count_out_of_range',
  'at least one code per class');

-- As the caller: the technician at plant A sees plant A's stops only; another tenant nothing.
SELECT tests.act_as(tests.recall('tech'), tests.recall('a'));
SELECT is(pg_temp.pareto('problem', tests.recall('pumps')::uuid), ARRAY['pumps LEAK:2:1:8.00:80.0:80.0', 'pumps NOISE:1:1:1.00:10.0:90.0',
                                                                       'pumps -:1:0:1.00:10.0:100.0'],
  'a plant-scoped technician''s Pareto counts their plant''s stops');
SELECT is(pg_temp.pareto('problem', NULL, tests.recall('plant_b')::uuid), NULL, 'and nothing of another plant');
SELECT tests.act_as(tests.recall('other'), tests.recall('b'));
SELECT is(pg_temp.pareto(), NULL, 'another tenant sees nothing');

SELECT * FROM finish();
ROLLBACK;
