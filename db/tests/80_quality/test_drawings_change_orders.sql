-- Drawings and the RDA workflow, engineering change orders: a drawing
-- number is unique per tenant; a revision links a stored document version,
-- goes draft -> in review -> released by someone other than its submitter,
-- and releasing supersedes the previous one (exactly one released: the
-- unique index); app.released_drawing gives the one production uses. An ECO
-- has exactly one effectivity, goes draft -> submitted -> approved ->
-- implemented, and implementing releases its part and drawing revisions in
-- one transaction, only when approved. Another tenant sees nothing.
BEGIN;
SELECT plan(47);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('engineer', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.remember('engineer2', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('manager', tests.create_member(tests.recall('t'), 'management'));
SELECT tests.remember('operator', tests.create_member(tests.recall('t'), 'production'));
SELECT tests.remember('nobody', tests.create_member(tests.recall('t')));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('project', tests.create_project(tests.recall('t'), tests.recall('manager')));

SELECT tests.act_as(tests.recall('engineer'), tests.recall('t'));
SELECT tests.remember('v1', (tests.upload_document(tests.recall('project'), 'Bracket drawing', 'drawing', 'pdf', repeat('a', 64), 100,
  'application/pdf')).id);
SELECT tests.remember('v2', (tests.upload_version((SELECT document_id FROM app.document_versions WHERE id = tests.recall('v1')),
  repeat('b', 64), 120, 'application/pdf', 'Thicker flange')).id);
INSERT INTO app.parts (part_number, name, unit) VALUES ('BRK-200', 'Bracket', 'pcs');
SELECT tests.remember('part', (SELECT id FROM app.parts WHERE part_number = 'BRK-200'));
INSERT INTO app.drawings (drawing_number, title) VALUES ('DWG-200', 'Bracket');
SELECT tests.remember('drawing', (SELECT id FROM app.drawings WHERE drawing_number = 'DWG-200'));
INSERT INTO app.drawing_parts (drawing_id, part_id) VALUES (tests.recall('drawing'), tests.recall('part'));
SELECT is(tests.refusal($$INSERT INTO app.drawings (drawing_number, title) VALUES ('DWG-200', 'Again')$$), '23505',
  'a drawing number is unique in the tenant');
SELECT is((SELECT count(*)::int FROM app.drawing_parts WHERE part_id = tests.recall('part')), 1, 'a drawing names the parts it defines');
SELECT is((SELECT created_by FROM app.drawings WHERE id = tests.recall('drawing')), tests.recall('engineer'),
  'a drawing is stamped with the member who added it');
SELECT is(tests.refusal(format($$INSERT INTO app.drawings (organization_id, drawing_number, title) VALUES (%L, 'DWG-X', 'Theirs')$$,
                               tests.recall('b'))), '42501 tenant.foreign_row',
  'a drawing of another tenant is refused by the tenant guard, before any policy');
SELECT is(tests.refusal(format($$INSERT INTO app.drawing_parts (organization_id, drawing_id, part_id) VALUES (%L, %L, %L)$$,
                               tests.recall('b'), tests.recall('drawing'), tests.recall('part'))), '42501 tenant.foreign_row',
  'a drawing-part link of another tenant is refused by the tenant guard, before any policy');

INSERT INTO app.drawing_revisions (drawing_id, revision, document_version_id) VALUES (tests.recall('drawing'), 'A', tests.recall('v1'));
INSERT INTO app.drawing_revisions (drawing_id, revision) VALUES (tests.recall('drawing'), 'B');
SELECT tests.remember('rev_a', (SELECT id FROM app.drawing_revisions WHERE drawing_id = tests.recall('drawing') AND revision = 'A'));
SELECT tests.remember('rev_b', (SELECT id FROM app.drawing_revisions WHERE drawing_id = tests.recall('drawing') AND revision = 'B'));
SELECT is((SELECT status::text FROM app.drawing_revisions WHERE id = tests.recall('rev_a')), 'draft', 'a drawing revision starts as a draft');
SELECT is(tests.refusal(format($$UPDATE app.drawing_revisions SET status = 'released' WHERE id = %L$$, tests.recall('rev_a'))), '42501',
  'the RDA status is not written directly');
SELECT is(tests.refusal(format($$SELECT app.submit_drawing_revision(%L)$$, tests.recall('rev_b'))), 'PT422 drawing_revision.document_missing',
  'a revision without its file is not submitted');
SELECT is((app.submit_drawing_revision(tests.recall('rev_a'))).status::text, 'in_review', 'a draft with its file goes into review');
SELECT is(tests.refusal(format($$UPDATE app.drawing_revisions SET description = 'edited' WHERE id = %L$$, tests.recall('rev_a'))),
  'PT409 drawing_revision.not_draft', 'a revision in review is no longer edited');
SELECT is(tests.refusal(format($$SELECT app.approve_drawing_revision(%L)$$, tests.recall('rev_a'))), 'PT403 drawing_revision.own_submission',
  'engineering does not approve its own drawings');

-- The RDA routing (chain drawing_release): design (engineering), then quality.
SELECT tests.act_as(tests.recall('engineer2'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.reject_drawing_revision(%L, '  ')$$, tests.recall('rev_a'))), 'PT422 drawing_revision.reason_missing',
  'sending a revision back needs a reason');
SELECT is((app.approve_drawing_revision(tests.recall('rev_a'), 'Design OK')).status::text, 'in_review', 'design approves step 1: still in review');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is((app.approve_drawing_revision(tests.recall('rev_a'), 'OK')).status::text, 'released', 'QA approves step 2: the revision is released');
SELECT is((app.released_drawing(tests.recall('drawing'))).revision, 'A', 'released_drawing gives the released revision');

-- B: the file, review, sent back, then released; A is superseded.
SELECT tests.act_as(tests.recall('engineer'), tests.recall('t'));
SELECT is(tests.refusal(format($$UPDATE app.drawing_revisions SET document_version_id = gen_random_uuid() WHERE id = %L$$, tests.recall('rev_b'))),
  'PT422 drawing_revision.document_not_stored', 'the file must be a stored document version of the tenant');
UPDATE app.drawing_revisions SET document_version_id = tests.recall('v2') WHERE id = tests.recall('rev_b');
SELECT app.submit_drawing_revision(tests.recall('rev_b'));
SELECT tests.act_as(tests.recall('engineer2'), tests.recall('t'));
SELECT is((app.reject_drawing_revision(tests.recall('rev_b'), 'Tolerance on hole missing')).status::text, 'draft', 'a revision is sent back to draft');
SELECT tests.act_as(tests.recall('manager'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.approve_drawing_revision(%L)$$, tests.recall('rev_b'))), 'PT409 drawing_revision.not_in_review',
  'a draft is not released');
