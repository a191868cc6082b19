-- Who sees a real-time event is decided in SQL: auth.realtime_event(topic,
-- payload), run as the subscriber, returns the event or NULL
-- (db/functions/50_platform/30_realtime.sql; the topics' rules,
-- auth.can_see_<topic>_event, in db/functions/60_workflow/60_events.sql).
BEGIN;
SELECT plan(19);

SELECT tests.remember('tenant', tests.create_workflow_tenant());
SELECT tests.remember('other', tests.create_workflow_tenant());
SELECT tests.remember('project', tests.create_project(tests.recall('tenant'), p_customer_id => tests.portal_customer(tests.recall('tenant'))));
SELECT tests.drive_project(tests.recall('project'), 'quoted');
SELECT tests.remember('theirs', tests.create_project(tests.recall('other')));

-- Events as the triggers send them, built as the owner from the rows.
CREATE TEMP TABLE events ON COMMIT DROP AS
SELECT 'progress' AS topic, 'ours' AS whose, pg_catalog.to_jsonb(e) AS payload
  FROM (SELECT 'progress.updated' AS event, p.organization_id, p.project_id, p.id AS progress_id, p.sub_stage_id,
               p.status, 'pending' AS previous_status, pg_catalog.now() AS occurred_at
          FROM app.project_sub_stage_progress AS p WHERE p.project_id = tests.recall('project')
         ORDER BY p.sub_stage_order LIMIT 1) AS e
UNION ALL
SELECT 'approvals', 'ours', pg_catalog.to_jsonb(e)
  FROM (SELECT 'approval.updated' AS event, a.organization_id, a.id AS approval_id, a.project_id, a.approval_type, a.status,
               'pending' AS previous_status, a.current_approver_id, pg_catalog.now() AS occurred_at
          FROM app.approvals AS a WHERE a.project_id = tests.recall('project')
         ORDER BY a.created_at LIMIT 1) AS e
UNION ALL
SELECT 'progress', 'theirs', pg_catalog.to_jsonb(e)
  FROM (SELECT 'progress.seeded' AS event, p.organization_id, p.project_id, p.id AS progress_id, p.sub_stage_id,
               p.status, NULL AS previous_status, pg_catalog.now() AS occurred_at
          FROM app.project_sub_stage_progress AS p WHERE p.project_id = tests.recall('theirs')
         ORDER BY p.sub_stage_order LIMIT 1) AS e;
GRANT SELECT ON events TO PUBLIC;

CREATE FUNCTION pg_temp.event(p_topic text, p_whose text) RETURNS jsonb
LANGUAGE sql STABLE AS $$ SELECT payload FROM events WHERE topic = p_topic AND whose = p_whose $$;
GRANT EXECUTE ON FUNCTION pg_temp.event(text, text) TO PUBLIC;

SELECT is((SELECT count(*)::int FROM events), 3, 'the world has a progress row and an approval of ours and a progress row of theirs');

-- Staff of the tenant who may read the rows get the event, unchanged.
SELECT tests.act_as_role(tests.recall('tenant'), 'management');
SELECT is(auth.realtime_event('progress', pg_temp.event('progress', 'ours')), pg_temp.event('progress', 'ours'),
  'a member who reads the progress row gets its event as sent');
SELECT is(auth.realtime_event('approvals', pg_temp.event('approvals', 'ours')), pg_temp.event('approvals', 'ours'),
  'a member who reads the approval gets its event as sent');

-- Another tenant's event never reaches them, not even relabelled as theirs.
SELECT is(auth.realtime_event('progress', pg_temp.event('progress', 'theirs')), NULL,
  'another tenant''s event is withheld');
SELECT is(auth.realtime_event('progress', pg_temp.event('progress', 'theirs')
                                          || jsonb_build_object('organization_id', tests.recall('tenant'))), NULL,
  'an event naming our tenant but another tenant''s row is withheld (the row decides)');
