-- The lab's notebook: templates frozen once published with JSON-Schema
-- sections; entries site-scoped, written by their author in append-only
-- versions validated against the template (PT422 naming the path);
-- signing as author locks a version, a different person witnesses, an
-- amendment needs a reason; the GLP flag makes witnessing complete an entry;
-- pinned attachments keep their checksum; links to any entity the caller
-- sees; the diff of two versions; search; results.eln_entry_id.
BEGIN;
SELECT plan(50);

SELECT tests.remember('lab', tests.create_lab_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('other_site', tests.create_site(tests.recall('lab')));
SELECT tests.remember('manager', tests.create_member(tests.recall('lab'), 'lab_manager'));
SELECT tests.remember('tech', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('lab_site')));
SELECT tests.remember('tech2', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('lab_site')));
SELECT tests.remember('tech_elsewhere', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('other_site')));
SELECT tests.remember('reviewer', tests.create_member(tests.recall('lab'), 'lab_reviewer'));
SELECT tests.remember('auditor', tests.create_member(tests.recall('lab'), 'auditor'));
SELECT tests.remember('portal', tests.create_member(tests.recall('lab'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('sample', tests.create_sample(tests.recall('lab'), tests.recall('water'), p_site_id => tests.recall('lab_site')));

-- Templates: lab.configure writes; sections are checked; published is frozen.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal($$INSERT INTO app.eln_templates (code, name, sections) VALUES ('x', 'X', tests.eln_sections())$$),
  'PT403 permission.missing', 'a technician does not write templates');
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
SELECT is(tests.refusal($$INSERT INTO app.eln_templates (code, name, sections) VALUES ('x', 'X', '[{"key": "Aim", "title": "A", "schema": {}}]')$$),
  'PT422 json_schema.invalid', 'a section key is a lowercase identifier');
SELECT is(tests.refusal($$INSERT INTO app.eln_templates (code, name, sections)
                          VALUES ('x', 'X', '[{"key": "a", "title": "A", "schema": {}}, {"key": "a", "title": "B", "schema": {}}]')$$),
  'PT422 eln_template.duplicate_section', 'section keys are unique');
SELECT is(tests.refusal($$INSERT INTO app.eln_templates (code, name, sections)
                          VALUES ('x', 'X', '[{"key": "a", "title": "A", "schema": {"oneOf": []}}]')$$),
  'PT422 json_schema.unsupported', 'a section schema outside the supported subset is refused');
INSERT INTO app.eln_templates (code, name, sections) VALUES ('method', 'Method development', tests.eln_sections());
SELECT tests.remember('template', (SELECT id FROM app.eln_templates WHERE code = 'method'));
SELECT is(tests.refusal(format($$INSERT INTO app.eln_entries (title, template_id) VALUES ('On a draft', %L)$$, tests.recall('template'))),
  'PT422 eln_template.not_published', 'entries use a published template version');
UPDATE app.eln_templates SET status = 'published' WHERE code = 'method';
SELECT is(tests.refusal(format($$UPDATE app.eln_templates SET sections = '[]' WHERE id = %L$$, tests.recall('template'))),
  'PT409 eln_template.frozen', 'a published template version is frozen');
INSERT INTO app.eln_templates (code, name, sections) VALUES ('method', 'Method development v2', tests.eln_sections());
UPDATE app.eln_templates SET status = 'published' WHERE code = 'method' AND version = 2;
SELECT is((SELECT array_agg(status::text ORDER BY version) FROM app.eln_templates WHERE code = 'method'), ARRAY['retired', 'published'],
  'publishing a new template version retires the one before');
SELECT tests.remember('template', (SELECT id FROM app.eln_templates WHERE code = 'method' AND version = 2));

-- Entries: site-scoped, the writer is the author, versions validated.
SELECT tests.act_as(tests.recall('tech_elsewhere'), tests.recall('lab'));
SELECT is(tests.refusal(format($$INSERT INTO app.eln_entries (title, site_id) VALUES ('Elsewhere', %L)$$, tests.recall('lab_site'))),
  'PT403 permission.missing', 'eln.write at another site does not write here');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
INSERT INTO app.eln_entries (title, template_id, site_id) VALUES ('pH method for river water', tests.recall('template'), tests.recall('lab_site'));
SELECT tests.remember('entry', (SELECT id FROM app.eln_entries WHERE title = 'pH method for river water'));
SELECT is((SELECT (author_id = tests.recall('tech') AND entry_number ~ '^ELN-\d{6}$' AND status = 'draft' AND current_version IS NULL)
             FROM app.eln_entries WHERE id = tests.recall('entry')), true, 'the creator is the author; a human id; a draft without versions');
SELECT is(tests.refusal(format($$INSERT INTO app.eln_entry_versions (entry_id, content) VALUES (%L, '{"results": {"ph": 7}}')$$, tests.recall('entry'))),
  'PT422 json_schema.invalid', 'a required section is required');
SELECT throws_ok(format($$INSERT INTO app.eln_entry_versions (entry_id, content) VALUES (%L, '{"aim": {"text": "a"}, "results": {"ph": 15}}')$$,
                        tests.recall('entry')),
  'PT422', 'The entry''s content does not match its schema at $.results.ph: must be at most 14', 'PT422 names the JSON path of the failing value');
INSERT INTO app.eln_entry_versions (entry_id, content) VALUES (tests.recall('entry'), '{"aim": {"text": "Calibrate the pH meter"}, "results": {"ph": 7.0}}');
SELECT is((SELECT current_version FROM app.eln_entries WHERE id = tests.recall('entry')), 1, 'the entry points at its new version');
SELECT is(tests.refusal(format($$UPDATE app.eln_entry_versions SET content = '{}' WHERE entry_id = %L$$, tests.recall('entry'))),
  '42501', 'members cannot update a version');
SELECT tests.act_as_owner();
SELECT is(tests.refusal(format($$UPDATE app.eln_entry_versions SET content = '{}' WHERE entry_id = %L$$, tests.recall('entry'))),
  'PT409 eln_version.immutable', 'nobody updates a version, not even the owner');
SELECT is(tests.refusal(format($$DELETE FROM app.eln_entry_versions WHERE entry_id = %L$$, tests.recall('entry'))),
  'PT409 eln_version.immutable', 'nobody deletes a version');
SELECT tests.act_as(tests.recall('tech2'), tests.recall('lab'));
SELECT is(tests.refusal(format($$INSERT INTO app.eln_entry_versions (entry_id, content) VALUES (%L, '{"aim": {"text": "mine now"}}')$$, tests.recall('entry'))),
  'PT403 eln_entry.not_author', 'only the author writes versions');
SELECT is(tests.refusal(format($$SELECT app.sign_eln_entry(%L, 1, 'authored', tests.password(), 'I did it')$$, tests.recall('entry'))),
  'PT403 eln_entry.not_author', 'only the author signs as authored');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
INSERT INTO app.eln_entry_versions (entry_id, content)
VALUES (tests.recall('entry'), '{"aim": {"text": "Calibrate the pH meter at 20 degC"}, "results": {"ph": 7.2, "note": "buffer 7"}}');

-- The diff of two versions.
SELECT is((SELECT jsonb_agg(jsonb_build_array(section, key, change, old_value, new_value) ORDER BY section, key)
             FROM app.eln_entry_diff(tests.recall('entry'), 1, 2)),
  '[["aim", "text", "changed", "Calibrate the pH meter", "Calibrate the pH meter at 20 degC"],
    ["results", "note", "added", null, "buffer 7"], ["results", "ph", "changed", 7.0, 7.2]]'::jsonb,
  'the diff names each changed, added or removed key of each section with old and new values');
SELECT is(tests.refusal(format($$SELECT * FROM app.eln_entry_diff(%L, 1, 9)$$, tests.recall('entry'))), 'PT404 eln_version.not_found',
  'diffing a missing version is refused');

-- Signing: a wrong password signs nothing; the author's signature locks.
SELECT is(app.sign_eln_entry(tests.recall('entry'), 2, 'authored', 'wrong password', 'I did it'), NULL, 'a wrong password signs nothing');
SELECT is(current_setting('response.status', true), '403', '... and answers 403');
SELECT is(tests.refusal(format($$SELECT app.sign_eln_entry(%L, 1, 'authored', tests.password(), 'I did it')$$, tests.recall('entry'))),
  'PT409 eln_entry.not_current', 'only the current version is signed');
SELECT is((app.sign_eln_entry(tests.recall('entry'), 2, 'authored', tests.password(), 'I performed this work')).signature ->> 'meaning',
  'authored', 'the author signs with meaning authored');
SELECT is((SELECT (signature -> 'payload' ->> 'content_sha256') = v.content_sha256
                  AND signature ->> 'payload_sha256' = encode(sha256(convert_to((signature -> 'payload')::text, 'UTF8')), 'hex')
             FROM app.eln_signatures AS s JOIN app.eln_entry_versions AS v USING (organization_id, entry_id, version)
            WHERE s.entry_id = tests.recall('entry')),
  true, 'the signature record names the version''s content checksum and its payload''s sha256');
SELECT is((SELECT (status, completed_at IS NOT NULL)::text FROM app.eln_entries WHERE id = tests.recall('entry')), '(signed,t)',
  'without the GLP flag the author''s signature completes the entry');
SELECT is(tests.refusal(format($$UPDATE app.eln_entries SET title = 'Renamed' WHERE id = %L$$, tests.recall('entry'))),
  'PT409 eln_entry.signed', 'a signed entry is not edited');
SELECT is(tests.refusal(format($$INSERT INTO app.eln_entry_versions (entry_id, content) VALUES (%L, '{"aim": {"text": "fix"}}')$$, tests.recall('entry'))),
  'PT422 eln_version.amendment_reason_required', 'a new version of a signed entry is an amendment with a reason');
SELECT is(tests.refusal(format($$SELECT app.sign_eln_entry(%L, 2, 'witnessed', tests.password(), 'seen')$$, tests.recall('entry'))),
  'PT403 eln_entry.witness_is_author', 'the author does not witness their own entry');

-- A witness: another person with eln.witness.
SELECT tests.act_as(tests.recall('tech2'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.sign_eln_entry(%L, 2, 'witnessed', tests.password(), 'seen')$$, tests.recall('entry'))),
  'PT403 permission.missing', 'a technician is no witness');
