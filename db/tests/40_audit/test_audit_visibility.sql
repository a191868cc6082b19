-- Reading the activity log never shows what the changed row's own policy
-- hides: direct messages, other people's sessions, rows of tables the
-- reader may not read, columns the reader may not select.
BEGIN;
SELECT plan(24);

-- Tenant A: an admin, qa, management, sales, an auditor, production, a
-- portal user and a site; a project with a direct message (sales to
-- management) and a message to the team. Tenant B: an auditor. An operator.
SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('customer', tests.create_partner(tests.recall('a')));
SELECT tests.remember('site', tests.create_site(tests.recall('a')));
SELECT tests.remember('admin', tests.create_member(tests.recall('a'), 'admin'));
SELECT tests.remember('qa', tests.create_member(tests.recall('a'), 'qa'));
SELECT tests.remember('management', tests.create_member(tests.recall('a'), 'management'));
SELECT tests.remember('sales', tests.create_member(tests.recall('a'), 'sales'));
SELECT tests.remember('auditor', tests.create_member(tests.recall('a'), 'auditor'));
SELECT tests.remember('production', tests.create_member(tests.recall('a'), 'production'));
SELECT tests.remember('portal', tests.create_member(tests.recall('a'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('b_auditor', tests.create_member(tests.recall('b'), 'auditor'));
SELECT tests.remember('operator', tests.create_operator());
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
WITH p AS (INSERT INTO app.projects (title) VALUES ('Audited project') RETURNING id)
SELECT tests.remember('project', id) FROM p;
SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
INSERT INTO app.messages (project_id, recipient_id, content)
VALUES (tests.recall('project'), tests.recall('management'), 'Between the two of us');
INSERT INTO app.messages (project_id, content) VALUES (tests.recall('project'), 'For the whole team');

-- Sessions of two colleagues (both audit readers) and of an auditor.
SELECT tests.act_as_anon();
SELECT tests.remember('qa_session', (app.login(tests.email_of(tests.recall('qa')), tests.password(), tests.recall('a'))).user_id);
SELECT tests.remember('management_session', (app.login(tests.email_of(tests.recall('management')), tests.password(), tests.recall('a'))).user_id);

-- A role holding only audit.read, given to production (no partner.read).
SELECT tests.act_as_owner();
INSERT INTO app.roles (organization_id, key, name)
VALUES (tests.recall('a'), 'log_reader', 'Log reader');
INSERT INTO app.role_permissions (organization_id, role_id, permission)
SELECT organization_id, id, 'audit.read' FROM app.roles
 WHERE organization_id = tests.recall('a') AND key = 'log_reader';
SELECT tests.grant_role(tests.recall('a'), tests.recall('production'), 'log_reader');

-- A partner created and deleted again.
SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
INSERT INTO app.partners (kind, code, name) VALUES ('customer', 'C-GONE', 'Gone Ltd.');
SELECT tests.remember('gone', (SELECT id FROM app.partners WHERE code = 'C-GONE'));
DELETE FROM app.partners WHERE code = 'C-GONE';
SELECT tests.act_as_owner();

CREATE TEMP TABLE audit_direct_message ON COMMIT DROP AS
SELECT entity_id, project_id FROM audit.activity_log
 WHERE organization_id = tests.recall('a') AND entity_type = 'messages'
   AND new_values ->> 'recipient_id' IS NOT NULL;
GRANT SELECT ON audit_direct_message TO PUBLIC;
CREATE TEMP VIEW direct_message_events WITH (security_invoker = true) AS
SELECT * FROM app.activity_log
 WHERE entity_type = 'messages' AND coalesce(new_values, old_values) ->> 'recipient_id' IS NOT NULL;
GRANT SELECT ON direct_message_events TO PUBLIC;
CREATE TEMP VIEW session_events WITH (security_invoker = true) AS
SELECT new_values ->> 'user_id' AS user_id FROM app.activity_log WHERE entity_type = 'sessions' AND action = 'insert';
GRANT SELECT ON session_events TO PUBLIC;

-- qa: the reproduction.
SELECT tests.act_as(tests.recall('qa'), tests.recall('a'));
SELECT is_empty('SELECT 1 FROM app.messages WHERE recipient_id IS NOT NULL', 'qa reads no direct message of others');
SELECT is_empty('SELECT 1 FROM direct_message_events', 'nor its content through the activity log');
SELECT ok((SELECT count(*) FROM app.activity_log WHERE entity_type = 'messages') > 0,
  'qa still reads the events of the project messages meant for everyone');
SELECT is_empty($$SELECT 1 FROM app.entity_timeline('messages', (SELECT entity_id FROM audit_direct_message))$$,
  'nor through entity_timeline');
SELECT is_empty($$SELECT 1 FROM app.project_timeline((SELECT project_id FROM audit_direct_message))
                   WHERE entity_type = 'messages' AND new_values ->> 'recipient_id' IS NOT NULL$$,
  'nor through project_timeline');
SELECT results_eq('SELECT DISTINCT user_id::uuid FROM session_events',
  ARRAY[tests.recall('qa')], 'qa reads the events of their own sessions only');
SELECT ok((SELECT count(*) FROM app.activity_log WHERE entity_type = 'partners' AND entity_id = tests.recall('gone')::text) = 2,
  'an audit reader with partner.read reads the history of a deleted partner');

-- The recipient and the sender read their direct message's events.
SELECT tests.act_as(tests.recall('management'), tests.recall('a'));
SELECT isnt_empty('SELECT 1 FROM direct_message_events', 'the recipient reads the direct message''s events');
SELECT results_eq('SELECT DISTINCT user_id::uuid FROM session_events',
  ARRAY[tests.recall('management')], 'management reads their own sessions'' events only');

-- An admin and an auditor hold audit.read but are no participants.
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
SELECT is_empty('SELECT 1 FROM direct_message_events', 'an admin reads no direct message of others in the log');
SELECT is_empty('SELECT 1 FROM session_events', 'nor anybody else''s sessions');
SELECT tests.act_as(tests.recall('auditor'), tests.recall('a'));
SELECT is_empty('SELECT 1 FROM direct_message_events', 'an auditor reads no direct message of others in the log');
SELECT is_empty('SELECT 1 FROM session_events', 'nor anybody else''s sessions');
SELECT isnt_empty($$SELECT 1 FROM app.activity_log WHERE entity_type IN ('projects', 'approvals', 'partners')$$,
  'but the project and partner history they may read');

-- audit.read alone opens only what the reader may read anyway.
SELECT tests.act_as(tests.recall('production'), tests.recall('a'));
SELECT is_empty($$SELECT 1 FROM app.activity_log WHERE entity_type IN ('partners', 'contacts')$$,
  'audit.read without partner.read: no partner events');
SELECT is_empty(format($$SELECT 1 FROM app.activity_log WHERE entity_id = %L$$, tests.recall('gone')),
  'not even of a deleted partner');
SELECT isnt_empty($$SELECT 1 FROM app.activity_log WHERE entity_type = 'memberships'$$,
  'the membership events every colleague may read');

-- Portal users and other tenants read nothing.
SELECT tests.act_as_owner();
SELECT tests.grant_role(tests.recall('a'), tests.recall('portal'), 'log_reader');
SELECT tests.act_as(tests.recall('portal'), tests.recall('a'));
SELECT is_empty('SELECT 1 FROM app.activity_log', 'a portal user holding audit.read reads nothing');
SELECT tests.act_as(tests.recall('b_auditor'), tests.recall('b'));
SELECT is_empty($$SELECT 1 FROM app.activity_log WHERE organization_id = tests.recall('a')$$,
  'another tenant''s auditor reads nothing of A');
SELECT is_empty('SELECT 1 FROM session_events WHERE user_id::uuid <> tests.recall(''b_auditor'')',
  'nor anybody''s sessions');

-- Columns the reader may not select are cut from the values.
SELECT tests.act_as_owner();
REVOKE SELECT ON app.sites FROM app_user;
GRANT SELECT (organization_id, id, code, timezone, is_active, created_at, updated_at) ON app.sites TO app_user;
SELECT tests.act_as(tests.recall('qa'), tests.recall('a'));
SELECT is_empty($$SELECT 1 FROM app.activity_log WHERE entity_type = 'sites' AND (new_values ? 'name' OR old_values ? 'name')$$,
  'a column the reader may not select is left out of old and new values');
SELECT isnt_empty($$SELECT 1 FROM app.activity_log WHERE entity_type = 'sites' AND new_values ? 'code'$$,
  'the columns they may select stay');

-- Platform operators read every event.
SELECT tests.act_as(tests.recall('operator'));
SELECT isnt_empty('SELECT 1 FROM direct_message_events', 'a platform operator reads every event');
SELECT is((SELECT count(DISTINCT user_id)::int FROM session_events
            WHERE user_id::uuid IN (tests.recall('qa'), tests.recall('management'))), 2,
  'sessions included');

SELECT * FROM finish();
ROLLBACK;
