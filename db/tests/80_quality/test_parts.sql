-- The parts master: part numbers unique per tenant, written with
-- part.manage and read with part.read; the unit fixed; revisions start as
-- drafts, exactly one is released per part (the unique index refuses a
-- second), releasing a new one obsoletes the previous in one call, and a
-- released revision is no longer edited; another tenant sees nothing.
BEGIN;
SELECT plan(25);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('engineer', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('nobody', tests.create_member(tests.recall('t')));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('customer', tests.create_partner(tests.recall('t')));

SELECT tests.act_as(tests.recall('engineer'), tests.recall('t'));
INSERT INTO app.parts (part_number, name, unit, customer_id, customer_concession_required)
VALUES ('BRK-100', 'Bracket', 'pcs', tests.recall('customer'), true);
SELECT tests.remember('part', (SELECT id FROM app.parts WHERE part_number = 'BRK-100'));
SELECT is((SELECT created_by FROM app.parts WHERE id = tests.recall('part')), tests.recall('engineer'), 'a part records who created it');
SELECT is(tests.refusal($$INSERT INTO app.parts (part_number, name, unit) VALUES ('BRK-100', 'Again', 'pcs')$$), '23505',
  'a part number is unique in the tenant');
SELECT is(left(tests.refusal($$INSERT INTO app.parts (part_number, name, unit) VALUES ('BRK-101', 'Bracket', 'furlong-per-fortnight')$$), 5), '23503',
  'a part''s unit comes from the units register');
SELECT is(tests.refusal(format($$UPDATE app.parts SET unit = 'kg' WHERE id = %L$$, tests.recall('part'))), 'PT409 row.fixed_column',
  'a part keeps its unit: lots are counted in it');

-- Custom fields like other entities: the tenant's definitions for parts are checked.
SELECT tests.act_as_owner();
INSERT INTO app.custom_field_definitions (organization_id, entity_type, code, label, field_type)
VALUES (tests.recall('t'), 'part', 'drawing_number', 'Drawing number', 'text');
SELECT tests.act_as(tests.recall('engineer'), tests.recall('t'));
UPDATE app.parts SET custom_fields = '{"drawing_number": "DWG-1100"}' WHERE id = tests.recall('part');
SELECT is((SELECT custom_fields ->> 'drawing_number' FROM app.parts WHERE id = tests.recall('part')), 'DWG-1100', 'a part keeps its custom fields');
SELECT is(tests.refusal(format($$UPDATE app.parts SET custom_fields = '{"colour": "red"}' WHERE id = %L$$, tests.recall('part'))),
  'PT422 custom_field.unknown', 'a custom field that is not defined for parts is refused');

-- Revisions: drafts through the API, status only through the RPCs.
INSERT INTO app.part_revisions (part_id, revision, description) VALUES (tests.recall('part'), 'A', 'First issue');
INSERT INTO app.part_revisions (part_id, revision, description) VALUES (tests.recall('part'), 'B', 'Thicker flange');
SELECT tests.remember('rev_a', (SELECT id FROM app.part_revisions WHERE part_id = tests.recall('part') AND revision = 'A'));
SELECT tests.remember('rev_b', (SELECT id FROM app.part_revisions WHERE part_id = tests.recall('part') AND revision = 'B'));
SELECT is((SELECT status::text FROM app.part_revisions WHERE id = tests.recall('rev_a')), 'draft', 'a revision starts as a draft');
SELECT is(tests.refusal(format($$UPDATE app.part_revisions SET status = 'released' WHERE id = %L$$, tests.recall('rev_a'))), '42501',
  'the status of a revision is not written directly');
SELECT is((app.release_part_revision(tests.recall('rev_a'))).status::text, 'released', 'a draft is released');
SELECT is((SELECT released_by FROM app.part_revisions WHERE id = tests.recall('rev_a')), tests.recall('engineer'), 'the release records who');
SELECT app.release_part_revision(tests.recall('rev_b'));
SELECT results_eq(format($$SELECT revision, status::text FROM app.part_revisions WHERE part_id = %L ORDER BY revision$$, tests.recall('part')),
  $$VALUES ('A', 'obsolete'), ('B', 'released')$$, 'releasing B obsoletes A in the same call: one released revision');
SELECT is(tests.refusal(format($$SELECT app.release_part_revision(%L)$$, tests.recall('rev_a'))), 'PT409 part_revision.not_draft',
  'an obsolete revision is not released again');
SELECT is(tests.refusal(format($$UPDATE app.part_revisions SET description = 'edited' WHERE id = %L$$, tests.recall('rev_b'))),
  'PT409 part_revision.not_draft', 'a released revision is no longer edited');
DELETE FROM app.part_revisions WHERE id = tests.recall('rev_b');
SELECT is((SELECT count(*)::int FROM app.part_revisions WHERE id = tests.recall('rev_b')), 1,
  'deleting a released revision reaches no row (only drafts are deleted)');

SELECT is(tests.refusal(format($$UPDATE app.part_revisions SET revision = 'Z' WHERE id = %L$$, tests.recall('rev_b'))), 'PT409 row.fixed_column',
  'a revision keeps its code');
INSERT INTO app.part_revisions (part_id, revision) VALUES (tests.recall('part'), 'C');
DELETE FROM app.part_revisions WHERE part_id = tests.recall('part') AND revision = 'C';
SELECT is((SELECT count(*)::int FROM app.part_revisions WHERE part_id = tests.recall('part') AND revision = 'C'), 0, 'a draft is deleted');
INSERT INTO app.part_revisions (part_id, revision) VALUES (tests.recall('part'), 'D');
SELECT is((app.obsolete_part_revision((SELECT id FROM app.part_revisions WHERE part_id = tests.recall('part') AND revision = 'D'))).status::text,
  'obsolete', 'a draft is obsoleted (abandoned)');
INSERT INTO app.parts (part_number, name, unit) VALUES ('TMP-1', 'Made by mistake', 'pcs');
DELETE FROM app.parts WHERE part_number = 'TMP-1';
SELECT is((SELECT count(*)::int FROM app.parts WHERE part_number = 'TMP-1'), 0, 'a part nothing refers to is deleted');

-- The constraint itself: a second released revision is refused, whoever writes it.
SELECT tests.act_as_owner();
SELECT is(left(tests.refusal(format($$UPDATE app.part_revisions SET status = 'released', released_at = now() WHERE id = %L$$, tests.recall('rev_a'))), 5),
  '23505', 'the unique index refuses two released revisions of one part, even for the owner');

-- Permissions: QA reads, does not write; a member without a role sees nothing; another tenant sees nothing.
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is((SELECT count(*)::int FROM app.parts), 1, 'part.read reads the parts');
SELECT is((SELECT count(*)::int FROM app.part_revisions), 3, 'and their revisions');
SELECT is(tests.refusal($$INSERT INTO app.parts (part_number, name, unit) VALUES ('X-1', 'X', 'pcs')$$), 'PT403 permission.missing',
  'without part.manage no part is created');
SELECT is(tests.refusal(format($$SELECT app.release_part_revision(%L)$$, tests.recall('rev_a'))), 'PT403 permission.missing',
  'without part.manage no revision is released');
SELECT tests.act_as(tests.recall('nobody'), tests.recall('t'));
SELECT is_empty($$SELECT FROM app.part_revisions$$, 'without part.read no revision is seen');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(tests.refusal(format($$SELECT app.release_part_revision(%L)$$, tests.recall('rev_a'))), 'PT404 part_revision.not_found',
  'another tenant''s revision is not found');

SELECT * FROM finish();
ROLLBACK;
