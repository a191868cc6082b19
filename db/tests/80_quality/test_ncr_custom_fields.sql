-- Custom fields on NCRs (entity type ncr): QA sets the tenant's fields
-- with app.set_ncr_custom_fields, checked against the definitions; an
-- unknown field, a value of the wrong type and a caller without ncr.manage
-- are refused; the values are queryable for a Pareto.
BEGIN;
SELECT plan(6);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.fill_ncr(tests.recall('t'));
SELECT tests.remember('ncr', (SELECT id FROM app.ncrs WHERE organization_id = tests.recall('t')::uuid));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('auditor', tests.create_member(tests.recall('t'), 'auditor'));
INSERT INTO app.custom_field_definitions (organization_id, entity_type, code, label, field_type)
VALUES (tests.recall('t'), 'ncr', 'shift', 'Shift', 'text'), (tests.recall('t'), 'ncr', 'scrap_cost', 'Scrap cost', 'decimal');

SELECT ok(auth.custom_fields_enabled('ncr'), 'NCRs take custom fields');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is((app.set_ncr_custom_fields(tests.recall('ncr'), '{"shift": "night", "scrap_cost": 120.5}')).custom_fields,
  '{"shift": "night", "scrap_cost": 120.5}'::jsonb, 'QA sets an NCR''s custom fields');
SELECT is(tests.refusal(format($$SELECT app.set_ncr_custom_fields(%L, '{"colour": "red"}')$$, tests.recall('ncr'))),
  'PT422 custom_field.unknown', 'a field not defined for NCRs is refused');
SELECT isnt(tests.refusal(format($$SELECT app.set_ncr_custom_fields(%L, '{"scrap_cost": "a lot"}')$$, tests.recall('ncr'))),
  'no error', 'a value of the wrong type is refused');
SELECT is((SELECT custom_fields ->> 'shift' FROM app.ncrs WHERE id = tests.recall('ncr')::uuid), 'night',
  'the values are read back from the NCR (GIN-indexed, for grouping)');
SELECT tests.act_as(tests.recall('auditor'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.set_ncr_custom_fields(%L, '{"shift": "day"}')$$, tests.recall('ncr'))),
  'PT403 permission.missing', 'a reader without ncr.manage does not set them');

SELECT * FROM finish();
ROLLBACK;
