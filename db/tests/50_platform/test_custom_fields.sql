-- Custom fields: every rule of a value checked on the write that touches it,
-- definitions and type lists per tenant, managed with custom_field.manage,
-- stricter definitions never breaking stored rows, violations listed.
BEGIN;
SELECT plan(65);

SELECT tests.remember('a', tests.create_workflow_tenant());
SELECT tests.remember('b', tests.create_workflow_tenant());
SELECT tests.remember('list', tests.define_custom_fields(tests.recall('a')));
SELECT tests.remember('project', tests.create_project(tests.recall('a'), p_title => 'Boiler housing'));
SELECT tests.remember('other', tests.create_project(tests.recall('a'), p_title => 'Pump skid'));
SELECT tests.remember('b_project', tests.create_project(tests.recall('b'), p_title => 'Foreign'));

-- How a write of custom fields on the project is answered, as the caller.
CREATE FUNCTION pg_temp.write(p_values jsonb, p_id uuid DEFAULT NULL) RETURNS text
LANGUAGE sql AS $$
  SELECT tests.refusal(format('UPDATE app.projects SET custom_fields = %L WHERE id = %L', p_values, coalesce(p_id, tests.recall('project'))));
$$;
CREATE FUNCTION pg_temp.stored(p_id uuid DEFAULT NULL) RETURNS jsonb
LANGUAGE sql AS $$ SELECT custom_fields FROM app.projects WHERE id = coalesce(p_id, tests.recall('project')) $$;
GRANT EXECUTE ON FUNCTION pg_temp.write(jsonb, uuid), pg_temp.stored(uuid) TO PUBLIC;

SELECT tests.act_as_role(tests.recall('a'), 'sales');

-- Values that pass are stored, normalised.
UPDATE app.projects SET custom_fields = '{"customer_reference": "AB-1234", "risk_class": "low", "wall_thickness": 4.5}'
 WHERE id = tests.recall('project');
SELECT is(pg_temp.stored(), '{"customer_reference": "AB-1234", "risk_class": "low", "wall_thickness": 4.5}',
  'valid values are stored');
UPDATE app.projects SET custom_fields = custom_fields || '{"wall_thickness": {"value": 0.25, "unit": "in"}}' WHERE id = tests.recall('project');
SELECT is(pg_temp.stored() -> 'wall_thickness', '6.35'::jsonb, 'a value in another unit is converted to the field''s unit');
UPDATE app.projects SET custom_fields = custom_fields || '{"customer_reference": null}' WHERE id = tests.recall('project');
SELECT ok(NOT pg_temp.stored() ? 'customer_reference', 'null clears a field');

-- Each rule, by its reason code.
SELECT is(pg_temp.write('{"colour": "red"}'), 'PT422 custom_field.unknown', 'a field that is not defined is refused');
SELECT is(pg_temp.write('{"customer_reference": 1234}'), 'PT422 custom_field.type', 'text must be text');
SELECT is(pg_temp.write('{"customer_reference": "ab-12"}'), 'PT422 custom_field.pattern', 'text must match the whole pattern');
SELECT is(pg_temp.write('{"customer_reference": "AB-12345"}'), 'PT422 custom_field.max_length', 'text is at most max_length long');
SELECT is(pg_temp.write('{"customer_reference": "xAB-1234"}'), 'PT422 custom_field.max_length', 'the length is checked before the pattern');
SELECT is(pg_temp.write('{"wall_thickness": "4"}'), 'PT422 custom_field.type', 'a decimal must be a number');
SELECT is(pg_temp.write('{"wall_thickness": 0.4}'), 'PT422 custom_field.min', 'a number is at least min_value');
SELECT is(pg_temp.write('{"wall_thickness": 21}'), 'PT422 custom_field.max', 'a number is at most max_value');
SELECT is(pg_temp.write('{"wall_thickness": {"value": 1, "unit": "in"}}'), 'PT422 custom_field.max', 'bounds apply after conversion');
SELECT is(pg_temp.write('{"wall_thickness": {"value": 1, "unit": "kg"}}'), 'PT422 custom_field.unit', 'a unit of another dimension is refused');
SELECT is(pg_temp.write('{"wall_thickness": {"value": 1, "unit": "furlong"}}'), 'PT422 custom_field.unit', 'an unknown unit is refused');
SELECT is(pg_temp.write('{"risk_class": "extreme"}'), 'PT422 custom_field.option', 'a select takes codes of its type list');
SELECT is(pg_temp.write('{"risk_class": "legacy"}'), 'PT422 custom_field.inactive_option', 'but not a deactivated one');
SELECT is(pg_temp.write('{"risk_class": ["low"]}'), 'PT422 custom_field.type', 'a single select takes one code');
SELECT is(pg_temp.write(jsonb_build_object('related_project', tests.recall('b_project'))), 'PT422 custom_field.reference',
  'a reference to another tenant''s entity is refused');
