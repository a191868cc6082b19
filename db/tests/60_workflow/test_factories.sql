-- The workflow factories (db/tests/fixtures/workflow.sql) do what other
-- tests rely on: a project made by a member through the real insert path,
-- driven through the real RPCs, and the caller acting as before.
BEGIN;
SELECT plan(10);

SELECT tests.remember('tenant', tests.create_workflow_tenant());
SELECT is((SELECT count(*)::int FROM unnest(tests.workflow_roles()) AS r
            WHERE tests.member_with_role(tests.recall('tenant'), r) IS NOT NULL),
  cardinality(tests.workflow_roles()), 'tenant: one member per workflow role');
SELECT isnt(tests.portal_customer(tests.recall('tenant')), NULL, 'tenant: the portal member belongs to a customer');

SELECT tests.act_as_role(tests.recall('tenant'), 'qa');
SELECT tests.remember('project', tests.create_project(tests.recall('tenant'), tests.member_with_role(tests.recall('tenant'), 'sales'),
                                                      tests.portal_customer(tests.recall('tenant')), p_quote_value => 75000));
SELECT is(auth.user_id(), tests.member_with_role(tests.recall('tenant'), 'qa'), 'create_project: the caller acts as before');
SELECT tests.act_as_owner();
SELECT results_eq($$SELECT created_by, status::text, quote_value FROM app.projects WHERE id = tests.recall('project')$$,
  $$VALUES (tests.member_with_role(tests.recall('tenant'), 'sales'), 'inquiry', 75000.00::numeric(14,2))$$,
  'create_project: inserted by the creator, in the first stage, with the values given');
SELECT tests.act_as_role(tests.recall('tenant'), 'auditor');
SELECT ok(EXISTS (SELECT FROM app.activity_log WHERE entity_type = 'projects' AND entity_id = tests.recall('project')::text
                     AND action = 'insert' AND actor_user_id = tests.member_with_role(tests.recall('tenant'), 'sales')),
  'create_project: the creation is audited as the creator''s');
SELECT tests.act_as_owner();

SELECT tests.drive_project(tests.recall('project'), 'quoted');
SELECT is((SELECT s.slug FROM app.projects AS p JOIN app.workflow_stages AS s ON s.id = p.current_stage_id
            WHERE p.id = tests.recall('project')), 'quoted', 'drive_project: stops in the stage named');
SELECT is(current_setting('role'), 'none', 'drive_project: the owner acts as the owner again');
SELECT tests.drive_project(tests.recall('project'));
SELECT is((SELECT status::text FROM app.projects WHERE id = tests.recall('project')), 'completed',
  'drive_project: without a stage, to completion');
SELECT is((SELECT count(*)::int FROM app.approvals WHERE project_id = tests.recall('project') AND status <> 'approved'), 0,
  'drive_project: every approval on the way was decided');
SELECT ok((SELECT bool_and(decided_by <> requested_by) FROM app.approvals WHERE project_id = tests.recall('project')),
  'drive_project: by someone other than its requester');

SELECT * FROM finish();
ROLLBACK;
