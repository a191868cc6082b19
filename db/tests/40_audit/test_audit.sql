-- The activity log: written for every change, readable with audit.read,
-- and immutable for everybody, the table owner included.
BEGIN;
SELECT plan(18);

-- Tenant A with a partner, sales and an admin; tenant B's admin.
SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('sales', tests.create_member(tests.recall('a'), 'sales'));
SELECT tests.remember('admin', tests.create_member(tests.recall('a'), 'admin'));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
CREATE TEMP TABLE globex ON COMMIT DROP AS
WITH p AS (INSERT INTO app.partners (organization_id, kind, code, name, website)
           VALUES (tests.recall('a'), 'customer', 'C-GLOBEX', 'Globex Corporation', 'https://globex.example') RETURNING id)
SELECT id::text AS id FROM p;
GRANT SELECT ON globex TO PUBLIC;

SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
SELECT set_config('request.headers', '{"x-request-id": "req-42", "x-forwarded-for": "203.0.113.7, 10.0.0.1"}', true);
UPDATE app.partners SET name = 'Globex Corp.', website = 'https://globex.example/' WHERE code = 'C-GLOBEX';

SELECT tests.act_as_owner();
UPDATE app.partners SET updated_at = now() + interval '1 second' WHERE code = 'C-GLOBEX';
CREATE TEMP TABLE last_event ON COMMIT DROP AS
SELECT * FROM audit.activity_log
 WHERE entity_type = 'partners' AND action = 'update'
   AND entity_id = (SELECT id FROM globex)
 ORDER BY occurred_at DESC, id DESC LIMIT 1;
SELECT is((SELECT count(*)::int FROM audit.activity_log
            WHERE entity_type = 'partners' AND action = 'update'
              AND entity_id = (SELECT id FROM globex)), 1,
  'an update is recorded once; a bare updated_at bump is not a change');
SELECT is((SELECT new_values FROM last_event), '{"name": "Globex Corp.", "website": "https://globex.example/"}'::jsonb,
  'new values hold the changed columns only');
SELECT is((SELECT old_values FROM last_event), '{"name": "Globex Corporation", "website": "https://globex.example"}'::jsonb,
  'old values hold what they replaced');
SELECT is((SELECT actor_user_id FROM last_event), tests.recall('sales'), 'the actor is the token''s user');
SELECT is((SELECT actor_role FROM last_event), 'app_user', 'with the token''s role');
SELECT is((SELECT organization_id FROM last_event), tests.recall('a'), 'in the tenant');
SELECT is((SELECT request_id FROM last_event), 'req-42', 'the request id is kept');
SELECT is((SELECT client_address FROM last_event), '10.0.0.1'::inet,
  'and the client address the nearest proxy recorded (right-most X-Forwarded-For entry)');

-- Secrets never reach the log, not even hashed: a sign-in opens a session
-- whose refresh_token_hash stays out of the event.
SELECT tests.act_as_anon();
SELECT tests.remember('signed_in', (app.login(tests.email_of(tests.recall('sales')), tests.password())).user_id);
SELECT tests.act_as_owner();
SELECT is((SELECT CASE WHEN count(*) = 0 THEN 'no session event'
                   ELSE coalesce(string_agg(DISTINCT k, ', ') FILTER (WHERE k LIKE '%\_hash'), 'no hash') END
             FROM audit.activity_log AS l, jsonb_object_keys(coalesce(l.new_values, '{}') || coalesce(l.old_values, '{}')) AS k
            WHERE l.entity_type = 'sessions' AND l.actor_user_id IS NULL
              AND (l.new_values ->> 'user_id')::uuid = tests.recall('sales')), 'no hash',
  'a session''s event carries no *_hash column');

-- Nobody changes or removes an audit row.
SELECT is(tests.refusal($$UPDATE audit.activity_log SET action = 'insert'$$), 'PT403 audit.append_only', 'the owner cannot update the log');
SELECT is(tests.refusal($$DELETE FROM audit.activity_log$$), 'PT403 audit.append_only', 'the owner cannot delete from the log');
SELECT is(tests.refusal($$TRUNCATE audit.activity_log$$), 'PT403 audit.append_only', 'the owner cannot truncate the log');
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
SELECT throws_ok($$DELETE FROM audit.activity_log$$, '42501', NULL, 'API roles cannot reach the table at all');

-- Reading it.
SELECT ok((SELECT count(*) FROM app.activity_log) > 0, 'an admin (audit.read) reads the tenant''s log');
SELECT is_empty($$SELECT 1 FROM app.activity_log WHERE organization_id IS DISTINCT FROM tests.recall('a')$$,
  'only the tenant''s own');
SELECT results_eq(
  format($$SELECT action FROM app.entity_timeline('partners', %L)$$, (SELECT id FROM globex)),
  ARRAY['insert', 'update'], 'the timeline of one partner, oldest first');
SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
SELECT is_empty('SELECT 1 FROM app.activity_log', 'a member without audit.read reads nothing');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is_empty(format($$SELECT 1 FROM app.entity_timeline('partners', %L)$$,
                       (SELECT id FROM globex)),
  'another tenant''s admin sees nothing of A''s timeline');

SELECT * FROM finish();
ROLLBACK;