SELECT is(pg_temp.write(jsonb_build_object('related_project', gen_random_uuid())), 'PT422 custom_field.reference',
  'a reference to nothing is refused');
SELECT is(pg_temp.write('{"related_project": "PRJ-1"}'), 'PT422 custom_field.type', 'a reference is an id');
UPDATE app.projects SET custom_fields = custom_fields || jsonb_build_object('related_project', tests.recall('other'))
 WHERE id = tests.recall('project');
SELECT is(pg_temp.stored() ->> 'related_project', tests.recall('other')::text, 'a reference to a visible entity of the tenant is stored');
SELECT is(tests.refusal(format($$INSERT INTO app.projects (title, workflow_definition_id, current_stage_id, custom_fields)
                                 SELECT 'New', workflow_definition_id, current_stage_id, '{"risk_class": "nope"}' FROM app.projects WHERE id = %L$$,
                               tests.recall('project'))), 'PT422 custom_field.option', 'an insert is checked too');

-- The other types, on fields defined here by management.
SELECT tests.act_as_role(tests.recall('a'), 'management');
INSERT INTO app.custom_field_definitions (entity_type, code, label, field_type, type_list_id, allowed_values, min_length) VALUES
  ('project', 'risks', 'Risks', 'multi_select', tests.recall('list'), '{low,medium}', NULL),
  ('project', 'site_email', 'Site email', 'email', NULL, NULL, NULL),
  ('project', 'portal', 'Portal', 'url', NULL, NULL, NULL),
  ('project', 'export', 'Export', 'boolean', NULL, NULL, NULL),
  ('project', 'kickoff', 'Kick-off', 'date', NULL, NULL, NULL),
  ('project', 'shipped_at', 'Shipped at', 'datetime', NULL, NULL, NULL),
  ('project', 'batches', 'Batches', 'integer', NULL, NULL, NULL),
  ('project', 'grade', 'Grade', 'text', NULL, '{A,B}', NULL),
  ('project', 'notes', 'Notes', 'long_text', NULL, NULL, 3);
SELECT is(pg_temp.write('{"risks": ["low", "low"]}'), 'PT422 custom_field.type', 'a multi select lists a code once');
SELECT is(pg_temp.write('{"risks": ["low", "high"]}'), 'PT422 custom_field.allowed_values', 'a select takes only its allowed values');
SELECT is(pg_temp.write('{"site_email": "nobody"}'), 'PT422 custom_field.email', 'an email must look like one');
SELECT is(pg_temp.write('{"portal": "ftp://x.example"}'), 'PT422 custom_field.url', 'a url is http or https');
SELECT is(pg_temp.write('{"export": "yes"}'), 'PT422 custom_field.type', 'a boolean is true or false');
SELECT is(pg_temp.write('{"kickoff": "2026-02-30"}'), 'PT422 custom_field.type', 'a date must exist');
SELECT is(pg_temp.write('{"shipped_at": "yesterday"}'), 'PT422 custom_field.type', 'a datetime is ISO 8601');
SELECT is(pg_temp.write('{"batches": 2.5}'), 'PT422 custom_field.type', 'an integer is whole');
SELECT is(pg_temp.write('{"grade": "C"}'), 'PT422 custom_field.allowed_values', 'text takes only its allowed values');
SELECT is(pg_temp.write('{"notes": "ok"}'), 'PT422 custom_field.min_length', 'text is at least min_length long');
UPDATE app.projects SET custom_fields = custom_fields || '{"risks": ["medium", "low"], "site_email": "site@example.com",
  "portal": "https://portal.example.com/x", "export": true, "kickoff": "2026-02-28", "shipped_at": "2026-03-01T10:00:00Z",
  "batches": 3, "grade": "A", "notes": "Fragile"}' WHERE id = tests.recall('project');
SELECT is((SELECT count(*)::int FROM jsonb_object_keys(pg_temp.stored())), 12, 'values of every type are stored');

-- Definitions are checked too.
SELECT is(tests.refusal($$INSERT INTO app.custom_field_definitions (entity_type, code, label, field_type, pattern)
                          VALUES ('project', 'bad', 'Bad', 'text', '([a-z')$$), 'PT422 custom_field.pattern_invalid',
  'a pattern must be a valid regular expression');
