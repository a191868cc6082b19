-- E-mail notifications: preferences per person, tenant and kind route each
-- notification (in_app by default, email, both, none); an e-mail becomes a
-- delivery and an email_send job in the same transaction, only to an active
-- member; the worker's begin/finish record attempts and the SMTP server's
-- answer; a recipient who left or unsubscribed gets nothing; the one-click
-- unsubscribe token works anonymously and cannot be forged; each person
-- reads only their own preferences and deliveries; retention.
BEGIN;
SELECT plan(52);

SELECT tests.remember('a', tests.create_tenant('Acme Mail'));
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('qa', tests.create_member(tests.recall('a'), 'qa', NULL, NULL, 'quinn@acme.test'));
SELECT tests.remember('sales', tests.create_member(tests.recall('a'), 'sales'));
SELECT tests.remember('b_qa', tests.create_member(tests.recall('b'), 'qa'));
CREATE TEMP TABLE sent_before ON COMMIT DROP AS SELECT count(*) AS n FROM graphile_worker.jobs WHERE task_identifier = 'email_send';

-- The default: in the app only.
DO $$ BEGIN
  PERFORM app_private.notify(tests.recall('a'), ARRAY[tests.recall('qa')], 'system', 'Default', 'In the app');
END $$;
SELECT is((SELECT count(*)::int FROM app.notifications WHERE user_id = tests.recall('qa') AND title = 'Default'), 1,
  'without a preference a notification is in the app');
SELECT is((SELECT count(*)::int FROM app.email_deliveries), 0, 'and no e-mail');

-- Preferences: set by RPC, each person's own.
SELECT tests.act_as(tests.recall('qa'), tests.recall('a'));
SELECT is((SELECT channel::text FROM app.set_notification_preference('approval', 'email')), 'email', 'a member sets a preference');
SELECT is((SELECT channel::text FROM app.set_notification_preference('approval', 'both')), 'both', 'and changes it');
SELECT is((app.set_notification_preference('system', 'email')).user_id, tests.recall('qa'), 'for themselves');
SELECT lives_ok($$SELECT app.set_notification_preference('comment', 'none')$$, 'none is a choice too');
SELECT is(tests.refusal($$SELECT app.set_notification_preference('comment', NULL)$$), 'PT422 notification_preference.invalid',
  'a channel is named');
SELECT is((SELECT string_agg(kind || '=' || channel, ',' ORDER BY kind) FROM app.notification_preferences), 'approval=both,system=email,comment=none',
  'the member reads their preferences');
SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
SELECT is_empty($$SELECT FROM app.notification_preferences$$, 'a colleague reads none of them');
SELECT tests.act_as(tests.recall('b_qa'), tests.recall('b'));
SELECT is_empty($$SELECT FROM app.notification_preferences$$, 'nor does another tenant');
SELECT is(tests.refusal($$INSERT INTO app.notification_preferences (organization_id, user_id, kind, channel)
                          VALUES (tests.recall('a'), tests.recall('qa'), 'message', 'none')$$), '42501',
  'preferences are written only by the RPC (for oneself)');
SELECT tests.act_as_anon();
SELECT is(tests.refusal($$SELECT app.set_notification_preference('system', 'email')$$), '42501', 'anonymous callers set none');
SELECT tests.act_as_owner();

-- Routing: email only (no in-app row), both, none.
DO $$ BEGIN
  PERFORM app_private.notify(tests.recall('a'), ARRAY[tests.recall('qa'), tests.recall('sales')], 'system', 'Line 3 stopped', 'Check the press.',
                             p_entity_type => 'ncrs', p_entity_id => '00000000-0000-7000-8000-000000000001');
  PERFORM app_private.notify(tests.recall('a'), ARRAY[tests.recall('qa')], 'approval', 'Approve ECO-7', 'Waiting for you.');
  PERFORM app_private.notify(tests.recall('a'), ARRAY[tests.recall('qa')], 'comment', 'Mentioned', 'Nobody hears this.');