SELECT tests.act_as(tests.recall('reviewer'), tests.recall('lab'));
SELECT is((app.sign_eln_entry(tests.recall('entry'), 2, 'witnessed', tests.password(), 'I saw and understood it')).meaning::text, 'witnessed',
  'a reviewer witnesses');
SELECT is((SELECT status::text FROM app.eln_entries WHERE id = tests.recall('entry')), 'witnessed', 'the entry is witnessed');

-- Amendment: a new version referencing the one it amends; draft again.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
INSERT INTO app.eln_entry_versions (entry_id, content, amendment_reason)
VALUES (tests.recall('entry'), '{"aim": {"text": "Calibrate the pH meter at 20 degC"}, "results": {"ph": 7.3}}', 'Transcription error in the pH');
SELECT is((SELECT (v.amends_version, e.status, e.current_version, e.completed_at IS NULL)::text
             FROM app.eln_entry_versions AS v JOIN app.eln_entries AS e ON e.id = v.entry_id
            WHERE v.entry_id = tests.recall('entry') AND v.version = 3), '(2,draft,3,t)',
  'the amendment references the signed version and reopens the entry');
SELECT is((SELECT count(*)::int FROM app.eln_signatures WHERE entry_id = tests.recall('entry')), 2, 'the earlier signatures stay');

