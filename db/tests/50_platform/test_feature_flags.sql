-- Tenant feature flags: holders of organization.manage_features set their
-- tenant's value, checked against the flag's type and audited; members read
-- every flag with its value in force; another tenant sees none of it.
BEGIN;
SELECT plan(28);

SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('admin', tests.create_member(tests.recall('a'), 'admin'));
SELECT tests.remember('qa', tests.create_member(tests.recall('a'), 'qa'));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
-- Flags of every type, defined by the platform as data.
INSERT INTO app_private.feature_flag_definitions (key, value_type, allowed_values, minimum, maximum, default_value, description) VALUES
  ('test_switch', 'boolean', NULL, NULL, NULL, 'false', 'A switch.'),
  ('test_days', 'integer', NULL, 1, 90, '30', 'Some days.'),
  ('test_note', 'text', NULL, NULL, NULL, '"hello"', 'A note.'),
  ('test_mode', 'enum', ARRAY['off', 'soft', 'hard'], NULL, NULL, '"soft"', 'A mode.');
SELECT is(tests.refusal($$INSERT INTO app_private.feature_flag_definitions (key, value_type, default_value, description)
                          VALUES ('test_bad', 'boolean', '"yes"', 'x')$$), 'PT422 feature_flag.value_invalid',
  'a platform default must fit its flag');

-- Members read every flag with its default until the tenant sets one.
SELECT tests.act_as(tests.recall('qa'), tests.recall('a'));
SELECT is((SELECT value FROM app.feature_flags WHERE flag_key = 'glp_esignatures_required'), 'false'::jsonb,
  'the seeded GLP flag is off by default');
SELECT is((SELECT count(*)::int FROM app.feature_flags WHERE flag_key LIKE 'test\_%'), 4, 'a member sees every flag');
SELECT ok(NOT auth.feature_enabled('test_switch'), 'domains read the default');
SELECT is((SELECT count(*)::int FROM app.tenant_feature_flags), 0, 'a member reads the tenant''s values (none yet)');
SELECT is(tests.refusal($$INSERT INTO app.tenant_feature_flags (flag_key, value) VALUES ('test_switch', 'true')$$),
  'PT403 permission.missing', 'a lesser role cannot set a flag');

-- An administrator sets the flags, value by type.
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
INSERT INTO app.tenant_feature_flags (flag_key, value) VALUES ('test_switch', 'true'), ('test_days', '60'), ('test_mode', '"hard"');
SELECT ok(auth.feature_enabled('test_switch'), 'the tenant''s value is in force');
SELECT is(auth.feature_value('test_days'), '60'::jsonb, 'for every type');
SELECT is((SELECT array_agg(flag_key || '=' || value::text || ':' || is_set ORDER BY flag_key) FROM app.feature_flags WHERE flag_key LIKE 'test\_%'),
  ARRAY['test_days=60:true', 'test_mode="hard":true', 'test_note="hello":false', 'test_switch=true:true'],
  'the view shows each flag''s value in force and whether the tenant set it');
SELECT is((SELECT updated_by FROM app.tenant_feature_flags WHERE flag_key = 'test_switch'), tests.recall('admin'), 'who set it is kept');
SELECT is(tests.refusal($$INSERT INTO app.tenant_feature_flags (flag_key, value) VALUES ('test_note', '1')$$),
  'PT422 feature_flag.value_invalid', 'a number is not a text');
SELECT is(tests.refusal($$UPDATE app.tenant_feature_flags SET value = '"yes"' WHERE flag_key = 'test_switch'$$),
  'PT422 feature_flag.value_invalid', 'a string is not a boolean');
SELECT is(tests.refusal($$UPDATE app.tenant_feature_flags SET value = '91' WHERE flag_key = 'test_days'$$),
  'PT422 feature_flag.value_invalid', 'an integer stays within its bounds');
SELECT is(tests.refusal($$UPDATE app.tenant_feature_flags SET value = '1.5' WHERE flag_key = 'test_days'$$),
  'PT422 feature_flag.value_invalid', 'an integer is whole');
SELECT is(tests.refusal($$UPDATE app.tenant_feature_flags SET value = '"medium"' WHERE flag_key = 'test_mode'$$),
  'PT422 feature_flag.value_invalid', 'an enum takes its allowed values only');
SELECT is(tests.refusal($$INSERT INTO app.tenant_feature_flags (flag_key, value) VALUES ('no_such_flag', 'true')$$),
  'PT422 feature_flag.unknown', 'an unknown flag is refused');
SELECT is(tests.refusal($$SELECT auth.feature_enabled('test_days')$$), 'PT422 feature_flag.not_boolean',
  'feature_enabled is for boolean flags');
SELECT is(tests.refusal($$UPDATE app.tenant_feature_flags SET flag_key = 'test_note' WHERE flag_key = 'test_switch'$$),
  'PT409 row.fixed_column', 'a value stays on its flag');

SELECT tests.act_as(tests.recall('qa'), tests.recall('a'));
SELECT is((SELECT count(*)::int FROM app.tenant_feature_flags), 3, 'a member reads the values the tenant set');
SELECT tests.act_as(tests.create_operator());
SELECT is((SELECT count(*)::int FROM app.tenant_feature_flags WHERE organization_id = tests.recall('a')), 3,
  'a platform operator reads every tenant''s values');
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));

-- Audited: the change lands in the activity log.
UPDATE app.tenant_feature_flags SET value = 'false' WHERE flag_key = 'test_switch';
SELECT tests.act_as_owner();
SELECT is((SELECT new_values FROM audit.activity_log WHERE organization_id = tests.recall('a') AND entity_type = 'tenant_feature_flags'
              AND entity_id = 'test_switch' AND action = 'update'), '{"value": false}'::jsonb, 'a change is in the activity log');

-- Another tenant neither sees nor changes A's values.
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is((SELECT value FROM app.feature_flags WHERE flag_key = 'test_days'), '30'::jsonb, 'B has its own value in force, the default');
SELECT is_empty($$SELECT FROM app.feature_flags WHERE organization_id = tests.recall('a')$$, 'B does not see A''s flags');
SELECT is_empty($$SELECT FROM app.tenant_feature_flags$$, 'nor A''s values');
SELECT is(tests.refusal(format($$INSERT INTO app.tenant_feature_flags (organization_id, flag_key, value) VALUES (%L, 'test_note', '"x"')$$,
  tests.recall('a'))), '42501 tenant.foreign_row', 'nor sets one for A');
UPDATE app.tenant_feature_flags SET value = 'true' WHERE organization_id = tests.recall('a');
SELECT tests.act_as_owner();
SELECT is((SELECT value FROM app.tenant_feature_flags WHERE organization_id = tests.recall('a') AND flag_key = 'test_switch'), 'false'::jsonb,
  'B''s update reached nothing of A');

-- A value that no longer fits a changed definition falls back to the default.
UPDATE app_private.feature_flag_definitions SET maximum = 45 WHERE key = 'test_days';
SELECT is(app_private.feature_flag(tests.recall('a'), 'test_days'), '30'::jsonb, 'a stored value outside new bounds gives way to the default');
SELECT is((SELECT action::text FROM audit.activity_log WHERE organization_id = tests.recall('a') AND entity_id = 'test_days' AND action = 'delete'),
  'delete', 'and its removal is in the tenant''s activity log');

SELECT * FROM finish();
ROLLBACK;
