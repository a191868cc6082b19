-- The daily e-mail digest and invitation mails (23_email_digest.sql,
-- 22_email.sql): digest is a channel (in the app, and one mail a day);
-- every kind at once; the job queues one digest per person, tenant and day
-- in their time zone, listing the unread notifications of the digest kinds
-- since the last digest, grouped by kind with links, none when nothing is
-- new; the worker's begin checks it is still wanted; its one-click link
-- stops the digest. Invitations are queued as e-mail when SMTP is set up
-- (outbox only otherwise), seen by who may invite without the token, sent
-- with the token and the accept link, and not sent once closed.
BEGIN;
SELECT plan(51);

SELECT tests.remember('a', tests.create_tenant('Digest Works', '{"timezone": "Europe/Berlin"}'));
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('qa', tests.create_member(tests.recall('a'), 'qa', NULL, NULL, 'dora@digest.test'));
SELECT tests.remember('sales', tests.create_member(tests.recall('a'), 'sales'));
SELECT tests.remember('admin', tests.create_member(tests.recall('a'), 'admin'));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
UPDATE app_private.email_settings SET smtp_host = NULL, app_url = 'https://pulse.digest.test/';

-- Every kind at once, then one kind differently.
SELECT tests.act_as(tests.recall('qa'), tests.recall('a'));
SELECT is((SELECT count(*)::int FROM app.set_notification_channel('digest')),
  (SELECT count(*)::int FROM unnest(enum_range(NULL::app.notification_type))), 'set_notification_channel sets every kind');
SELECT is((SELECT channel::text FROM app.set_notification_preference('comment', 'none')), 'none', 'then a kind is changed alone');
SELECT is((SELECT count(*)::int FROM app.notification_preferences WHERE channel = 'digest'),
  (SELECT count(*)::int - 1 FROM unnest(enum_range(NULL::app.notification_type))), 'the member reads them');
SELECT is(tests.refusal($$SELECT app.set_notification_channel(NULL)$$), 'PT422 notification_preference.invalid', 'a channel is named');
SELECT tests.act_as_anon();
SELECT is(tests.refusal($$SELECT app.set_notification_channel('email')$$), '42501', 'anonymous callers set none');
SELECT tests.act_as_owner();
SELECT is(tests.refusal($$SELECT app_private.is_active_member(NULL, NULL) FROM app.set_notification_channel('email')$$),
  'PT401 session.required', 'only a signed-in member');

-- Digest: the notification stays in the app, no mail yet.
DO $$ BEGIN
  PERFORM app_private.notify(tests.recall('a'), ARRAY[tests.recall('qa'), tests.recall('sales')], 'system', 'Line 3 stopped', E'Check the press.\nNow.',
                             p_entity_type => 'ncrs', p_entity_id => '00000000-0000-7000-8000-000000000001');
  PERFORM app_private.notify(tests.recall('a'), ARRAY[tests.recall('qa')], 'approval', 'Approve ECO-7', 'Waiting for you.');
  PERFORM app_private.notify(tests.recall('a'), ARRAY[tests.recall('qa')], 'approval', 'Approve ECO-8', '');
  PERFORM app_private.notify(tests.recall('a'), ARRAY[tests.recall('qa')], 'approval', 'Already read', '');
  PERFORM app_private.notify(tests.recall('a'), ARRAY[tests.recall('qa')], 'comment', 'Nobody hears this', '');
END $$;
UPDATE app.notifications SET read_at = now() WHERE title = 'Already read';
SELECT is((SELECT count(*)::int FROM app.notifications WHERE user_id = tests.recall('qa')), 4, 'digest kinds stay in the app');
SELECT is((SELECT count(*)::int FROM app.email_deliveries), 0, 'and send nothing at once');

-- The day: the person's time zone, else the tenant's, else UTC.
SELECT is(app_private.email_time_zone(tests.recall('a'), tests.recall('qa')), 'Europe/Berlin', 'the tenant''s time zone');
UPDATE app.users SET preferences = '{"timezone": "Not/AZone"}' WHERE id = tests.recall('qa');
SELECT is(app_private.email_time_zone(tests.recall('a'), tests.recall('qa')), 'Europe/Berlin', 'a person''s unknown zone is ignored');
UPDATE app.users SET preferences = '{"timezone": "Pacific/Kiritimati"}' WHERE id = tests.recall('qa');
SELECT is(app_private.email_time_zone(tests.recall('a'), tests.recall('qa')), 'Pacific/Kiritimati', 'the person''s own zone first');
SELECT is(app_private.email_time_zone(tests.recall('b'), tests.recall('b_admin')), 'UTC', 'else UTC');

