-- Views of the API schema that PostgreSQL cannot update by itself (joins,
-- UNION, aggregates) carry the INSTEAD OF trigger _100_read_only: a write
-- is refused with PT405 view.read_only after the privileges were checked,
-- never with the rewrite error 55000 (HTTP 500) before them. Every view of
-- `app` is either updatable by PostgreSQL or carries the trigger.
BEGIN;

CREATE TEMP TABLE api_views ON COMMIT DROP AS
SELECT c.oid::regclass AS name,
       EXISTS (SELECT FROM pg_trigger AS t
                WHERE t.tgrelid = c.oid AND t.tgfoid = 'app_private.tg__refuse_view_write'::regproc
                  AND t.tgtype & 92 = 92) AS refuses_writes  -- INSTEAD (64) OF INSERT (4), DELETE (8), UPDATE (16)
  FROM pg_class AS c
 WHERE c.relnamespace = 'app'::regnamespace AND c.relkind = 'v'
 ORDER BY 1;

SELECT plan(7 + (SELECT count(*)::int FROM api_views WHERE refuses_writes));

SELECT ok((SELECT count(*) FROM api_views WHERE refuses_writes) >= 10, 'the catalog finds the read-only views');
SELECT is_empty($$ SELECT name FROM api_views
                    WHERE NOT refuses_writes AND pg_catalog.pg_relation_is_updatable(name, false) <> 28 $$,
                'every view of app that PostgreSQL cannot update refuses writes with _100_read_only');

SELECT is(tests.refusal(format('INSERT INTO %s DEFAULT VALUES', name)), 'PT405 view.read_only',
          format('%s: an insert is refused as read-only', name))
  FROM api_views WHERE refuses_writes;
SELECT tests.remember('tenant', tests.create_tenant());
SELECT ok(tests.rows_of('app.activity_log', tests.recall('tenant')) > 0, 'the new tenant''s creation is in the activity log');
SELECT is(tests.refusal(format('DELETE FROM app.activity_log WHERE organization_id = %L', tests.recall('tenant'))),
          'PT405 view.read_only', 'the owner deleting from the activity log is refused as read-only');
SELECT is(tests.refusal(format('UPDATE app.activity_log SET action = action WHERE organization_id = %L', tests.recall('tenant'))),
          'PT405 view.read_only', 'so is an update');

-- An API role lacks the privilege: refused by it first (42501), not by the rewrite.
SELECT tests.act_as(tests.create_member(tests.recall('tenant'), 'admin'), tests.recall('tenant'));
SELECT is(tests.refusal('DELETE FROM app.activity_log'), '42501', 'an admin deleting the activity log lacks the privilege');
SELECT is(tests.refusal($$UPDATE app.project_overview SET title = 'x'$$), '42501', 'nor may anyone update a dashboard');

SELECT * FROM finish();
ROLLBACK;
