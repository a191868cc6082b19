-- Typed tenant settings: the platform defines them (a JSON schema the
-- default matches, the permission that changes it); members read every
-- setting with its value in force; holders of the setting's permission set
-- values its schema accepts (the validator's path and message in the
-- error), audited; SQL reads them as JSON or as a SQL type; another tenant,
-- a portal user and an anonymous caller see none of it.
BEGIN;
SELECT plan(37);

SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('admin', tests.create_member(tests.recall('a'), 'admin'));
SELECT tests.remember('qa', tests.create_member(tests.recall('a'), 'qa'));
SELECT tests.remember('auditor', tests.create_member(tests.recall('a'), 'auditor'));
SELECT tests.remember('portal', tests.create_member(tests.recall('a'), 'customer_portal',
                                                    p_partner_id => tests.create_partner(tests.recall('a'))));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));

-- Definitions: the schema is of the supported subset, the default matches it.
INSERT INTO app_private.setting_definitions (key, value_schema, default_value, description, permission) VALUES
  ('test_label', '{"type": "object", "required": ["size"], "additionalProperties": false,
                   "properties": {"size": {"type": "integer", "minimum": 10, "maximum": 100}, "note": {"type": "string", "maxLength": 5}}}',
   '{"size": 50}', 'A label.', 'settings.manage'),
  ('test_capa_days', '{"type": "integer", "minimum": 1}', '30', 'Days to close a CAPA.', 'capa.manage'),
  ('test_mode', '{"enum": ["on", "off"]}', '"off"', 'A mode.', 'settings.manage');
SELECT is(tests.refusal($$INSERT INTO app_private.setting_definitions (key, value_schema, default_value, description)
                          VALUES ('test_bad', '{"type": "integer"}', '"ten"', 'x')$$), 'PT422 setting.default_invalid',
  'a default must match its schema');
SELECT is(tests.refusal($$INSERT INTO app_private.setting_definitions (key, value_schema, default_value, description)
                          VALUES ('test_odd', '{"oneOf": [{"type": "integer"}]}', '1', 'x')$$), 'PT422 json_schema.unsupported',
  'a schema outside the supported subset is refused');

-- Members read every setting with its default until the tenant sets one.
SELECT tests.act_as(tests.recall('qa'), tests.recall('a'));
SELECT is((SELECT value FROM app.settings WHERE setting_key = 'spc_rules'), '[1, 2, 3, 4]'::jsonb,
  'the seeded SPC rules are the Western Electric rules by default');
SELECT is((SELECT count(*)::int FROM app.settings WHERE setting_key IN ('oee_small_stop_minutes', 'shipment_label_format', 'spc_rules',
            'supplier_on_time_tolerance_days')), 4, 'the platform''s settings are seeded');
SELECT is((SELECT array_agg(setting_key || ':' || is_set || ':' || may_change ORDER BY setting_key) FROM app.settings WHERE setting_key LIKE 'test\_%'),
  ARRAY['test_capa_days:false:true', 'test_label:false:false', 'test_mode:false:false'],
  'a member sees every setting, whether it is set and whether they may change it');
SELECT is(tests.refusal($$INSERT INTO app.tenant_settings (setting_key, value) VALUES ('test_mode', '"on"')$$),
  'PT403 permission.missing', 'a member without settings.manage cannot set a setting');
-- QA holds capa.manage, the permission test_capa_days names.
INSERT INTO app.tenant_settings (setting_key, value) VALUES ('test_capa_days', '45');
SELECT tests.act_as_owner();
SELECT is(app_private.setting(tests.recall('a'), 'test_capa_days'), '45'::jsonb, 'a setting''s own permission is what it takes');
SELECT tests.act_as(tests.recall('auditor'), tests.recall('a'));
SELECT is((SELECT count(*)::int FROM app.tenant_settings), 1, 'a member without the permission reads the values the tenant set');
SELECT is_empty($$DELETE FROM app.tenant_settings WHERE setting_key = 'test_capa_days' RETURNING 1$$,
  'nor can a member without it reset one');

-- An administrator sets values the schema accepts.
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
INSERT INTO app.tenant_settings (setting_key, value) VALUES ('test_label', '{"size": 20, "note": "ok"}'), ('test_mode', '"on"');
SELECT is((SELECT array_agg(setting_key || '=' || value::text || ':' || is_set ORDER BY setting_key) FROM app.settings WHERE setting_key LIKE 'test\_%'),
  ARRAY['test_capa_days=45:true', 'test_label={"note": "ok", "size": 20}:true', 'test_mode="on":true'],
  'the view shows each setting''s value in force and whether the tenant set it');
SELECT is((SELECT updated_by FROM app.tenant_settings WHERE setting_key = 'test_mode'), tests.recall('admin'), 'who set it is kept');
SELECT is(tests.refusal($$UPDATE app.tenant_settings SET value = '{"size": 200}' WHERE setting_key = 'test_label'$$),
  'PT422 setting.value_invalid', 'a value outside the schema''s bounds is refused');
SELECT throws_ok($$UPDATE app.tenant_settings SET value = '{"size": 200}' WHERE setting_key = 'test_label'$$, 'PT422',
  'The value of setting test_label does not match its schema at $.size: must be at most 100 (maximum)',
  'the error carries the validator''s path and message');