-- Not before the hour of the day, then once.
SELECT is(app_private.queue_email_digests('23:59:59.999999'), 0, 'no digest before its hour of the person''s day');
CREATE TEMP TABLE jobs_before ON COMMIT DROP AS SELECT count(*) AS n FROM graphile_worker.jobs WHERE task_identifier = 'email_send';
SELECT is(app_private.queue_email_digests('00:00'), 1, 'the job queues a digest');
SELECT is((SELECT count(*)::int FROM graphile_worker.jobs WHERE task_identifier = 'email_send') - (SELECT n FROM jobs_before)::int, 1,
  'and its email_send job');
SELECT tests.remember('d1', (SELECT id FROM app.email_deliveries WHERE category = 'digest'));
SELECT is((SELECT recipient || ' | ' || subject || ' | ' || (kind IS NULL) || ' | ' || digest_on || ' | ' || status
             FROM app.email_deliveries WHERE id = tests.recall('d1')),
  'dora@digest.test | [Digest Works] Daily digest: 3 unread notifications | true | '
  || (now() AT TIME ZONE 'Pacific/Kiritimati')::date || ' | queued',
  'to the sign-in address, counting the unread notifications, for the day in the person''s time zone');
SELECT matches((SELECT body FROM app.email_deliveries WHERE id = tests.recall('d1')),
  E'^Your unread notifications since [0-9-]+ [0-9:]+ \\(Pacific/Kiritimati\\):\n\nApproval \\(2\\)\n- [0-9-]+ [0-9:]+  Approve ECO-7\n  Waiting for you\\.\n- [0-9-]+ [0-9:]+  Approve ECO-8\n\nSystem \\(1\\)\n- [0-9-]+ [0-9:]+  Line 3 stopped\n  Check the press\\.\n  https://pulse\\.digest\\.test/ncrs/00000000-0000-7000-8000-000000000001$',
  'grouped by kind, each with its time, first line and link; read ones and other kinds left out');
SELECT is(app_private.queue_email_digests('00:00'), 0, 'running the job again the same day queues nothing');
SELECT throws_ok($$INSERT INTO app.email_deliveries (organization_id, id, user_id, category, recipient, subject, body, digest_on, covers_until)
                   SELECT organization_id, uuid_generate_v7(), user_id, 'digest', recipient, subject, body, digest_on, now()
                     FROM app.email_deliveries WHERE id = tests.recall('d1')$$, '23505', NULL,
  'one digest per person, tenant and day');
SELECT throws_like($$INSERT INTO app.email_deliveries (organization_id, id, user_id, category, kind, recipient, subject, body, digest_on, covers_until)
                   VALUES (tests.recall('a'), uuid_generate_v7(), tests.recall('qa'), 'digest', 'system', 'x@y.test', 's', 'b', '2000-01-01', now())$$,
  '%email_deliveries_kind_of_notification%', 'a digest names no kind');
SELECT throws_like($$INSERT INTO app.email_deliveries (organization_id, id, user_id, category, recipient, subject, body)
                   VALUES (tests.recall('a'), uuid_generate_v7(), tests.recall('qa'), 'digest', 'x@y.test', 's', 'b')$$,
  '%email_deliveries_digest_has_day%', 'a digest has its day');
SELECT throws_like($$INSERT INTO app.email_deliveries (organization_id, id, user_id, category, recipient, subject, body)
                   VALUES (tests.recall('a'), uuid_generate_v7(), tests.recall('qa'), 'invitation', 'x@y.test', 's', 'b')$$,
  '%email_deliveries_invitation_has_message%', 'an invitation names its outbox message');

-- The next day: only what is new since the last digest; nothing new, no mail.
UPDATE app.email_deliveries SET digest_on = digest_on - 1, covers_until = now() - interval '1 minute', status = 'sent', sent_at = now()
 WHERE id = tests.recall('d1');
