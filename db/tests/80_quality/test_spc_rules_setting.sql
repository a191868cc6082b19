-- The tenant setting spc_rules decides which Nelson rules flag a point: by
-- default the Western Electric rules 1 to 4, so a point breaking only rule 5
-- (two of three beyond 2 sigma) is in control until the tenant adds rule 5.
BEGIN;
SELECT plan(3);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('plant', tests.create_site(tests.recall('t')));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('c', tests.create_characteristic(tests.recall('t'), tests.recall('plant'), 'xbar_r', 2));
-- Center 10, UCL 10.03 (sigma 0.01): subgroup means 10, 10.025, 10.025 (2.5 sigma, twice).
SELECT tests.act_as_owner();
INSERT INTO app.spc_subgroups (organization_id, id, characteristic_id, subgroup, site_id, n, mean, range, sum, sum_squares)
SELECT tests.recall('t'), uuid_generate_v7(), tests.recall('c'), k, tests.recall('plant'), 2, m, 0.01, 2 * m, 2 * m * m
  FROM unnest(ARRAY[10.0, 10.025, 10.025]) WITH ORDINALITY AS s (m, k);
UPDATE app.characteristics SET open_subgroup = 4 WHERE id = tests.recall('c');
INSERT INTO app.spc_baselines (organization_id, id, characteristic_id, site_id, from_subgroup, to_subgroup, subgroups, center, ucl, lcl, reason)
VALUES (tests.recall('t'), uuid_generate_v7(), tests.recall('c'), tests.recall('plant'), 1, 3, 3, 10.0, 10.03, 9.97, 'Initial study');

SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is((app.spc_chart(tests.recall('c'), 3)) -> 'points' -> -1 -> 'rules', '[]'::jsonb,
  'with the default rules 1-4, a point breaking only rule 5 is not flagged');
SELECT tests.act_as_owner();
INSERT INTO app.tenant_settings (organization_id, setting_key, value) VALUES (tests.recall('t'), 'spc_rules', '[1, 2, 3, 4, 5]');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is((app.spc_chart(tests.recall('c'), 3)) -> 'points' -> -1 -> 'rules', '[5]'::jsonb,
  'once the tenant flags rule 5, it is');
SELECT is((app.spc_chart(tests.recall('c'), 3)) -> 'points' -> -1 -> 'rule_names', '["two_of_three_beyond_2_sigma"]'::jsonb,
  'named');

SELECT * FROM finish();
ROLLBACK;
