-- Notifications: people mark only their own read (app.mark_notification_read).
BEGIN;
SELECT plan(7);

SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('qa', tests.create_member(tests.recall('a'), 'qa'));
SELECT tests.remember('sales', tests.create_member(tests.recall('a'), 'sales'));
SELECT tests.remember('b_qa', tests.create_member(tests.recall('b'), 'qa'));
DO $$ BEGIN
  PERFORM app_private.notify(tests.recall('a'), ARRAY[tests.recall('qa'), tests.recall('sales')], 'system', 'Hello', 'A test');
END $$;
SELECT tests.remember('for_qa', (SELECT id FROM app.notifications WHERE user_id = tests.recall('qa')));
SELECT tests.remember('for_sales', (SELECT id FROM app.notifications WHERE user_id = tests.recall('sales')));

SELECT tests.act_as(tests.recall('qa'), tests.recall('a'));
SELECT is((app.mark_notification_read(tests.recall('for_qa'))).id, tests.recall('for_qa'),
  'marking one of your notifications read returns it');
SELECT is((SELECT read_at FROM app.notifications WHERE id = tests.recall('for_qa')), now(),
  'read at the server''s time');
SELECT is(tests.refusal($$SELECT app.mark_notification_read(tests.recall('for_sales'))$$), 'PT404 notification.not_found',
  'a colleague''s notification is not yours to mark');
SELECT is(tests.refusal($$SELECT app.mark_notification_read(gen_random_uuid())$$), 'PT404 notification.not_found',
  'nor is an unknown one');

SELECT tests.act_as(tests.recall('b_qa'), tests.recall('b'));
SELECT is(tests.refusal($$SELECT app.mark_notification_read(tests.recall('for_sales'))$$), 'PT404 notification.not_found',
  'nor another tenant''s');

SELECT tests.act_as_owner();
SELECT is((SELECT read_at FROM app.notifications WHERE id = tests.recall('for_sales')), NULL,
  'the colleague''s notification stays unread');
SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
SELECT is((app.mark_notification_read(tests.recall('for_sales'))).read_at, now(), 'until its owner marks it');

SELECT * FROM finish();
ROLLBACK;