UPDATE app.notifications SET created_at = now() - interval '2 minutes' WHERE user_id = tests.recall('qa');
SELECT is(app_private.queue_email_digests('00:00'), 0, 'nothing new since the last digest: no mail');
DO $$ BEGIN
  PERFORM app_private.notify(tests.recall('a'), ARRAY[tests.recall('qa')], 'document', 'Drawing D-12 released', '');
END $$;
UPDATE app.notifications SET created_at = now() - interval '30 seconds' WHERE title = 'Drawing D-12 released';
SELECT is(app_private.queue_email_digests('00:00'), 1, 'something new: the next day''s digest');
SELECT tests.remember('d2', (SELECT id FROM app.email_deliveries WHERE category = 'digest' AND status = 'queued'));
SELECT matches((SELECT subject || E'\n' || body FROM app.email_deliveries WHERE id = tests.recall('d2')),
  E'^\\[Digest Works\\] Daily digest: 1 unread notification\n.*\n\nDocument \\(1\\)\n- [0-9-]+ [0-9:]+  Drawing D-12 released$',
  'it lists only what came since the last one');

-- A member who left gets none.
UPDATE app.memberships SET status = 'revoked' WHERE organization_id = tests.recall('a') AND user_id = tests.recall('sales');
INSERT INTO app.notification_preferences (organization_id, user_id, kind, channel) VALUES (tests.recall('a'), tests.recall('sales'), 'system', 'digest');
SELECT is(app_private.queue_email_digests('00:00'), 0, 'no digest to a member who is not active');

-- The worker sends it with the digest's one-click link.
UPDATE app_private.email_settings SET smtp_host = 'smtp.digest.test', smtp_port = 2525, smtp_security = 'none',
       unsubscribe_url = 'https://pulse.digest.test/unsubscribe?token={token}';
