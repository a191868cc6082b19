-- Custom fields on NCRs (entity type ncr): QA sets the tenant's fields
-- with app.set_ncr_custom_fields, checked against the definitions; an
-- unknown field, a value of the wrong type and a caller without ncr.manage
-- are refused. The defect category comes from the tenant's type list
-- ncr_defect_categories and feeds the defect Pareto.
BEGIN;
SELECT plan(11);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.fill_ncr(tests.recall('t'));
SELECT tests.remember('ncr', (SELECT id FROM app.ncrs WHERE organization_id = tests.recall('t')::uuid));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('auditor', tests.create_member(tests.recall('t'), 'auditor'));
INSERT INTO app.custom_field_definitions (organization_id, entity_type, code, label, field_type)
VALUES (tests.recall('t'), 'ncr', 'shift', 'Shift', 'text'), (tests.recall('t'), 'ncr', 'scrap_cost', 'Scrap cost', 'decimal');
INSERT INTO app.ncrs (organization_id, id, ncr_number, title, description, site_id, part_id, customer_id, nonconforming_quantity, unit, status)
SELECT n.organization_id, public.uuid_generate_v7(), 'NCR-2026-00000' || g, n.title, n.description, n.site_id, n.part_id, n.customer_id,
       1, n.unit, 'open'
  FROM app.ncrs AS n CROSS JOIN generate_series(2, 3) AS g WHERE n.id = tests.recall('ncr')::uuid;
INSERT INTO app.type_lists (organization_id, code, label) VALUES (tests.recall('t'), 'ncr_defect_categories', 'NCR defect categories');
INSERT INTO app.type_list_values (organization_id, type_list_id, code, label, position)
SELECT tests.recall('t')::uuid, l.id, v.code, v.label, v.position
  FROM app.type_lists AS l, (VALUES ('burr', 'Burr', 1), ('dimension', 'Dimension out of tolerance', 2)) AS v (code, label, position)
 WHERE l.organization_id = tests.recall('t')::uuid AND l.code = 'ncr_defect_categories';

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
SELECT app.set_ncr_defect_category(id, 'burr') FROM app.ncrs WHERE organization_id = tests.recall('t')::uuid AND ncr_number <> 'NCR-2026-000003';
SELECT is((SELECT defect_category FROM app.ncrs WHERE id = tests.recall('ncr')::uuid), 'burr', 'QA classifies an NCR from the type list');
SELECT is(tests.refusal(format($$SELECT app.set_ncr_defect_category(%L, 'paint')$$, tests.recall('ncr'))),
  'PT422 ncr.defect_category_unknown', 'a category not on the tenant''s list is refused');
SELECT results_eq($$SELECT defect_category, label, ncr_count, share, cumulative_share FROM app.ncr_defect_pareto()$$,
  $$VALUES ('burr'::text, 'Burr'::text, 2::bigint, 0.6667::numeric, 0.6667::numeric), (NULL, 'Unclassified', 1, 0.3333, 1.0000)$$,
  'the defect Pareto counts NCRs per category, most first, with shares and the cumulative share');
SELECT tests.act_as(tests.recall('auditor'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.set_ncr_defect_category(%L, 'dimension')$$, tests.recall('ncr'))),
  'PT403 permission.missing', 'a reader without ncr.manage does not classify');
SELECT is(tests.refusal(format($$SELECT app.set_ncr_custom_fields(%L, '{"shift": "day"}')$$, tests.recall('ncr'))),
  'PT403 permission.missing', 'a reader without ncr.manage does not set them');
SELECT tests.act_as_owner();
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('other_qa', tests.create_member(tests.recall('other'), 'qa'));
SELECT tests.act_as(tests.recall('other_qa'), tests.recall('other'));
SELECT is_empty($$SELECT * FROM app.ncr_defect_pareto()$$, 'another tenant''s defect Pareto counts none of these NCRs');

SELECT * FROM finish();
ROLLBACK;
