-- BOM-line items of a change order take effect in the project BOM when it is
-- implemented (69_effectivity.sql, app_private.apply_change_order_bom_item):
-- change a quantity, replace a component, add a line (immediately), remove a
-- line from a lot on, change a quantity from a future date. The superseded
-- line is end-dated and kept (and frozen); the explosion and where-used read
-- the lines in effect at a time, for a lot. Refused: a line another change
-- order already superseded, an added line the assembly already has, an item
-- without what its action needs.
BEGIN;
SELECT plan(19);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('eng', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.remember('eng2', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('prod', tests.create_member(tests.recall('t'), 'production'));
SELECT tests.remember('manager', tests.create_member(tests.recall('t'), 'management'));
SELECT tests.remember('project', tests.create_project(tests.recall('t'), tests.recall('manager')));

SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
INSERT INTO app.parts (part_number, name, unit) VALUES
  ('ASM-1', 'Pump', 'pcs'), ('SUB-1', 'Housing', 'pcs'), ('BRK-1', 'Bracket', 'pcs'), ('BRK-2', 'Bracket, stiffer', 'pcs'),
  ('SCR-1', 'Screw', 'pcs'), ('GSK-1', 'Gasket', 'pcs');
CREATE TEMP TABLE p ON COMMIT DROP AS SELECT part_number, id FROM app.parts;
GRANT SELECT ON p TO PUBLIC;
CREATE FUNCTION pg_temp.part(p_number text) RETURNS uuid LANGUAGE sql AS $$ SELECT id FROM p WHERE part_number = p_number $$;
GRANT EXECUTE ON FUNCTION pg_temp.part(text) TO PUBLIC;
INSERT INTO app.project_bom_lines (project_id, parent_part_id, component_part_id, quantity, unit, position) VALUES
  (tests.recall('project'), pg_temp.part('ASM-1'), pg_temp.part('SUB-1'), 2, 'pcs', 10),
  (tests.recall('project'), pg_temp.part('ASM-1'), pg_temp.part('SCR-1'), 8, 'pcs', 20),
  (tests.recall('project'), pg_temp.part('SUB-1'), pg_temp.part('BRK-1'), 3, 'pcs', 10);
SELECT tests.remember('line_scr', (SELECT id FROM app.project_bom_lines WHERE component_part_id = pg_temp.part('SCR-1')));
SELECT tests.remember('line_brk', (SELECT id FROM app.project_bom_lines WHERE component_part_id = pg_temp.part('BRK-1')));

-- An item carries what its action needs.
INSERT INTO app.change_orders (title, reason, effectivity, effective_date) VALUES ('Stronger pump', 'design_improvement', 'date', current_date);
SELECT tests.remember('eco1', (SELECT id FROM app.change_orders WHERE title = 'Stronger pump'));
SELECT is(tests.refusal(format($$INSERT INTO app.change_order_items (change_order_id, kind, bom_action, bom_line_id) VALUES (%L, 'bom_line', 'change', %L)$$,
                               tests.recall('eco1'), tests.recall('line_scr'))), '23514', 'a quantity change names the new quantity and unit');
SELECT is(tests.refusal(format($$INSERT INTO app.change_order_items (change_order_id, kind, bom_action, bom_project_id, bom_parent_part_id, bom_component_part_id)
                                 VALUES (%L, 'bom_line', 'add', %L, %L, %L)$$, tests.recall('eco1'), tests.recall('project'), pg_temp.part('ASM-1'),
                               pg_temp.part('GSK-1'))), '23514', 'an added line has its quantity and unit');
INSERT INTO app.change_order_items (change_order_id, kind, bom_action, bom_line_id, bom_quantity, bom_unit)
VALUES (tests.recall('eco1'), 'bom_line', 'change', tests.recall('line_scr'), 10, 'pcs');
INSERT INTO app.change_order_items (change_order_id, kind, bom_action, bom_line_id, bom_component_part_id)
VALUES (tests.recall('eco1'), 'bom_line', 'replace', tests.recall('line_brk'), pg_temp.part('BRK-2'));
INSERT INTO app.change_order_items (change_order_id, kind, bom_action, bom_project_id, bom_parent_part_id, bom_component_part_id, bom_quantity, bom_unit)
VALUES (tests.recall('eco1'), 'bom_line', 'add', tests.recall('project'), pg_temp.part('ASM-1'), pg_temp.part('GSK-1'), 1, 'pcs');
SELECT (app.submit_change_order(tests.recall('eco1'))).status::text;
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT (app.approve_change_order(tests.recall('eco1'))).status::text;
SELECT tests.act_as(tests.recall('eng2'), tests.recall('t'));
SELECT (app.approve_change_order(tests.recall('eco1'))).status::text;
SELECT tests.act_as(tests.recall('prod'), tests.recall('t'));
SELECT (app.approve_change_order(tests.recall('eco1'))).status::text;
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
SELECT results_eq(format($$SELECT path, line_quantity FROM app.explode_project_bom(%L) WHERE depth > 0$$, tests.recall('project')),
  $$VALUES ('ASM-1 > SUB-1', 2::numeric), ('ASM-1 > SUB-1 > BRK-1', 3), ('ASM-1 > SCR-1', 8)$$,
  'approved but not implemented, the BOM is as it was');
SELECT is((app.implement_change_order(tests.recall('eco1'))).status::text, 'implemented', 'implementing applies the BOM changes');
SELECT results_eq(format($$SELECT path, line_quantity FROM app.explode_project_bom(%L) WHERE depth > 0$$, tests.recall('project')),
  $$VALUES ('ASM-1 > SUB-1', 2::numeric), ('ASM-1 > SUB-1 > BRK-2', 3), ('ASM-1 > SCR-1', 10), ('ASM-1 > GSK-1', 1)$$,
  'the quantity is changed, the bracket replaced (its quantity kept), the gasket added at the end');
SELECT results_eq(format($$SELECT path, line_quantity FROM app.explode_project_bom(%L, at => now() - interval '1 second') WHERE depth > 0$$,
                         tests.recall('project')),
  $$VALUES ('ASM-1 > SUB-1', 2::numeric), ('ASM-1 > SUB-1 > BRK-1', 3), ('ASM-1 > SCR-1', 8)$$,
  'the BOM as it was before the implementation (now, the transaction''s start) is still read at that time');
SELECT results_eq(format($$SELECT quantity, ended_by_change_order_id = %L, effective_to IS NOT NULL FROM app.project_bom_lines WHERE id IN (%L, %L) ORDER BY quantity$$,
                         tests.recall('eco1'), tests.recall('line_brk'), tests.recall('line_scr')),
  $$VALUES (3::numeric, true, true), (8, true, true)$$, 'the superseded lines are kept, end-dated by the change order');
SELECT is((SELECT count(*)::int FROM app.project_bom_lines WHERE change_order_id = tests.recall('eco1')), 3, 'the new lines name the change order that added them');
SELECT is((SELECT count(*)::int FROM app.part_where_used(pg_temp.part('BRK-1'))), 0, 'where-used: the replaced bracket is used nowhere now');
SELECT is((SELECT count(*)::int FROM app.part_where_used(pg_temp.part('BRK-1'), at => now() - interval '1 second')), 2,
  'and was used in the housing and the pump before');
SELECT is(tests.refusal(format($$UPDATE app.project_bom_lines SET quantity = 9 WHERE id = %L$$, tests.recall('line_scr'))),
  'PT409 project_bom.line_superseded', 'a superseded line is history: it is not edited');

-- From lot L-000100 on, the gasket is removed; a later change of the screw quantity from next month.
INSERT INTO app.change_orders (title, reason, effectivity, effective_lot_number) VALUES ('No gasket', 'cost_reduction', 'lot', 'L-000100');
SELECT tests.remember('eco2', (SELECT id FROM app.change_orders WHERE title = 'No gasket'));
INSERT INTO app.change_order_items (change_order_id, kind, bom_action, bom_line_id)
SELECT tests.recall('eco2'), 'bom_line', 'remove', id FROM app.project_bom_lines WHERE component_part_id = pg_temp.part('GSK-1');
INSERT INTO app.change_orders (title, reason, effectivity, effective_date) VALUES ('Twelve screws', 'design_improvement', 'date', current_date + 30);
SELECT tests.remember('eco3', (SELECT id FROM app.change_orders WHERE title = 'Twelve screws'));
INSERT INTO app.change_order_items (change_order_id, kind, bom_action, bom_line_id, bom_quantity, bom_unit)
SELECT tests.recall('eco3'), 'bom_line', 'change', id, 12, 'pcs' FROM app.project_bom_lines
 WHERE component_part_id = pg_temp.part('SCR-1') AND ended_by_change_order_id IS NULL;
-- And two that cannot be applied: the old screw line (already superseded), a second gasket line.
INSERT INTO app.change_orders (title, reason, effectivity, effective_date) VALUES ('Stale', 'other', 'date', current_date);
SELECT tests.remember('eco4', (SELECT id FROM app.change_orders WHERE title = 'Stale'));
INSERT INTO app.change_order_items (change_order_id, kind, bom_action, bom_line_id) VALUES (tests.recall('eco4'), 'bom_line', 'remove', tests.recall('line_scr'));
INSERT INTO app.change_orders (title, reason, effectivity, effective_date) VALUES ('Gasket again', 'other', 'date', current_date);
SELECT tests.remember('eco5', (SELECT id FROM app.change_orders WHERE title = 'Gasket again'));
INSERT INTO app.change_order_items (change_order_id, kind, bom_action, bom_project_id, bom_parent_part_id, bom_component_part_id, bom_quantity, bom_unit)
VALUES (tests.recall('eco5'), 'bom_line', 'add', tests.recall('project'), pg_temp.part('ASM-1'), pg_temp.part('GSK-1'), 2, 'pcs');
SELECT count(app.submit_change_order(id))::text AS submitted FROM app.change_orders WHERE status = 'draft';
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT count(app.approve_change_order(id))::text AS approved FROM app.change_orders WHERE status = 'submitted';
SELECT tests.act_as(tests.recall('eng2'), tests.recall('t'));
SELECT count(app.approve_change_order(id))::text AS approved FROM app.change_orders WHERE status = 'submitted';
SELECT tests.act_as(tests.recall('prod'), tests.recall('t'));
SELECT count(app.approve_change_order(id))::text AS approved FROM app.change_orders WHERE status = 'submitted';
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.implement_change_order(%L)$$, tests.recall('eco4'))), 'PT409 project_bom.line_superseded',
  'a change order naming a line another one superseded is not implemented');
