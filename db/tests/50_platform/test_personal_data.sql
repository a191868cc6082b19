-- Personal data: a person exports what is held about them; an erasure leaves
-- their name and email nowhere but where a retention duty keeps them.
BEGIN;
SELECT plan(16);

SELECT tests.remember('a', tests.create_workflow_tenant());
SELECT tests.remember('b', tests.create_workflow_tenant());
SELECT tests.remember('colleague', tests.member_with_role(tests.recall('a'), 'sales'));
SELECT tests.remember('person', tests.create_member(tests.recall('a'), 'engineering',
  p_email => 'zebulon.quixote-' || tests.unique_suffix() || '@example.test'));
UPDATE app.users SET display_name = 'Zebulon Quixote' WHERE id = tests.recall('person');
SELECT tests.remember('admin', tests.member_with_role(tests.recall('a'), 'admin'));
SELECT tests.remember('both', tests.create_member(tests.recall('a'), 'finance'));
INSERT INTO app.memberships (organization_id, user_id) VALUES (tests.recall('b'), tests.recall('both'));

-- The person leaves traces: a project they created and named, a colleague's message about them.
SELECT tests.remember('project', tests.create_project(tests.recall('a'), p_created_by => tests.recall('colleague'), p_team_member_ids => ARRAY[tests.recall('person')],
  p_title => 'Zebulon Quixote''s windmill gearbox'));
SELECT tests.act_as_role(tests.recall('a'), 'management');
INSERT INTO app.messages (project_id, content)
SELECT tests.recall('project'), 'Call Zebulon Quixote back at ' || email FROM app.users WHERE id = tests.recall('person');

-- Export
SELECT tests.act_as(tests.recall('person'), tests.recall('a'));
SELECT set_config('tests.export', app.export_personal_data()::text, true);
SELECT is(current_setting('tests.export')::jsonb #>> '{subject,display_name}', 'Zebulon Quixote', 'a person exports their own profile');
SELECT ok(current_setting('tests.export')::jsonb -> 'records' ? 'app.projects' AND current_setting('tests.export')::jsonb -> 'records' ? 'app.memberships',
  'and the rows that refer to them');
SELECT ok(current_setting('tests.export')::jsonb #>> '{records,app.messages,0,content}' LIKE 'Call Zebulon Quixote back at %',
  'and the rows that name them by email');
SELECT tests.act_as(tests.recall('colleague'), tests.recall('a'));
SELECT is(tests.refusal($$SELECT app.export_personal_data(tests.recall('person'))$$), 'PT403 permission.missing',
  'a colleague does not export someone else''s data');
SELECT tests.act_as_role(tests.recall('b'), 'admin');
SELECT is(tests.refusal($$SELECT app.export_personal_data(tests.recall('person'))$$), 'PT404 personal_data.person_not_found',
  'another tenant''s administrator does not find them');
SELECT is(tests.refusal($$SELECT app.erase_personal_data(tests.recall('person'), 'Request by email')$$),
  'PT404 personal_data.person_not_found', 'nor erases them');

-- Erasure
SELECT tests.act_as(tests.recall('colleague'), tests.recall('a'));
SELECT is(tests.refusal($$SELECT app.erase_personal_data(tests.recall('person'), 'x')$$), 'PT403 permission.missing',
  'a colleague does not erase anyone');
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
SELECT is(tests.refusal($$SELECT app.erase_personal_data(tests.recall('person'), ' ')$$), 'PT422 personal_data.reason_required',
  'an erasure needs a reason');
SELECT is(tests.refusal($$SELECT app.erase_personal_data(tests.recall('admin'), 'x')$$), 'PT409 personal_data.protected_person',
  'nobody erases themselves');
SELECT is(tests.refusal($$SELECT app.erase_personal_data(tests.recall('both'), 'x')$$), 'PT409 personal_data.other_tenants',
  'a person of two organizations is erased by a platform operator');

SELECT set_config('tests.before', (SELECT email::text || '|' || display_name FROM app.users WHERE id = tests.recall('person')), true);
SELECT set_config('tests.erasure', pg_catalog.to_jsonb(app.erase_personal_data(tests.recall('person'), 'Request by email, 2026-12-01'))::text, true);
SELECT ok((current_setting('tests.erasure')::jsonb ->> 'rows_pseudonymised')::int >= 2, 'the project title and the message were pseudonymised');
SELECT ok(current_setting('tests.erasure')::jsonb -> 'restricted' @> '[{"table": "audit.activity_log"}]', 'what is kept, and why, is listed');

SELECT tests.act_as_owner();
SELECT is((SELECT status::text || ' ' || display_name FROM app.users WHERE id = tests.recall('person')),
  'disabled Erased person ' || left(md5(tests.recall('person')::text), 8), 'the profile is pseudonymised and disabled');
SELECT is((SELECT status::text FROM app.memberships WHERE user_id = tests.recall('person')), 'revoked', 'the membership ends');
SELECT is((SELECT title FROM app.projects WHERE id = tests.recall('project')),
  'Erased person ' || left(md5(tests.recall('person')::text), 8) || '''s windmill gearbox', 'their name in a title is replaced');

-- The name and email remain only where a retention duty keeps them.
CREATE TEMP TABLE still_named AS SELECT NULL::text AS table_name WHERE false;
DO $$
DECLARE
  v_column record;
  v_found boolean;
BEGIN
  FOR v_column IN SELECT * FROM app_private.personal_data_columns() WHERE type_name NOT IN ('uuid', 'uuid[]') LOOP
    EXECUTE format('SELECT EXISTS (SELECT FROM %s WHERE strpos(lower(%I::text), lower($1)) > 0 OR strpos(lower(%I::text), lower($2)) > 0)',
                   v_column.table_name, v_column.column_name, v_column.column_name)
       INTO v_found USING split_part(current_setting('tests.before'), '|', 1), split_part(current_setting('tests.before'), '|', 2);
    IF v_found THEN
      INSERT INTO still_named VALUES (v_column.table_name::text || '.' || v_column.column_name);
    END IF;
  END LOOP;
END
$$;
SELECT is_empty($$
  SELECT s.table_name FROM still_named s
   WHERE NOT EXISTS (SELECT FROM app_private.personal_data_retained() r
                      WHERE s.table_name = r.table_name || '.' || coalesce(r.column_name, split_part(s.table_name, '.', 3)))
$$, 'the name and email appear nowhere but in the audit trail and e-signatures');

SELECT * FROM finish();
ROLLBACK;
