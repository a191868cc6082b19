-- Who hears about a project: the new project manager when a project is
-- assigned (AFTER UPDATE of assigned_to), and a team message reaches
-- management when the project has no team but the sender.
BEGIN;
SELECT plan(10);

SELECT tests.remember('tenant', tests.create_workflow_tenant());
SELECT tests.remember('sales', tests.member_with_role(tests.recall('tenant'), 'sales'));
SELECT tests.remember('engineering', tests.member_with_role(tests.recall('tenant'), 'engineering'));
SELECT tests.remember('management', tests.member_with_role(tests.recall('tenant'), 'management'));
SELECT tests.remember('project', tests.create_project(tests.recall('tenant'), tests.recall('sales')));

CREATE FUNCTION pg_temp.notified(p_user uuid, p_type text) RETURNS bigint
LANGUAGE sql AS $$
  SELECT count(*) FROM app.notifications
   WHERE user_id = p_user AND project_id = tests.recall('project') AND type = p_type::app.notification_type
$$;

-- Assigning.
CREATE TEMP TABLE before ON COMMIT DROP AS SELECT pg_temp.notified(tests.recall('engineering'), 'workflow') AS n;
SELECT tests.act_as(tests.recall('sales'), tests.recall('tenant'));
UPDATE app.projects SET assigned_to = tests.recall('engineering') WHERE id = tests.recall('project');
SELECT tests.act_as_owner();
SELECT is(pg_temp.notified(tests.recall('engineering'), 'workflow'), (SELECT n + 1 FROM before),
          'the new project manager is notified of the assignment');
SELECT ok((SELECT n.title LIKE '%' || p.project_number || '%' FROM app.notifications AS n JOIN app.projects AS p ON p.id = n.project_id
            WHERE n.user_id = tests.recall('engineering') AND n.project_id = tests.recall('project') ORDER BY n.created_at DESC, n.id DESC LIMIT 1),
          'the notification names the project');

SELECT tests.act_as(tests.recall('sales'), tests.recall('tenant'));
UPDATE app.projects SET title = title || ' (rev)' WHERE id = tests.recall('project');
UPDATE app.projects SET assigned_to = tests.recall('sales') WHERE id = tests.recall('project');
SELECT tests.act_as_owner();
SELECT is(pg_temp.notified(tests.recall('engineering'), 'workflow'), (SELECT n + 1 FROM before),
          'other changes notify no assignee again');
SELECT is(pg_temp.notified(tests.recall('sales'), 'workflow'), 0::bigint, 'assigning oneself notifies nobody');

-- A team message on a project whose only team member is the sender.
SELECT tests.act_as(tests.recall('sales'), tests.recall('tenant'));
INSERT INTO app.messages (project_id, subject, content) VALUES (tests.recall('project'), 'Anyone?', 'Who looks after this?');
SELECT tests.act_as_owner();
SELECT is(pg_temp.notified(tests.recall('management'), 'message'), 1::bigint,
          'a team message on a project with no team but the sender reaches management');
SELECT is(pg_temp.notified(tests.recall('sales'), 'message'), 0::bigint, 'not the sender');
SELECT ok((SELECT m.sender_id = tests.recall('sales') AND m.organization_id = tests.recall('tenant') AND m.id IS NOT NULL
             FROM app.messages AS m WHERE m.project_id = tests.recall('project') AND m.subject = 'Anyone?'),
          'the id, tenant and sender a message leaves out are filled (_000_fill_keys)');

-- Progress rows and notifications: the database's own inserts name the id
-- (the trigger's WHEN clause skips the call); one left out is still filled.
SELECT is((SELECT count(*) FILTER (WHERE t.tgqual IS NOT NULL)::int FROM pg_trigger AS t
            WHERE t.tgname = '_000_fill_keys' AND t.tgrelid IN ('app.project_sub_stage_progress'::regclass, 'app.notifications'::regclass)),
          2, 'the key triggers of progress rows and notifications run only for a row without an id');
INSERT INTO app.notifications (organization_id, user_id, type, title, message)
VALUES (tests.recall('tenant'), tests.recall('sales'), 'system', 'Keys', 'An id left out');
SELECT ok((SELECT id IS NOT NULL FROM app.notifications WHERE user_id = tests.recall('sales') AND title = 'Keys'),
          'a notification inserted without an id gets one');
CREATE TEMP TABLE last_step ON COMMIT DROP AS
SELECT * FROM app.project_sub_stage_progress WHERE project_id = tests.recall('project') ORDER BY sub_stage_order DESC LIMIT 1;
DELETE FROM app.project_sub_stage_progress WHERE id = (SELECT id FROM last_step);
INSERT INTO app.project_sub_stage_progress
  (organization_id, project_id, workflow_stage_id, sub_stage_id, sub_stage_order, is_required, requires_approval,
   approval_type, can_skip, auto_advance, responsible_roles)
SELECT organization_id, project_id, workflow_stage_id, sub_stage_id, sub_stage_order, is_required, requires_approval,
       approval_type, can_skip, auto_advance, responsible_roles FROM last_step;
SELECT ok((SELECT p.id IS NOT NULL AND p.id <> l.id FROM app.project_sub_stage_progress AS p JOIN last_step AS l USING (sub_stage_id)
            WHERE p.project_id = tests.recall('project')),
          'a progress row inserted without an id gets a new one');

SELECT * FROM finish();
ROLLBACK;