SELECT is(tests.refusal(format($$INSERT INTO app.custom_field_definitions (entity_type, code, label, field_type, type_list_id, allowed_values)
                                 VALUES ('project', 'bad', 'Bad', 'single_select', %L, '{low,unheard}')$$, tests.recall('list'))),
  'PT422 custom_field.allowed_values_invalid', 'allowed values of a select are codes of its list');
SELECT tests.act_as_owner();
CREATE TABLE tests.gadgets (organization_id uuid NOT NULL, id uuid NOT NULL DEFAULT gen_random_uuid(), name text NOT NULL,
                            custom_fields jsonb NOT NULL DEFAULT '{}', PRIMARY KEY (organization_id, id));
SELECT app_private.register_entity_type('gadget', 'tests.gadgets', 'name', 'Gadget');
SELECT tests.act_as_role(tests.recall('a'), 'management');
SELECT is(tests.refusal($$INSERT INTO app.custom_field_definitions (entity_type, code, label, field_type) VALUES ('gadget', 'x', 'X', 'text')$$),
  'PT422 custom_field.entity_type_not_enabled', 'only entity types that enabled custom fields take definitions');
SELECT tests.act_as_owner();
SELECT app_private.enable_custom_fields('gadget');
SELECT tests.act_as_role(tests.recall('a'), 'management');
SELECT lives_ok($$INSERT INTO app.custom_field_definitions (entity_type, code, label, field_type) VALUES ('gadget', 'x', 'X', 'text')$$,
  'enabling them is one call');
SELECT is(tests.refusal($$UPDATE app.custom_field_definitions SET field_type = 'long_text' WHERE code = 'customer_reference'$$),
  'PT409 row.fixed_column', 'a field''s type never changes');

-- A stricter definition applies on the next write that touches the field.
UPDATE app.custom_field_definitions SET pattern = '[A-Z]{3}' WHERE code = 'grade';
UPDATE app.custom_field_definitions SET is_required = true WHERE code = 'customer_reference';
UPDATE app.type_list_values SET is_active = false WHERE code = 'medium';
UPDATE app.custom_field_definitions SET is_active = false WHERE code = 'batches';
SELECT ok(EXISTS (SELECT FROM app.activity_log WHERE organization_id = tests.recall('a') AND entity_type = 'custom_field_definitions'
                   AND action = 'update' AND new_values ->> 'pattern' = '[A-Z]{3}'),
  'changes to definitions are in the activity log, for those who read it');
SELECT tests.act_as_role(tests.recall('a'), 'sales');
UPDATE app.projects SET title = 'Boiler housing, revised' WHERE id = tests.recall('project');
SELECT is((SELECT title FROM app.projects WHERE id = tests.recall('project')), 'Boiler housing, revised',
  'a write that leaves custom_fields alone passes');
UPDATE app.projects SET custom_fields = custom_fields || '{"export": false}' WHERE id = tests.recall('project');
SELECT is(pg_temp.stored() -> 'risks', '["medium", "low"]', 'untouched values stay, a deactivated list value included');
SELECT is(pg_temp.write(pg_temp.stored() || '{"grade": "B"}'), 'PT422 custom_field.pattern', 'touching a field applies its new rule');
SELECT is(pg_temp.write(pg_temp.stored() || '{"risks": ["medium"]}'), 'PT422 custom_field.inactive_option',
  'and a deactivated value cannot be written again');
SELECT is(pg_temp.write(pg_temp.stored() || '{"batches": 4}'), 'PT422 custom_field.unknown', 'nor a deactivated field');
SELECT is(tests.refusal(format($$INSERT INTO app.projects (title, workflow_definition_id, current_stage_id)
                                 SELECT 'New', workflow_definition_id, current_stage_id FROM app.projects WHERE id = %L$$,
                               tests.recall('project'))), 'PT422 custom_field.required', 'a new entity needs the required fields');
UPDATE app.projects SET custom_fields = custom_fields || '{"customer_reference": "CD-0001"}' WHERE id = tests.recall('project');
SELECT is(pg_temp.write(pg_temp.stored() - 'customer_reference'), 'PT422 custom_field.required', 'a required value cannot be removed');

-- The violations of the current definitions, of the rows the caller may see.
SELECT results_eq($$SELECT entity_id, field, reason FROM app.custom_field_violations('project') WHERE entity_id = tests.recall('project') ORDER BY field$$,
  $$VALUES (tests.recall('project'), 'batches', 'custom_field.unknown'), (tests.recall('project'), 'grade', 'custom_field.pattern'),
           (tests.recall('project'), 'risks', 'custom_field.inactive_option')$$,
  'violations list the stored values the current definitions refuse');