END $$;
SELECT is((SELECT count(*)::int FROM app.notifications WHERE user_id = tests.recall('qa') AND title = 'Line 3 stopped'), 0,
  'email only: no in-app notification is kept');
SELECT is((SELECT count(*)::int FROM app.notifications WHERE user_id = tests.recall('sales') AND title = 'Line 3 stopped'), 1,
  'a colleague without a preference gets theirs in the app');
SELECT is((SELECT recipient || ' | ' || subject || ' | ' || body || ' | ' || action_url || ' | ' || status || ' | ' || (notification_id IS NULL)
             FROM app.email_deliveries WHERE kind = 'system'),
  'quinn@acme.test | [Acme Mail] Line 3 stopped | ' || E'Line 3 stopped\n\nCheck the press.' || ' | /ncrs/00000000-0000-7000-8000-000000000001 | queued | true',
  'an e-mail is queued to the sign-in address: subject [tenant] title, the text, the link');
SELECT is((SELECT count(*)::int FROM app.notifications WHERE user_id = tests.recall('qa') AND title = 'Approve ECO-7'), 1,
  'both: the in-app notification is kept');
SELECT is((SELECT notification_id FROM app.email_deliveries WHERE kind = 'approval'),
  (SELECT id FROM app.notifications WHERE user_id = tests.recall('qa') AND title = 'Approve ECO-7'), 'and the e-mail names it');
SELECT is((SELECT count(*)::int FROM app.notifications WHERE title = 'Mentioned') + (SELECT count(*)::int FROM app.email_deliveries WHERE kind = 'comment'),
  0, 'none: neither');
SELECT is((SELECT count(*)::int FROM graphile_worker.jobs WHERE task_identifier = 'email_send') - (SELECT n FROM sent_before)::int, 2,
  'each e-mail is a job for the worker, queued in the notification''s transaction');
SELECT tests.remember('d_system', (SELECT id FROM app.email_deliveries WHERE kind = 'system'));
SELECT tests.remember('d_approval', (SELECT id FROM app.email_deliveries WHERE kind = 'approval'));
SELECT is((SELECT count(*)::int FROM graphile_worker.jobs WHERE key = 'email_send:' || tests.recall('d_system')), 1, 'keyed by its delivery');

-- The worker: no SMTP server yet.
SELECT is(app_private.email_send_begin(tests.recall('a'), tests.recall('d_system')), NULL, 'nothing to send without an SMTP server');
SELECT is((SELECT status || ' ' || error_code || ' ' || attempts FROM app.email_deliveries WHERE id = tests.recall('d_system')),
  'failed email.not_configured 1', 'the delivery fails with its reason');
UPDATE app.email_deliveries SET status = 'queued', error_code = NULL WHERE id = tests.recall('d_system');
UPDATE app_private.email_settings SET smtp_host = 'smtp.acme.test', smtp_port = 2525, smtp_security = 'none',
       from_address = 'Pulse <pulse@acme.test>', app_url = 'https://pulse.acme.test/',
       unsubscribe_url = 'https://pulse.acme.test/unsubscribe?token={token}';
CREATE TEMP TABLE begun ON COMMIT DROP AS SELECT app_private.email_send_begin(tests.recall('a'), tests.recall('d_system')) AS m;
SELECT is((SELECT m -> 'smtp' FROM begun), '{"host": "smtp.acme.test", "port": 2525, "security": "none", "username": null, "password": null}',
  'the worker gets the SMTP settings');
