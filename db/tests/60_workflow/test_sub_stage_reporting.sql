-- What sub-stages report: no approval type unless they need an approval;
-- role lists in refusals name each role once.
BEGIN;
SELECT plan(7);

SELECT tests.remember('tenant', tests.create_workflow_tenant());
SELECT tests.remember('project', tests.create_project(tests.recall('tenant')));
SELECT tests.drive_project(tests.recall('project'), 'quoted');

SELECT is_empty($$ SELECT slug FROM app.workflow_definition_sub_stage_settings
                    WHERE organization_id = tests.recall('tenant') AND NOT requires_approval AND approval_type IS NOT NULL $$,
                'a definition''s sub-stage without approval has no approval type');
SELECT is((SELECT approval_type::text FROM app.workflow_definition_sub_stage_settings
            WHERE organization_id = tests.recall('tenant') AND slug = 'engineering-review'),
          'technical_review', 'a gated one keeps its type');
SELECT is_empty($$ SELECT id FROM app.project_sub_stage_progress
                    WHERE project_id = tests.recall('project') AND NOT requires_approval AND approval_type IS NOT NULL $$,
                'progress without approval has no approval type');
SELECT is((SELECT approval_type::text FROM app.project_sub_stage_progress
            WHERE project_id = tests.recall('project') AND sub_stage_id = tests.id_of_sub_stage(tests.recall('tenant'), 'internal-approval')),
          'quote_approval', 'progress of a gated sub-stage keeps its type');

-- Internal Approval is for management and finance; management may always act.
CREATE FUNCTION pg_temp.refusal_message(p_sql text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE p_sql;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLERRM;
END
$$;
GRANT EXECUTE ON FUNCTION pg_temp.refusal_message(text) TO app_user;
SELECT tests.act_as_role(tests.recall('tenant'), 'auditor');
SELECT is(tests.refusal(format($$SELECT app.update_progress(%L, %L, 'start')$$, tests.recall('project'),
                               tests.id_of_sub_stage(tests.recall('tenant'), 'internal-approval'))),
          'PT403 progress.not_responsible', 'someone without the roles is refused');
SELECT is((SELECT count(*)::int FROM regexp_matches(
             pg_temp.refusal_message(format($$SELECT app.update_progress(%L, %L, 'start')$$, tests.recall('project'),
                                            tests.id_of_sub_stage(tests.recall('tenant'), 'internal-approval'))),
             'management', 'g')),
          1, 'the refusal names management once');
SELECT tests.act_as_owner();
SELECT is(app_private.message_list('{management,finance,management,qa,finance}'), 'management, finance, qa',
          'a list for a message names each item once, in order');

SELECT * FROM finish();
ROLLBACK;