CREATE TEMP TABLE begun ON COMMIT DROP AS SELECT app_private.email_send_begin(tests.recall('a'), tests.recall('d2')) AS m;
SELECT is((SELECT m #>> '{message,to}' FROM begun), 'dora@digest.test', 'the worker gets the digest');
SELECT ok((SELECT m #>> '{message,text}' FROM begun) LIKE E'Your unread notifications since %Drawing D-12 released\n\n-- \nYou get this because you chose a daily digest for some notifications.\nUnsubscribe with one click: https://pulse.digest.test/unsubscribe?token=v1.%.digest.%',
  'its text ends with the digest''s unsubscribe link');
SELECT is((SELECT m #>> '{message,headers,X-Pulse-Mail-Category}' FROM begun), 'digest', 'and says what it is');
SELECT is((SELECT m #>> '{message,headers,List-Unsubscribe}' FROM begun),
  '<https://pulse.digest.test/unsubscribe?token=' || app_private.digest_unsubscribe_token(tests.recall('a'), tests.recall('qa')) || '>',
  'with the one-click headers');
SELECT is(app_private.email_send_finish(tests.recall('a'), tests.recall('d2'), true, '<d2@test>', '250 OK', false)::text, 'sent', 'sent');

-- Its one-click link stops the digest: digest kinds stay in the app only.
UPDATE app.email_deliveries SET status = 'queued', sent_at = NULL WHERE id = tests.recall('d2');
SELECT set_config('test.digest_token', app_private.digest_unsubscribe_token(tests.recall('a'), tests.recall('qa')), true);
SELECT tests.act_as_anon();
SELECT is(tests.refusal($$SELECT app.unsubscribe_email(regexp_replace(current_setting('test.digest_token'), '.$', 'x'))$$),
  'PT404 unsubscribe.token_invalid', 'an altered digest link is refused');
SELECT is((app.unsubscribe_email(current_setting('test.digest_token'))).channel::text, 'in_app',
  'the digest''s link, anonymously');
SELECT tests.act_as_owner();
SELECT is((SELECT string_agg(DISTINCT channel::text, ',') FROM app.notification_preferences
            WHERE organization_id = tests.recall('a') AND user_id = tests.recall('qa') AND kind <> 'comment'), 'in_app',
  'every digest kind is now in the app only');
SELECT is((SELECT status || ' ' || error_code FROM app.email_deliveries WHERE id = tests.recall('d2')), 'cancelled email.unsubscribed',
  'and the digest still queued is not sent');
UPDATE app.email_deliveries SET status = 'queued', error_code = NULL WHERE id = tests.recall('d2');
SELECT is(app_private.email_send_begin(tests.recall('a'), tests.recall('d2')), NULL, 'the worker sends no digest nobody wants');
SELECT is((SELECT error_code FROM app.email_deliveries WHERE id = tests.recall('d2')), 'email.unsubscribed', 'and says why');

-- Invitations: without SMTP, the outbox only (as before); with it, a delivery too.
UPDATE app_private.email_settings SET smtp_host = NULL;
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
SELECT lives_ok($$SELECT app.add_member('offline@digest.test', 'Offline')$$, 'an admin invites without SMTP');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.email_deliveries WHERE recipient = 'offline@digest.test'), 0,
  'without SMTP the invitation is only in the outbox');
UPDATE app_private.email_settings SET smtp_host = 'smtp.digest.test';
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
SELECT lives_ok($$SELECT app.add_member('ivy@digest.test', 'Ivy')$$, 'an admin invites with SMTP');
SELECT is((SELECT category || ' ' || status FROM app.email_deliveries WHERE recipient = 'ivy@digest.test'), 'invitation queued',
  'who may invite sees the invitation''s delivery');
SELECT tests.act_as(tests.create_member(tests.recall('a'), 'qa'), tests.recall('a'));
SELECT is_empty($$SELECT FROM app.email_deliveries WHERE category = 'invitation'$$, 'a member who may not invite sees none');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is_empty($$SELECT FROM app.email_deliveries WHERE category = 'invitation'$$, 'nor does another tenant''s admin');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.email_deliveries WHERE recipient = 'ivy@digest.test'
             AND strpos(body, (SELECT payload ->> 'token' FROM app_private.outbox WHERE recipient = 'ivy@digest.test')) > 0), 0,
  'the delivery never holds its token');
SELECT tests.remember('inv', (SELECT id FROM app.email_deliveries WHERE recipient = 'ivy@digest.test'));
CREATE TEMP TABLE invited ON COMMIT DROP AS SELECT app_private.email_send_begin(tests.recall('a'), tests.recall('inv')) AS m;
SELECT ok((SELECT m #>> '{message,text}' FROM invited) LIKE '%' || (SELECT payload ->> 'token' FROM app_private.outbox WHERE recipient = 'ivy@digest.test')
          || E'%\n\nOr accept it here: https://pulse.digest.test/accept-invitation?token='
          || (SELECT payload ->> 'token' FROM app_private.outbox WHERE recipient = 'ivy@digest.test') || E'\n',
  'the mail holds the token and the accept link');
SELECT ok((SELECT NOT (m -> 'message' -> 'headers') ? 'List-Unsubscribe' FROM invited), 'an invitation has no unsubscribe link');
SELECT is(app_private.email_send_finish(tests.recall('a'), tests.recall('inv'), true, '<inv@test>', '250 OK', false)::text, 'sent', 'sent');
SELECT isnt((SELECT sent_at FROM app_private.outbox WHERE recipient = 'ivy@digest.test'), NULL, 'and no longer pending in the outbox');

-- Invited again: the first (queued) is replaced; accepted: nothing more goes.
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
SELECT lives_ok($$SELECT app.add_member('ivy@digest.test', 'Ivy'), app.add_member('ivy@digest.test', 'Ivy')$$, 'invited twice more');
SELECT tests.act_as_owner();
SELECT is((SELECT string_agg(status || coalesce(' ' || error_code, ''), ', ' ORDER BY created_at, id) FROM app.email_deliveries
            WHERE recipient = 'ivy@digest.test'), 'sent, cancelled email.invitation_closed, queued', 'only the latest invitation is sent');
UPDATE app.memberships SET status = 'active' WHERE user_id = (SELECT id FROM app.users WHERE email = 'ivy@digest.test');
SELECT is(app_private.email_send_begin(tests.recall('a'), (SELECT id FROM app.email_deliveries WHERE recipient = 'ivy@digest.test' AND status = 'queued')),
  NULL, 'an invitation no longer open is not sent');

SELECT * FROM finish();
ROLLBACK;