SELECT is(tests.refusal($$UPDATE app.tenant_settings SET value = '{"size": 20, "colour": "red"}' WHERE setting_key = 'test_label'$$),
  'PT422 setting.value_invalid', 'an unknown property is refused');
SELECT is(tests.refusal($$UPDATE app.tenant_settings SET value = '{"note": "x"}' WHERE setting_key = 'test_label'$$),
  'PT422 setting.value_invalid', 'a missing required property is refused');
SELECT is(tests.refusal($$UPDATE app.tenant_settings SET value = '"maybe"' WHERE setting_key = 'test_mode'$$),
  'PT422 setting.value_invalid', 'an enum takes its values only');
SELECT is(tests.refusal($$INSERT INTO app.tenant_settings (setting_key, value) VALUES ('shipment_label_format', '{"symbology": "datamatrix", "width_mm": 102, "height_mm": 152}')$$),
  'PT422 setting.value_invalid', 'the seeded settings are validated too (no symbology the label job does not draw)');
SELECT is(tests.refusal($$INSERT INTO app.tenant_settings (setting_key, value) VALUES ('spc_rules', '[1, 9]')$$),
  'PT422 setting.value_invalid', 'SPC rules are 1 to 8');
SELECT is(tests.refusal($$INSERT INTO app.tenant_settings (setting_key, value) VALUES ('no_such_setting', '1')$$),
  'PT422 setting.unknown', 'an unknown setting is refused');
SELECT is(tests.refusal($$UPDATE app.tenant_settings SET setting_key = 'test_mode' WHERE setting_key = 'test_label'$$),
  'PT409 row.fixed_column', 'a value stays on its setting');

-- The typed getter, for SQL (app_private: no API role calls it).
SELECT tests.act_as_owner();
SELECT is(app_private.setting(tests.recall('a'), 'test_capa_days', NULL::integer), 45, 'read as an integer');
SELECT is(app_private.setting(tests.recall('a'), 'test_mode', NULL::text), 'on', 'a string as its text');
SELECT is(app_private.setting(tests.recall('a'), 'test_label', NULL::jsonb), '{"size": 20, "note": "ok"}'::jsonb, 'an object as jsonb');
SELECT is(app_private.setting(tests.recall('b'), 'oee_small_stop_minutes', NULL::integer), 5, 'another tenant has the default');
SELECT is(tests.refusal($$SELECT app_private.setting(tests.recall('a'), 'test_mode', NULL::integer)$$), 'PT422 setting.type_mismatch',
  'a value that does not cast is refused');
SELECT is(tests.refusal($$SELECT app_private.setting(tests.recall('a'), 'no_such_setting')$$), 'PT422 setting.unknown',
  'an unknown setting has no value');

-- Reset: back to the default.
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
DELETE FROM app.tenant_settings WHERE setting_key = 'test_mode';
SELECT is((SELECT (value, is_set)::text FROM app.settings WHERE setting_key = 'test_mode'), '("""off""",f)', 'deleting a value restores the default');

-- Audited.
SELECT tests.act_as_owner();
SELECT is((SELECT array_agg(action::text ORDER BY occurred_at, action::text) FROM audit.activity_log
            WHERE organization_id = tests.recall('a') AND entity_type = 'tenant_settings' AND entity_id = 'test_mode'),
  ARRAY['insert', 'delete'], 'changes are in the activity log');

-- A narrower schema drops the tenants' values it no longer accepts.
UPDATE app_private.setting_definitions SET value_schema = '{"type": "object", "properties": {"size": {"type": "integer", "maximum": 15}}}', default_value = '{"size": 10}'
 WHERE key = 'test_label';
SELECT is((SELECT count(*)::int FROM app.tenant_settings WHERE organization_id = tests.recall('a') AND setting_key = 'test_label'), 0,
  'a value the new schema refuses is removed: the tenant is back on the default');

-- Portal users, other tenants and anonymous callers see none of it.
SELECT tests.act_as(tests.recall('portal'), tests.recall('a'));
SELECT is_empty($$SELECT FROM app.settings$$, 'a portal user sees no settings');
SELECT is_empty($$SELECT FROM app.tenant_settings$$, 'nor the tenant''s values');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is((SELECT value FROM app.settings WHERE setting_key = 'test_capa_days'), '30'::jsonb, 'B has its own value in force, the default');
SELECT is_empty(format($$SELECT FROM app.settings WHERE organization_id = %L$$, tests.recall('a')), 'B does not see A''s settings');
SELECT is_empty($$SELECT FROM app.tenant_settings$$, 'nor A''s values');
SELECT is(tests.refusal(format($$INSERT INTO app.tenant_settings (organization_id, setting_key, value) VALUES (%L, 'test_mode', '"on"')$$,
  tests.recall('a'))), '42501 tenant.foreign_row', 'nor sets one for A');
SELECT tests.act_as_anon();
SELECT is(tests.refusal($$SELECT FROM app.settings$$), '42501', 'anonymous callers read no settings');
SELECT tests.act_as(tests.create_operator());
SELECT is((SELECT count(*)::int FROM app.tenant_settings WHERE organization_id = tests.recall('a')), 1,
  'a platform operator reads every tenant''s values');

SELECT * FROM finish();
ROLLBACK;
