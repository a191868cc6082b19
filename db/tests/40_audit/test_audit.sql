-- The activity log: written for every change, readable with audit.read,
-- and immutable for everybody, the table owner included.
BEGIN;
SELECT plan(24);

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

-- Updates and deletes are audited once per statement from its transition
-- tables: one event per changed row, each with its own row's values (old
-- and new paired by the primary key; a changed key is a delete and an
-- insert), a row the statement left as it was not
-- recorded, and a deleted row's event with the whole row.
SELECT is((SELECT string_agg(DISTINCT t.tgname || ' ' || CASE WHEN t.tgtype & 1 = 1 THEN 'row' ELSE 'statement' END, ', '
                             ORDER BY t.tgname || ' ' || CASE WHEN t.tgtype & 1 = 1 THEN 'row' ELSE 'statement' END)
             FROM pg_trigger AS t JOIN pg_proc AS p ON p.oid = t.tgfoid
            WHERE p.pronamespace = 'audit'::regnamespace AND p.proname = 'tg__record_change'
              AND t.tgrelid IN (SELECT ('app.' || quote_ident(a.table_name))::regclass FROM audit.audited_tables() AS a)),
  '_800_audit statement, _802_audit_deletes statement',
  'updates and deletes are audited once per statement, on every audited table');
INSERT INTO app.partners (organization_id, kind, code, name)
SELECT tests.recall('a'), 'customer', 'C-BULK-' || n, 'Bulk ' || n FROM generate_series(1, 4) AS n;
UPDATE app.partners SET name = CASE WHEN code = 'C-BULK-4' THEN name ELSE 'Renamed ' || substr(code, 8) END
 WHERE code LIKE 'C-BULK-%';
SELECT is((SELECT string_agg(p.code || ': ' || (l.old_values ->> 'name') || ' > ' || (l.new_values ->> 'name'), '; ' ORDER BY p.code)
             FROM audit.activity_log AS l JOIN app.partners AS p ON p.id::text = l.entity_id
            WHERE l.entity_type = 'partners' AND l.action = 'update' AND p.code LIKE 'C-BULK-%'),
  'C-BULK-1: Bulk 1 > Renamed 1; C-BULK-2: Bulk 2 > Renamed 2; C-BULK-3: Bulk 3 > Renamed 3',
  'a multi-row update writes one event per changed row, each with its own old and new values; the unchanged row none');
SELECT is((SELECT count(DISTINCT l.project_id IS NULL AND l.organization_id = tests.recall('a'))::int
             FROM audit.activity_log AS l JOIN app.partners AS p ON p.id::text = l.entity_id
            WHERE l.entity_type = 'partners' AND l.action = 'update' AND p.code LIKE 'C-BULK-%'), 1,
  'each event in the row''s tenant');
CREATE TEMP TABLE bulk_ids ON COMMIT DROP AS SELECT id::text AS id, code FROM app.partners WHERE code LIKE 'C-BULK-%';
DELETE FROM app.partners WHERE code IN ('C-BULK-1', 'C-BULK-4');
SELECT is((SELECT string_agg((l.old_values ->> 'code') || ' ' || (l.old_values ->> 'name') || ' ' || (l.new_values IS NULL)::text,
                             '; ' ORDER BY l.old_values ->> 'code')
             FROM audit.activity_log AS l JOIN bulk_ids AS b ON b.id = l.entity_id
            WHERE l.entity_type = 'partners' AND l.action = 'delete'),
  'C-BULK-1 Renamed 1 true; C-BULK-4 Bulk 4 true', 'a multi-row delete writes one event per row, with the whole row');
UPDATE app.partners SET id = '00000000-0000-4000-8000-00000000b0b2' WHERE code = 'C-BULK-2';
SELECT is((SELECT string_agg(l.action || ' ' || (coalesce(l.old_values, l.new_values) ->> 'name'), ', ' ORDER BY l.action::text)
             FROM audit.activity_log AS l
            WHERE l.entity_type = 'partners'
              AND (l.entity_id = '00000000-0000-4000-8000-00000000b0b2'
                   OR (l.action = 'delete' AND l.entity_id = (SELECT id FROM bulk_ids WHERE code = 'C-BULK-2')))),
  'delete Renamed 2, insert Renamed 2', 'a changed primary key is the old key''s delete and the new key''s insert');
UPDATE app.partners SET updated_at = now() + interval '1 minute' WHERE code LIKE 'C-BULK-%';
SELECT is((SELECT count(*)::int FROM audit.activity_log AS l JOIN bulk_ids AS b ON b.id = l.entity_id
            WHERE l.entity_type = 'partners' AND l.action = 'update'), 3,
  'a statement that only bumps updated_at writes no event');

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
