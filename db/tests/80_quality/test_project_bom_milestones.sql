-- The project BOM and project milestones: BOM lines chain into levels with
-- quantities in units that convert to the component's unit; explosion
-- multiplies the converted quantities down the levels; a line that would
-- close a cycle is refused with its own reason; where-used goes up to the
-- top assemblies. Milestones: done exactly with an actual date, slippage
-- computed against the planned date. Staff with project.read read both;
-- portal users and other tenants see nothing.
BEGIN;
SELECT plan(26);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('engineer', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.remember('manager', tests.create_member(tests.recall('t'), 'management'));
SELECT tests.remember('nobody', tests.create_member(tests.recall('t')));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('project', tests.create_project(tests.recall('t'), tests.recall('manager')));
SELECT tests.remember('project2', tests.create_project(tests.recall('t'), tests.recall('manager')));

SELECT tests.act_as(tests.recall('engineer'), tests.recall('t'));
INSERT INTO app.parts (part_number, name, unit) VALUES
  ('ASM-1', 'Pump assembly', 'pcs'), ('SUB-1', 'Housing sub-assembly', 'pcs'), ('BRK-1', 'Bracket', 'pcs'),
  ('STL-1', 'Steel sheet', 'kg'), ('SCR-1', 'Screw', 'pcs');
CREATE TEMP TABLE p ON COMMIT DROP AS SELECT part_number, id FROM app.parts;
GRANT SELECT ON p TO PUBLIC;
INSERT INTO app.project_bom_lines (project_id, parent_part_id, component_part_id, quantity, unit) VALUES
  (tests.recall('project'), (SELECT id FROM p WHERE part_number = 'ASM-1'), (SELECT id FROM p WHERE part_number = 'SUB-1'), 2, 'pcs'),
  (tests.recall('project'), (SELECT id FROM p WHERE part_number = 'ASM-1'), (SELECT id FROM p WHERE part_number = 'SCR-1'), 8, 'pcs'),
  (tests.recall('project'), (SELECT id FROM p WHERE part_number = 'SUB-1'), (SELECT id FROM p WHERE part_number = 'BRK-1'), 3, 'pcs'),
  (tests.recall('project'), (SELECT id FROM p WHERE part_number = 'BRK-1'), (SELECT id FROM p WHERE part_number = 'STL-1'), 250, 'g'),
  (tests.recall('project2'), (SELECT id FROM p WHERE part_number = 'SUB-1'), (SELECT id FROM p WHERE part_number = 'BRK-1'), 1, 'pcs');

SELECT is(tests.refusal(format($$INSERT INTO app.project_bom_lines (project_id, parent_part_id, component_part_id, quantity, unit)
  VALUES (%L, %L, %L, 1, 'm')$$, tests.recall('project'), (SELECT id FROM p WHERE part_number = 'SUB-1'), (SELECT id FROM p WHERE part_number = 'STL-1'))),
  'PT422 project_bom.unit_incompatible', 'a quantity in metres does not go into a part counted in kilograms');
SELECT is(tests.refusal(format($$INSERT INTO app.project_bom_lines (project_id, parent_part_id, component_part_id, quantity, unit)
  VALUES (%L, %L, %L, 1, 'pcs')$$, tests.recall('project'), (SELECT id FROM p WHERE part_number = 'STL-1'), (SELECT id FROM p WHERE part_number = 'ASM-1'))),
  'PT422 project_bom.cycle', 'a line that makes the top assembly a component of its own raw material is refused');
SELECT is(tests.refusal(format($$UPDATE app.project_bom_lines SET component_part_id = %L, unit = 'pcs' WHERE project_id = %L AND component_part_id = %L$$,
  (SELECT id FROM p WHERE part_number = 'ASM-1'), tests.recall('project'), (SELECT id FROM p WHERE part_number = 'STL-1'))),
  'PT422 project_bom.cycle', 'so is an update that closes a cycle');
SELECT is(tests.refusal(format($$INSERT INTO app.project_bom_lines (project_id, parent_part_id, component_part_id, quantity, unit)
  VALUES (%L, %L, %L, 1, 'pcs')$$, tests.recall('project'), (SELECT id FROM p WHERE part_number = 'SCR-1'), (SELECT id FROM p WHERE part_number = 'SCR-1'))),
  'PT422 project_bom.cycle', 'a part is not its own component (a cycle of one; the check constraint backs it)');
SELECT is(tests.refusal(format($$INSERT INTO app.project_bom_lines (project_id, parent_part_id, component_part_id, quantity, unit)
  VALUES (%L, %L, %L, 1, 'pcs')$$, tests.recall('project2'), (SELECT id FROM p WHERE part_number = 'BRK-1'), (SELECT id FROM p WHERE part_number = 'ASM-1'))),
  'no error', 'a BOM is per project: what is a cycle in one project is not in another');

SELECT results_eq(format($$SELECT depth, path, quantity_per_parent, extended_quantity, unit FROM app.explode_project_bom(%L, quantity => 10)$$,
  tests.recall('project')),
  $$VALUES (0, 'ASM-1', NULL::numeric, 10::numeric, 'pcs'),
           (1, 'ASM-1 > SCR-1', 8, 80, 'pcs'),
           (1, 'ASM-1 > SUB-1', 2, 20, 'pcs'),
           (2, 'ASM-1 > SUB-1 > BRK-1', 3, 60, 'pcs'),
           (3, 'ASM-1 > SUB-1 > BRK-1 > STL-1', 0.25, 15, 'kg')$$,
  'explosion multiplies quantities down three levels, converting 250 g to 0.25 kg, depth first in line order');
SELECT is((SELECT count(*)::int FROM app.explode_project_bom(tests.recall('project'), max_depth => 1)), 3, 'max_depth stops the explosion');
SELECT is(tests.refusal(format($$SELECT * FROM app.explode_project_bom(%L, quantity => 0)$$, tests.recall('project'))),
  'PT422 project_bom.quantity_invalid', 'a quantity to explode must be positive');
SELECT is(tests.refusal(format($$SELECT * FROM app.explode_project_bom(%L, max_depth => 1000)$$, tests.recall('project'))),
  'PT422 project_bom.depth_invalid', 'max_depth is bounded');
INSERT INTO app.project_bom_lines (project_id, parent_part_id, component_part_id, quantity, unit)
VALUES (tests.recall('project2'), (SELECT id FROM p WHERE part_number = 'BRK-1'), (SELECT id FROM p WHERE part_number = 'ASM-1'), 1, 'pcs');
-- A cycle that slipped past the trigger (written with it disabled) does not hang the explosion.
SELECT tests.act_as_owner();
ALTER TABLE app.project_bom_lines DISABLE TRIGGER _200_prepare;
INSERT INTO app.project_bom_lines (organization_id, project_id, parent_part_id, component_part_id, quantity, unit)
VALUES (tests.recall('t'), tests.recall('project2'), (SELECT id FROM p WHERE part_number = 'BRK-1'), (SELECT id FROM p WHERE part_number = 'SUB-1'), 1, 'pcs');
ALTER TABLE app.project_bom_lines ENABLE TRIGGER _200_prepare;
SELECT tests.act_as(tests.recall('engineer'), tests.recall('t'));
SELECT results_eq(format($$SELECT path FROM app.explode_project_bom(%L, %L)$$, tests.recall('project2'), (SELECT id FROM p WHERE part_number = 'SUB-1')),
  $$VALUES ('SUB-1'), ('SUB-1 > BRK-1'), ('SUB-1 > BRK-1 > ASM-1')$$,
  'the explosion is cycle-safe: BRK-1 > SUB-1 is not followed back into SUB-1');
SELECT results_eq(format($$SELECT project_id, depth, parent_part_number, is_top_assembly FROM app.part_where_used(%L, %L)$$,
  (SELECT id FROM p WHERE part_number = 'STL-1'), tests.recall('project')),
  format($$VALUES (%L::uuid, 1, 'BRK-1', false), (%L::uuid, 2, 'SUB-1', false), (%L::uuid, 3, 'ASM-1', true)$$,
         tests.recall('project'), tests.recall('project'), tests.recall('project')),
  'where-used goes up from the raw material to the top assembly');
SELECT is((SELECT count(DISTINCT project_id)::int FROM app.part_where_used((SELECT id FROM p WHERE part_number = 'STL-1'))), 1,
  'a part used in one project is listed there only');
SELECT is((SELECT count(DISTINCT project_id)::int FROM app.part_where_used((SELECT id FROM p WHERE part_number = 'BRK-1'))), 2,
  'where-used lists every project that uses the part');

-- Milestones.
SELECT tests.act_as(tests.recall('manager'), tests.recall('t'));
INSERT INTO app.project_milestones (project_id, name, position, planned_date, actual_date) VALUES
  (tests.recall('project'), 'Design freeze', 10, current_date - 30, current_date - 25),
  (tests.recall('project'), 'First article', 20, current_date - 5, NULL),
  (tests.recall('project'), 'PPAP', 30, current_date + 20, NULL),
  (tests.recall('project'), 'Tooling kickoff', 5, current_date - 40, current_date - 42);
SELECT results_eq(format($$SELECT name, status::text, slippage_days, is_slipped FROM app.project_milestone_slippage WHERE project_id = %L ORDER BY position$$,
  tests.recall('project')),
  $$VALUES ('Tooling kickoff', 'done', -2, false), ('Design freeze', 'done', 5, true), ('First article', 'planned', 5, true), ('PPAP', 'planned', 0, false)$$,
  'slippage: actual minus planned when done (negative when early), days past the plan while open');
SELECT is(tests.refusal(format($$UPDATE app.project_milestones SET status = 'done' WHERE project_id = %L AND name = 'PPAP'$$, tests.recall('project'))),
  'PT422 project_milestone.actual_date_missing', 'a milestone is not done without its actual date');
SELECT is(tests.refusal(format($$UPDATE app.project_milestones SET actual_date = current_date + 10 WHERE project_id = %L AND name = 'PPAP'$$,
  tests.recall('project'))), 'PT422 project_milestone.actual_date_future', 'an actual date is not in the future');
UPDATE app.project_milestones SET status = 'in_progress' WHERE project_id = tests.recall('project') AND name = 'Design freeze';
SELECT is((SELECT actual_date FROM app.project_milestones WHERE project_id = tests.recall('project') AND name = 'Design freeze'), NULL::date,
  'reopening a done milestone clears its actual date');
UPDATE app.project_milestones SET status = 'cancelled' WHERE project_id = tests.recall('project') AND name = 'PPAP';
SELECT is((SELECT slippage_days FROM app.project_milestone_slippage WHERE project_id = tests.recall('project') AND name = 'PPAP'), NULL::integer,
  'a cancelled milestone counts no slippage');
SELECT is(tests.refusal(format($$INSERT INTO app.project_milestones (project_id, name, planned_date) VALUES (%L, 'PPAP', current_date)$$,
  tests.recall('project'))), '23505', 'a milestone name is unique in its project');

-- Who reads and writes.
SELECT tests.act_as(tests.recall('engineer'), tests.recall('t'));
SELECT is((SELECT count(*)::int FROM app.project_milestone_slippage), 4, 'staff with project.read read milestones');
SELECT is(tests.refusal(format($$INSERT INTO app.project_milestones (project_id, name, planned_date) VALUES (%L, 'X', current_date)$$,
  tests.recall('project'))), 'PT403 permission.missing', 'without project.update no milestone is written');
SELECT tests.act_as(tests.recall('manager'), tests.recall('t'));
SELECT is(tests.refusal(format($$INSERT INTO app.project_bom_lines (project_id, parent_part_id, component_part_id, quantity, unit)
  VALUES (%L, %L, %L, 1, 'pcs')$$, tests.recall('project'), (SELECT id FROM p WHERE part_number = 'SCR-1'), (SELECT id FROM p WHERE part_number = 'BRK-1'))),
  'PT403 permission.missing', 'without part.manage no BOM line is written');
SELECT tests.act_as(tests.recall('nobody'), tests.recall('t'));
SELECT is_empty($$SELECT FROM app.project_bom_lines UNION ALL SELECT FROM app.project_milestones$$, 'without project.read nothing is seen');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is_empty($$SELECT FROM app.project_bom_lines UNION ALL SELECT FROM app.project_milestones$$, 'another tenant sees nothing');
SELECT is((SELECT count(*)::int FROM app.explode_project_bom(tests.recall('project'))), 0, 'nor explodes another tenant''s BOM');
SELECT is((SELECT count(*)::int FROM app.part_where_used((SELECT id FROM p WHERE part_number = 'BRK-1'))), 0, 'nor finds where another tenant''s part is used');

SELECT * FROM finish();
ROLLBACK;