SELECT is((SELECT m #>> '{message,from}' || ' -> ' || (m #>> '{message,to}') || ': ' || (m #>> '{message,subject}') FROM begun),
  'Pulse <pulse@acme.test> -> quinn@acme.test: [Acme Mail] Line 3 stopped', 'from, to and subject');
SELECT is((SELECT m #>> '{message,text}' FROM begun),
  E'Line 3 stopped\n\nCheck the press.\n\nOpen it: https://pulse.acme.test/ncrs/00000000-0000-7000-8000-000000000001\n\n-- \n'
  || E'You get this because of your notification preferences for "system" notifications.\nUnsubscribe with one click: https://pulse.acme.test/unsubscribe?token='
  || app_private.unsubscribe_token(tests.recall('a'), tests.recall('qa'), 'system') || E'\n',
  'the text: the notification, its link in the app, the unsubscribe link');
SELECT is((SELECT m #> '{message,headers}' FROM begun) - 'X-Pulse-Delivery-Id',
  jsonb_build_object('List-Unsubscribe', '<https://pulse.acme.test/unsubscribe?token=' || app_private.unsubscribe_token(tests.recall('a'), tests.recall('qa'), 'system') || '>',
                     'List-Unsubscribe-Post', 'List-Unsubscribe=One-Click', 'Auto-Submitted', 'auto-generated', 'X-Pulse-Notification-Kind', 'system', 'X-Pulse-Mail-Category', 'notification'),
  'one-click unsubscribe headers (RFC 8058), marked auto-generated');
SELECT is((SELECT status || ' ' || attempts FROM app.email_deliveries WHERE id = tests.recall('d_system')), 'sending 2', 'an attempt is counted');
SELECT is(app_private.email_send_finish(tests.recall('a'), tests.recall('d_system'), false, NULL, '421 4.7.0 try again later', false), 'queued',
  'a temporary refusal waits for the retry');
SELECT is((SELECT error_code || ' | ' || server_response FROM app.email_deliveries WHERE id = tests.recall('d_system')),
  'email.smtp_failed | 421 4.7.0 try again later', 'with the server''s answer');
SELECT isnt(app_private.email_send_begin(tests.recall('a'), tests.recall('d_system')), NULL, 'the retry sends it');
SELECT is(app_private.email_send_finish(tests.recall('a'), tests.recall('d_system'), true, '<m1@acme.test>', '250 2.0.0 Ok: queued', false), 'sent',
  'accepted: sent');
SELECT is((SELECT status || ' ' || message_id || ' ' || server_response || ' ' || (sent_at IS NOT NULL) || ' ' || attempts || ' ' || coalesce(error_code, '-')
             FROM app.email_deliveries WHERE id = tests.recall('d_system')),
  'sent <m1@acme.test> 250 2.0.0 Ok: queued true 3 -', 'the delivery log: sent, message id, the server''s answer, attempts');
SELECT is(app_private.email_send_begin(tests.recall('a'), tests.recall('d_system')), NULL, 'a sent e-mail is not sent again');
SELECT isnt(app_private.email_send_begin(tests.recall('a'), tests.recall('d_approval')), NULL, 'another one');
SELECT is(app_private.email_send_finish(tests.recall('a'), tests.recall('d_approval'), false, NULL, '550 5.1.1 <quinn@acme.test>: no such user', true),
  'failed', 'a permanent refusal fails it');
SELECT is((SELECT error_code FROM app.email_deliveries WHERE id = tests.recall('d_approval')), 'email.smtp_refused', 'as refused');

-- Who reads the delivery log.
SELECT tests.act_as(tests.recall('qa'), tests.recall('a'));
SELECT is((SELECT count(*)::int FROM app.email_deliveries), 2, 'the recipient reads their deliveries');
SELECT is(tests.refusal($$UPDATE app.email_deliveries SET status = 'sent'$$), '42501', 'and writes none');
SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
SELECT is_empty($$SELECT FROM app.email_deliveries$$, 'a colleague reads none');
SELECT tests.act_as(tests.recall('b_qa'), tests.recall('b'));
SELECT is_empty($$SELECT FROM app.email_deliveries$$, 'nor does another tenant');
SELECT tests.act_as(tests.create_operator());
SELECT is((SELECT count(*)::int FROM app.email_deliveries WHERE organization_id = tests.recall('a')), 2, 'a platform operator reads them');
SELECT tests.act_as_owner();

-- Nobody e-mails someone who left: at queueing, and when the worker comes.
DO $$ BEGIN
  PERFORM app_private.notify(tests.recall('a'), ARRAY[tests.recall('qa')], 'system', 'Queued before leaving', '');
END $$;
SELECT tests.remember('d_left', (SELECT id FROM app.email_deliveries WHERE subject LIKE '%Queued before leaving'));
UPDATE app.memberships SET status = 'revoked' WHERE organization_id = tests.recall('a') AND user_id = tests.recall('qa');
SELECT is(app_private.email_send_begin(tests.recall('a'), tests.recall('d_left')), NULL, 'the worker sends nothing to someone who left');
SELECT is((SELECT status || ' ' || error_code FROM app.email_deliveries WHERE id = tests.recall('d_left')), 'cancelled email.recipient_left',
  'the delivery is cancelled with the reason');
INSERT INTO app.notifications (organization_id, user_id, type, title) VALUES (tests.recall('a'), tests.recall('qa'), 'system', 'After leaving');
SELECT is((SELECT count(*)::int FROM app.email_deliveries WHERE subject LIKE '%After leaving'), 0, 'and queues none for them');
UPDATE app.memberships SET status = 'active' WHERE organization_id = tests.recall('a') AND user_id = tests.recall('qa');

-- One-click unsubscribe, anonymously.
-- (Revoking the membership dropped the roles notify_readers asks for: a domain's own insert.)
INSERT INTO app.notifications (organization_id, user_id, type, title) VALUES (tests.recall('a'), tests.recall('qa'), 'approval', 'Still queued');
SELECT is((SELECT status::text FROM app.email_deliveries WHERE subject LIKE '%Still queued'), 'queued', 'a member back in the tenant is e-mailed again');
CREATE TEMP TABLE tokens ON COMMIT DROP AS
SELECT k AS kind, app_private.unsubscribe_token(tests.recall('a'), tests.recall('qa'), k) AS token
  FROM unnest(ARRAY['approval', 'system']::app.notification_type[]) AS k;
GRANT SELECT ON tokens TO anon;
SELECT tests.act_as_anon();
SELECT is(tests.refusal(format($$SELECT app.unsubscribe_email(%L)$$,
            regexp_replace((SELECT token FROM tokens WHERE kind = 'approval'), '\.[0-9a-f]{64}$', '.' || repeat('0', 64)))),
  'PT404 unsubscribe.token_invalid', 'a forged signature is refused');
SELECT is(tests.refusal(format($$SELECT app.unsubscribe_email(%L)$$,
            replace((SELECT token FROM tokens WHERE kind = 'approval'), '.approval.', '.system.'))),
  'PT404 unsubscribe.token_invalid', 'a token of one kind does not unsubscribe from another');
SELECT is(tests.refusal($$SELECT app.unsubscribe_email('nonsense')$$), 'PT404 unsubscribe.token_invalid', 'nor does nonsense');
SELECT is((SELECT channel::text FROM app.unsubscribe_email((SELECT token FROM tokens WHERE kind = 'approval'))), 'in_app',
  'the link turns both into in_app, with no session');
SELECT is((SELECT channel::text FROM app.unsubscribe_email((SELECT token FROM tokens WHERE kind = 'system'))), 'none',
  'and email into none');
SELECT tests.act_as_owner();
SELECT is((SELECT status || ' ' || error_code FROM app.email_deliveries WHERE subject LIKE '%Still queued'), 'cancelled email.unsubscribed',
  'what was still queued of that kind is not sent');

-- Retention: settled deliveries go after 90 days.
UPDATE app.email_deliveries SET created_at = now() - interval '91 days' WHERE id IN (tests.recall('d_system'), tests.recall('d_approval'));
SELECT is(app_private.purge_email_deliveries(), 2, 'settled deliveries past the retention are deleted');

SELECT * FROM finish();
ROLLBACK;