SELECT is(auth.realtime_event('progress', pg_temp.event('progress', 'ours') || '{"progress_id": "not-a-uuid"}'), NULL,
  'an event whose row id is not a uuid is withheld, not an error');
SELECT is(auth.realtime_event('progress', '[]'), NULL, 'a payload that is not an object is withheld');

-- The same events for a subscriber of the other tenant.
SELECT tests.act_as_role(tests.recall('other'), 'management');
SELECT is(auth.realtime_event('progress', pg_temp.event('progress', 'theirs')), pg_temp.event('progress', 'theirs'),
  'the other tenant''s staff get their own event');
SELECT is(auth.realtime_event('progress', pg_temp.event('progress', 'ours')), NULL,
  'and not ours');
SELECT is(auth.realtime_event('approvals', pg_temp.event('approvals', 'ours')), NULL,
  'nor our approvals');

-- Row-level security decides within the tenant: a portal user reads no
-- progress rows and no approvals, not even of their customer's project.
SELECT tests.act_as_role(tests.recall('tenant'), 'customer_portal');
SELECT is(auth.realtime_event('progress', pg_temp.event('progress', 'ours')), NULL,
  'a portal user gets no progress event of their customer''s project');
SELECT is(auth.realtime_event('approvals', pg_temp.event('approvals', 'ours')), NULL,
  'a portal user gets no approval event');
SELECT tests.act_as_role(tests.recall('tenant'), 'lab_tech');
SELECT is(auth.realtime_event('progress', pg_temp.event('progress', 'ours')), NULL,
  'a member without project.read gets no progress event');
SELECT tests.act_as_owner();
SELECT ok(EXISTS (SELECT FROM app.project_sub_stage_progress WHERE id = (pg_temp.event('progress', 'ours') ->> 'progress_id')::uuid)
          AND EXISTS (SELECT FROM app.approvals WHERE id = (pg_temp.event('approvals', 'ours') ->> 'approval_id')::uuid),
  'the rows withheld from them exist');

-- Refusals.
SELECT tests.act_as_role(tests.recall('tenant'), 'management');
SELECT is(tests.refusal($$ SELECT auth.realtime_event('invoices', '{}') $$), 'PT422 realtime.unknown_topic',
  'a topic no domain publishes is refused');
SELECT is(tests.refusal($$ SELECT auth.realtime_event('progress_event(NULL) OR true; --', '{}') $$), 'PT422 realtime.unknown_topic',
  'a topic is a name, never SQL');
SELECT tests.act_as(tests.create_operator());
SELECT is(tests.refusal($$ SELECT auth.realtime_event('progress', pg_temp.event('progress', 'ours')) $$), 'PT403 realtime.no_tenant',
  'a caller without a tenant is refused');
SELECT tests.act_as_owner();
SELECT tests.remember('qa', tests.member_with_role(tests.recall('tenant'), 'qa'));
UPDATE app.memberships SET status = 'revoked' WHERE organization_id = tests.recall('tenant') AND user_id = tests.recall('qa');
-- The claims of a token issued before the membership was revoked.
SELECT set_config('request.jwt.claims', jsonb_build_object('role', 'app_user', 'sub', tests.recall('qa'),
                                                           'org_id', tests.recall('tenant'))::text, true),
       set_config('role', 'app_user', true);
SELECT is(left(tests.refusal($$ SELECT auth.realtime_event('progress', pg_temp.event('progress', 'ours')) $$), 5), 'PT403',
  'a member whose membership ended is refused (auth.check_request runs first)');
SELECT tests.act_as_role(tests.recall('tenant'), 'management');
SELECT is(auth.event_key('{"id": "0190f1c4-6b1e-7a3c-9d2e-3f4a5b6c7d8e"}', 'id'), '0190f1c4-6b1e-7a3c-9d2e-3f4a5b6c7d8e'::uuid,
  'event_key reads a uuid');

SELECT * FROM finish();
ROLLBACK;