SELECT ok(EXISTS (SELECT FROM app.custom_field_violations('project') WHERE entity_id = tests.recall('other') AND reason = 'custom_field.required'),
  'and rows missing a required value');
SELECT is(tests.refusal($$SELECT * FROM app.custom_field_violations('spaceship')$$), 'PT422 entity_type.unknown', 'an unknown type is refused');
SELECT tests.act_as_role(tests.recall('a'), 'lab_tech');
SELECT is((SELECT count(*)::int FROM app.custom_field_violations('project')), 0, 'a member who cannot read projects sees none of them');
SELECT tests.act_as_role(tests.recall('b'), 'admin');
SELECT is((SELECT count(*)::int FROM app.custom_field_violations('project')), 0, 'nor does another tenant');

-- Another tenant: A's definitions and lists are invisible, and B's writes are checked against B's (none).
SELECT is((SELECT count(*)::int FROM app.custom_field_definitions), 0, 'another tenant sees no definitions of A');
SELECT is((SELECT count(*)::int FROM app.type_lists) + (SELECT count(*)::int FROM app.type_list_values), 0, 'nor type lists');
SELECT is(pg_temp.write('{"risk_class": "low"}', tests.recall('b_project')), 'PT422 custom_field.unknown',
  'A''s fields do not exist in B');
WITH changed AS (UPDATE app.custom_field_definitions SET label = 'x' WHERE organization_id = tests.recall('a') RETURNING 1)
SELECT is(count(*)::int, 0, 'B''s admin changes none of A''s definitions') FROM changed;

-- A lesser role reads the configuration but cannot define it.
SELECT tests.act_as_role(tests.recall('a'), 'sales');
SELECT ok((SELECT count(*) FROM app.custom_field_definitions) > 0 AND (SELECT count(*) FROM app.type_list_values) > 0,
  'staff read definitions and type lists');
SELECT ok((SELECT count(*) FROM app.type_lists) > 0, 'staff without custom_field.manage read the tenant''s type lists themselves');
SELECT is(tests.refusal($$INSERT INTO app.custom_field_definitions (entity_type, code, label, field_type) VALUES ('project', 'y', 'Y', 'text')$$),
  'PT403 permission.missing', 'a lesser role cannot define fields');
SELECT is(tests.refusal($$INSERT INTO app.type_lists (code, label) VALUES ('y', 'Y')$$), 'PT403 permission.missing', 'nor type lists');
WITH changed AS (UPDATE app.type_list_values SET is_active = true RETURNING 1)
SELECT is(count(*)::int, 0, 'nor change their values') FROM changed;
SELECT tests.act_as_role(tests.recall('a'), 'customer_portal');
SELECT is((SELECT count(*)::int FROM app.custom_field_definitions), 0, 'portal users see no definitions');

-- Documents: written by whoever may upload them.
SELECT tests.act_as_role(tests.recall('a'), 'engineering');
SELECT tests.remember('document', (SELECT (app.create_document(tests.recall('project'), 'Drawing', 'other', 'pdf', repeat('a', 64), 10, 'application/pdf')).document_id));
UPDATE app.documents SET custom_fields = '{"sheet_count": 12}' WHERE id = tests.recall('document');
SELECT is((SELECT custom_fields FROM app.documents WHERE id = tests.recall('document')), '{"sheet_count": 12}', 'a document takes its custom fields');
SELECT is(tests.refusal(format($$UPDATE app.documents SET custom_fields = '{"sheet_count": 0}' WHERE id = %L$$, tests.recall('document'))),
  'PT422 custom_field.min', 'checked like a project''s');

-- Labels in the caller's language.
SELECT tests.act_as_owner();
UPDATE app.users SET preferences = preferences || '{"locale": "de-CH"}' WHERE id = tests.member_with_role(tests.recall('a'), 'qa');
SELECT tests.act_as_role(tests.recall('a'), 'qa');
SELECT is((SELECT app.custom_field_definitions_localized_label(d) FROM app.custom_field_definitions d WHERE code = 'risk_class'),
  'Risikoklasse', 'definitions read in the caller''s locale');
SELECT is((SELECT app.type_list_values_localized_label(v) FROM app.type_list_values v WHERE code = 'high'), 'Hoch', 'type list values too');

SELECT * FROM finish();
ROLLBACK;