SELECT tests.act_as(tests.recall('engineer'), tests.recall('t'));
SELECT app.submit_drawing_revision(tests.recall('rev_b'));
SELECT tests.act_as(tests.recall('manager'), tests.recall('t'));
SELECT app.approve_drawing_revision(tests.recall('rev_b'));
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT app.approve_drawing_revision(tests.recall('rev_b'));
SELECT results_eq(format($$SELECT revision, status::text FROM app.drawing_revisions WHERE drawing_id = %L ORDER BY revision$$, tests.recall('drawing')),
  $$VALUES ('A', 'superseded'), ('B', 'released')$$, 'releasing B supersedes A in the same call');
SELECT results_eq($$SELECT drawing_number, revision, file_path IS NOT NULL FROM app.released_drawings$$,
  $$VALUES ('DWG-200', 'B', true)$$, 'the released_drawings view shows the revision production uses, with its file');
SELECT tests.act_as_owner();
SELECT is(tests.refusal(format($$UPDATE app.drawing_revisions SET status = 'released' WHERE id = %L$$, tests.recall('rev_a'))),
  'PT409 state_machine.status_by_transition', 'the status mirrors the state machine: not written directly, even by the owner');
ALTER TABLE app.drawing_revisions DISABLE TRIGGER _150_status_by_machine;
SELECT is(left(tests.refusal(format($$UPDATE app.drawing_revisions SET status = 'released' WHERE id = %L$$, tests.recall('rev_a'))), 5),
  '23505', 'the unique index refuses two released revisions of one drawing, even for the owner');
ALTER TABLE app.drawing_revisions ENABLE TRIGGER _150_status_by_machine;

-- A drawing approver who submitted it does not approve it.
INSERT INTO app.role_assignments (organization_id, membership_id, role_id)
SELECT tests.recall('t'), m.id, r.id FROM app.memberships AS m, app.roles AS r
 WHERE m.organization_id = tests.recall('t') AND m.user_id = tests.recall('engineer2') AND r.organization_id = tests.recall('t') AND r.key = 'qa';
SELECT tests.act_as(tests.recall('engineer2'), tests.recall('t'));
INSERT INTO app.drawing_revisions (drawing_id, revision, document_version_id) VALUES (tests.recall('drawing'), 'C', tests.recall('v2'));
SELECT tests.remember('rev_c', (SELECT id FROM app.drawing_revisions WHERE drawing_id = tests.recall('drawing') AND revision = 'C'));
SELECT app.submit_drawing_revision(tests.recall('rev_c'));
SELECT is(tests.refusal(format($$SELECT app.approve_drawing_revision(%L)$$, tests.recall('rev_c'))), 'PT403 drawing_revision.own_submission',
  'the submitter does not approve their own revision (two-person rule)');