SELECT is(tests.refusal(format($$SELECT app.implement_change_order(%L)$$, tests.recall('eco5'))), 'PT409 project_bom.line_exists',
  'nor one adding a line the assembly already has');
SELECT is((SELECT string_agg(status::text, ',' ORDER BY title) FROM app.change_orders WHERE id IN (tests.recall('eco4'), tests.recall('eco5'))),
  'approved,approved', 'both stay approved, nothing applied');
SELECT (app.implement_change_order(tests.recall('eco2'))).status::text;
SELECT (app.implement_change_order(tests.recall('eco3'))).status::text;
SELECT is((SELECT string_agg(path, ',' ORDER BY path) FROM app.explode_project_bom(tests.recall('project'), lot_number => 'L-000099') WHERE path LIKE '%GSK%'),
  'ASM-1 > GSK-1', 'lots before L-000100 are built with the gasket');
SELECT is((SELECT count(*)::int FROM app.explode_project_bom(tests.recall('project'), lot_number => 'L-000100') WHERE path LIKE '%GSK%'), 0,
  'from lot L-000100 on without it');
SELECT is((SELECT count(*)::int FROM app.explode_project_bom(tests.recall('project')) WHERE path LIKE '%GSK%'), 0,
  'and new production (no lot named) without it');
SELECT is((SELECT line_quantity FROM app.explode_project_bom(tests.recall('project')) WHERE path = 'ASM-1 > SCR-1'), 10::numeric,
  'a change effective next month leaves the quantity in effect today');
SELECT is((SELECT line_quantity FROM app.explode_project_bom(tests.recall('project'), at => (current_date + 31)::timestamptz) WHERE path = 'ASM-1 > SCR-1'),
  12::numeric, 'and takes effect on its date');

SELECT * FROM finish();
ROLLBACK;