-- GLP flag: witnessing is what completes an entry.
SELECT tests.act_as_owner();
INSERT INTO app.tenant_feature_flags (organization_id, flag_key, value) VALUES (tests.recall('lab'), 'glp_esignatures_required', 'true');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT tests.remember('signed3', (app.sign_eln_entry(tests.recall('entry'), 3, 'authored', tests.password(), 'Amended and signed')).id);
SELECT is((SELECT completed_at IS NULL FROM app.eln_entries WHERE id = tests.recall('entry')), true,
  'with glp_esignatures_required on, the author''s signature does not complete the entry');
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
SELECT tests.remember('witnessed3', (app.sign_eln_entry(tests.recall('entry'), 3, 'witnessed', tests.password(), 'Witnessed')).id);
SELECT is((SELECT completed_at IS NOT NULL FROM app.eln_entries WHERE id = tests.recall('entry')), true, '... the witness does');

-- Links to any registered entity the caller sees; kept once signed.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
INSERT INTO app.eln_links (entry_id, entity_type, entity_id, note) VALUES (tests.recall('entry'), 'sample', tests.recall('sample'), 'measured');
SELECT is((SELECT count(*)::int FROM app.eln_links WHERE entry_id = tests.recall('entry')), 1, 'an entry links to a sample');
SELECT is(tests.refusal(format($$DELETE FROM app.eln_links WHERE entry_id = %L$$, tests.recall('entry'))), 'PT409 eln_entry.signed',
  'the links of a signed entry stay');
SELECT tests.act_as_owner();
SELECT tests.remember('hplc', tests.create_equipment(tests.recall('lab'), tests.create_equipment_class(tests.recall('lab')), tests.recall('lab_site')));
SELECT tests.fill_lab(tests.recall('lab'));
SELECT tests.remember('result', (SELECT id FROM app.results WHERE organization_id = tests.recall('lab') LIMIT 1));
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
INSERT INTO app.eln_links (entry_id, entity_type, entity_id, note)
VALUES (tests.recall('entry'), 'equipment', tests.recall('hplc'), 'run on'), (tests.recall('entry'), 'result', tests.recall('result'), 'reported');
SELECT is((SELECT array_agg(entity_type ORDER BY entity_type) FROM app.eln_links WHERE entry_id = tests.recall('entry')),
  ARRAY['equipment', 'result', 'sample'], 'any registered entity type is linked: equipment and results too');