-- Change orders.
SELECT tests.act_as(tests.recall('engineer'), tests.recall('t'));
SELECT is(tests.refusal($$INSERT INTO app.change_orders (title, reason, effectivity, effective_date, effective_lot_number)
  VALUES ('Two', 'design_improvement', 'date', current_date, 'L-1')$$), '23514', 'an ECO has exactly one effectivity');
SELECT is(tests.refusal($$INSERT INTO app.change_orders (title, reason, effectivity, effective_lot_number)
  VALUES ('Mismatch', 'design_improvement', 'date', 'L-1')$$), '23514', 'the effectivity set is the one its kind names');
INSERT INTO app.change_orders (title, reason, description, effectivity, effective_lot_number, project_id)
VALUES ('Bracket rev B', 'corrective_action', 'Thicker flange', 'lot', 'LOT-2026-0100', tests.recall('project'));
SELECT tests.remember('eco', (SELECT id FROM app.change_orders WHERE title = 'Bracket rev B'));
SELECT matches((SELECT eco_number FROM app.change_orders WHERE id = tests.recall('eco')), '^ECO-[0-9]{6}$', 'an ECO takes its human id');
SELECT is(tests.refusal(format($$SELECT app.submit_change_order(%L)$$, tests.recall('eco'))), 'PT422 change_order.no_items',
  'an ECO that affects nothing is not submitted');
INSERT INTO app.part_revisions (part_id, revision) VALUES (tests.recall('part'), 'A'), (tests.recall('part'), 'B');
SELECT app.release_part_revision((SELECT id FROM app.part_revisions WHERE part_id = tests.recall('part') AND revision = 'A'));
SELECT tests.remember('part_rev_b', (SELECT id FROM app.part_revisions WHERE part_id = tests.recall('part') AND revision = 'B'));
INSERT INTO app.drawing_revisions (drawing_id, revision, document_version_id) VALUES (tests.recall('drawing'), 'D', tests.recall('v2'));
SELECT tests.remember('rev_d', (SELECT id FROM app.drawing_revisions WHERE drawing_id = tests.recall('drawing') AND revision = 'D'));
INSERT INTO app.change_order_items (change_order_id, kind, part_revision_id) VALUES (tests.recall('eco'), 'part_revision', tests.recall('part_rev_b'));
INSERT INTO app.change_order_items (change_order_id, kind, drawing_revision_id) VALUES (tests.recall('eco'), 'drawing_revision', tests.recall('rev_d'));
SELECT is(tests.refusal(format($$INSERT INTO app.change_order_items (change_order_id, kind, part_id) VALUES (%L, 'drawing', %L)$$,
  tests.recall('eco'), tests.recall('part'))), '23514', 'an item sets exactly the column its kind names');
SELECT is((app.submit_change_order(tests.recall('eco'))).status::text, 'submitted', 'an ECO with items is submitted');
SELECT is(tests.refusal(format($$INSERT INTO app.change_order_items (change_order_id, kind, part_id) VALUES (%L, 'part', %L)$$,
  tests.recall('eco'), tests.recall('part'))), 'PT409 change_order.not_draft', 'a submitted ECO''s items are fixed');
SELECT is(tests.refusal(format($$SELECT app.implement_change_order(%L)$$, tests.recall('eco'))), 'PT409 change_order.not_approved',
  'only an approved ECO is implemented');
SELECT is(tests.refusal(format($$SELECT app.approve_change_order(%L)$$, tests.recall('eco'))), 'PT403 change_order.own_submission',
  'the engineer who submitted the change order does not approve it');
-- The ECO routing (chain change_order): quality, engineering, production.
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is((app.approve_change_order(tests.recall('eco'), 'Go')).status::text, 'submitted', 'QA approves step 1: still submitted');
SELECT tests.act_as(tests.recall('engineer2'), tests.recall('t'));
SELECT app.approve_change_order(tests.recall('eco'), 'Design OK');
SELECT tests.act_as(tests.recall('operator'), tests.recall('t'));
SELECT is((app.approve_change_order(tests.recall('eco'), 'Line ready')).status::text, 'approved', 'production approves the last step: approved');

SELECT tests.act_as(tests.recall('engineer'), tests.recall('t'));
SELECT is((app.implement_change_order(tests.recall('eco'))).status::text, 'implemented', 'an approved ECO is implemented');
SELECT results_eq(format($$SELECT revision, status::text FROM app.part_revisions WHERE part_id = %L ORDER BY revision$$, tests.recall('part')),
  $$VALUES ('A', 'obsolete'), ('B', 'released')$$, 'implementing released the ECO''s part revision (the previous one obsoleted)');
SELECT is((app.released_drawing(tests.recall('drawing'))).revision, 'D', 'and its drawing revision, in the same transaction');
SELECT is((SELECT approved_by FROM app.drawing_revisions WHERE id = tests.recall('rev_d')), tests.recall('operator'),
  'the ECO''s final approver stands as the drawing''s approver');
SELECT is(tests.refusal(format($$UPDATE app.change_orders SET title = 'Changed' WHERE id = %L$$, tests.recall('eco'))),
  'PT409 change_order.not_draft', 'an implemented ECO is a record');

-- Implementation is one transaction: a refused release leaves every item as it was.
INSERT INTO app.drawing_revisions (drawing_id, revision, document_version_id) VALUES (tests.recall('drawing'), 'E', tests.recall('v2'));
INSERT INTO app.change_orders (title, reason, effectivity, effective_serial_number) VALUES ('Stale', 'other', 'serial', 'SN-0001');
SELECT tests.remember('eco2', (SELECT id FROM app.change_orders WHERE title = 'Stale'));
INSERT INTO app.change_order_items (change_order_id, kind, drawing_revision_id)
VALUES (tests.recall('eco2'), 'drawing_revision', (SELECT id FROM app.drawing_revisions WHERE drawing_id = tests.recall('drawing') AND revision = 'E'));
INSERT INTO app.change_order_items (change_order_id, kind, part_revision_id) VALUES (tests.recall('eco2'), 'part_revision', tests.recall('part_rev_b'));
INSERT INTO app.project_bom_lines (project_id, parent_part_id, component_part_id, quantity, unit)
VALUES (tests.recall('project'), tests.recall('part'), (SELECT tests.create_part(tests.recall('t'))), 2, 'pcs');
INSERT INTO app.change_order_items (change_order_id, kind, bom_line_id)
VALUES (tests.recall('eco2'), 'bom_line', (SELECT id FROM app.project_bom_lines WHERE project_id = tests.recall('project')));
SELECT is((SELECT count(*)::int FROM app.change_order_items WHERE change_order_id = tests.recall('eco2')), 3,
  'an ECO names drawing revisions, part revisions and project BOM lines');
SELECT app.submit_change_order(tests.recall('eco2'));
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT app.approve_change_order(tests.recall('eco2'));
SELECT tests.act_as(tests.recall('engineer2'), tests.recall('t'));
SELECT app.approve_change_order(tests.recall('eco2'));
SELECT tests.act_as(tests.recall('operator'), tests.recall('t'));
SELECT app.approve_change_order(tests.recall('eco2'));
SELECT tests.act_as(tests.recall('engineer'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.implement_change_order(%L)$$, tests.recall('eco2'))), 'PT409 part_revision.not_draft',
  'an ECO naming a revision that is already released is not implemented');
SELECT results_eq(format($$SELECT (SELECT status::text FROM app.change_orders WHERE id = %L),
                                  (SELECT status::text FROM app.drawing_revisions WHERE drawing_id = %L AND revision = 'E'),
                                  (app.released_drawing(%L)).revision$$, tests.recall('eco2'), tests.recall('drawing'), tests.recall('drawing')),
  $$VALUES ('approved', 'draft', 'D')$$, 'and nothing of it happened: the drawing revision it released first is a draft again, D still released');

-- Readers, and another tenant.
SELECT tests.act_as(tests.recall('operator'), tests.recall('t'));
SELECT is((SELECT count(*)::int FROM app.released_drawings), 1, 'production reads the released drawings');
SELECT is(tests.refusal($$INSERT INTO app.drawings (drawing_number, title) VALUES ('DWG-X', 'X')$$), 'PT403 permission.missing',
  'production does not write drawings');
SELECT tests.act_as(tests.recall('nobody'), tests.recall('t'));
SELECT is_empty($$SELECT FROM app.drawing_revisions UNION ALL SELECT FROM app.change_orders$$, 'without the read permissions nothing is seen');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(tests.refusal(format($$SELECT app.implement_change_order(%L)$$, tests.recall('eco'))), 'PT404 change_order.not_found',
  'another tenant''s change order is not found');
SELECT is(tests.refusal(format($$SELECT app.released_drawing(%L)$$, tests.recall('drawing'))), 'PT404 drawing_revision.not_found',
  'nor is another tenant''s released drawing');

SELECT * FROM finish();
ROLLBACK;