SELECT tests.act_as(tests.recall('tech_elsewhere'), tests.recall('lab'));
SELECT is(tests.refusal(format($$INSERT INTO app.eln_links (entry_id, entity_type, entity_id) VALUES (%L, 'sample', %L)$$,
                               tests.recall('entry'), tests.recall('sample'))),
  'PT404 eln_entry.not_found', 'a member of another site cannot link to the entry');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(tests.refusal(format($$INSERT INTO app.eln_links (entry_id, entity_type, entity_id) VALUES (%L, 'sample', %L)$$,
                               tests.recall('entry'), tests.recall('sample'))),
  'PT404 eln_entry.not_found', 'another tenant cannot link to the entry');

-- Who reads: staff with eln.read at the site; not another site, a portal user, another tenant.
SELECT is((SELECT count(*)::int FROM app.eln_entries) + (SELECT count(*)::int FROM app.eln_entry_versions), 0, 'another tenant reads nothing');
SELECT tests.act_as(tests.recall('tech_elsewhere'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.eln_entries), 0, 'a technician of another site does not read the entry');
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.eln_entries) + (SELECT count(*)::int FROM app.eln_templates), 0, 'portal users see no notebook');
SELECT tests.act_as(tests.recall('auditor'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.eln_entry_versions WHERE entry_id = tests.recall('entry')), 3, 'an auditor reads every version');

-- Search: title and the current version's text, as the caller.
SELECT is((SELECT human_id FROM app.search('transcription OR degc', ARRAY['eln_entry'])),
  (SELECT entry_number FROM app.eln_entries WHERE id = tests.recall('entry')), 'search finds the entry by its current text');
SELECT tests.act_as(tests.recall('tech_elsewhere'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.search('calibrate', ARRAY['eln_entry'])), 0, 'search respects the caller''s row-level security');

-- Pinned attachments: the entry's own, with the checksum they have; kept.
SELECT tests.act_as_owner();
SELECT tests.remember('draft', tests.create_eln_entry(tests.recall('lab'), tests.recall('tech'), NULL, tests.recall('lab_site'), 'Free-form'));
INSERT INTO app.attachments (organization_id, entity_type, entity_id, file_name, mime_type, size_bytes, sha256, uploaded_by, upload_state)
VALUES (tests.recall('lab'), 'eln_entry', tests.recall('draft'), 'trace.csv', 'text/csv', 10, repeat('c', 64), tests.recall('tech'), 'stored');
SELECT tests.remember('file', (SELECT id FROM app.attachments WHERE entity_id = tests.recall('draft')));
UPDATE app.attachments SET upload_state = 'stored', upload_confirmed_at = now(), upload_checked_at = now() WHERE id = tests.recall('file');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$INSERT INTO app.eln_entry_versions (entry_id, content, attachments)
                                 VALUES (%L, '{"notes": "run 1"}', jsonb_build_array(jsonb_build_object('attachment_id', %L, 'sha256', repeat('d', 64))))$$,
                               tests.recall('draft'), tests.recall('file'))),
  'PT422 eln_version.attachment_checksum', 'a version pins an attachment only with the checksum it has');
INSERT INTO app.eln_entry_versions (entry_id, content, attachments)
VALUES (tests.recall('draft'), '{"notes": "run 1"}', jsonb_build_array(jsonb_build_object('attachment_id', tests.recall('file'), 'sha256', repeat('c', 64))));
SELECT is(tests.refusal(format($$DELETE FROM app.attachments WHERE id = %L$$, tests.recall('file'))), 'PT409 eln_attachment.pinned',
  'a pinned attachment is kept');

-- Results name their ELN entry in the same tenant.
SELECT tests.act_as_owner();
SELECT tests.fill_lab(tests.recall('b'));
SELECT is(tests.refusal(format($$UPDATE app.results SET eln_entry_id = %L WHERE organization_id = %L$$, tests.recall('entry'), tests.recall('b'))),
  'PT404 eln_entry.not_found', 'a result cannot name another tenant''s ELN entry');
UPDATE app.results AS r SET eln_entry_id = (SELECT e.id FROM app.eln_entries AS e WHERE e.organization_id = r.organization_id LIMIT 1)
 WHERE r.organization_id = tests.recall('b');
SELECT is((SELECT count(*)::int FROM app.results WHERE organization_id = tests.recall('b') AND eln_entry_id IS NOT NULL), 1,
  'a result names its own tenant''s ELN entry');
SELECT * FROM finish();
ROLLBACK;
