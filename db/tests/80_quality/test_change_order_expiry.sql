-- An ECO approval that expires undecided (the job expire-approvals) sends
-- the change order back to draft by its machine's transition submitted ->
-- draft (guard approval_decided expired), and tells its author and
-- submitter; the owner edits and submits it again. Nobody takes that way
-- back by hand while the approval is open. A tenant whose published machine
-- predates the transition gets it as a new version (its change orders move
-- onto it); until then an expiry leaves the ECO submitted and says so.
BEGIN;
SELECT plan(14);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('author', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.remember('submitter', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('prod', tests.create_member(tests.recall('t'), 'production'));
SELECT tests.remember('eng3', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.remember('part', tests.create_part(tests.recall('t')));

SELECT tests.act_as(tests.recall('author'), tests.recall('t'));
INSERT INTO app.change_orders (title, reason, effectivity, effective_date) VALUES ('Longer thread', 'design_improvement', 'date', current_date);
SELECT tests.remember('eco', (SELECT id FROM app.change_orders WHERE title = 'Longer thread'));
INSERT INTO app.change_order_items (change_order_id, kind, part_id) VALUES (tests.recall('eco'), 'part', tests.recall('part'));
SELECT tests.act_as(tests.recall('submitter'), tests.recall('t'));
SELECT app.submit_change_order(tests.recall('eco'));
SELECT is(tests.refusal(format($$SELECT app.transition('change_order', %L, 'draft')$$, tests.recall('eco'))), 'PT409 approval.status_mismatch',
  'nobody takes the way back to draft while the approval is open');

-- The approval passes its hard deadline undecided; the job expires it.
SELECT tests.act_as_owner();
UPDATE app.approvals SET expires_at = now() - interval '1 minute' WHERE entity_id = tests.recall('eco');
SELECT is(app_private.expire_approvals() >= 1, true, 'the job expires the approval');
SELECT results_eq(format($$SELECT o.status::text, a.status::text FROM app.change_orders AS o JOIN app.approvals AS a ON a.entity_id = o.id
                            WHERE o.id = %L$$, tests.recall('eco')),
  $$VALUES ('draft', 'expired')$$, 'the expired approval sends the change order back to draft');
SELECT results_eq(format($$SELECT from_state, to_state, reason LIKE 'approval expired undecided at %%', transitioned_by IS NULL
                             FROM app.entity_state_history WHERE entity_id = %L ORDER BY transitioned_at DESC, id DESC LIMIT 1$$, tests.recall('eco')),
  $$VALUES ('submitted', 'draft', true, true)$$, 'by the machine''s transition, taken by nobody, with the reason');
SELECT results_eq(format($$SELECT user_id, type::text, priority::text, title LIKE 'ECO-%%: approval expired', message LIKE '%%back in draft%%'
                             FROM app.notifications WHERE entity_id = %L ORDER BY user_id$$, tests.recall('eco')),
  format($$SELECT * FROM (VALUES (%L::uuid, 'approval', 'high', true, true), (%L::uuid, 'approval', 'high', true, true)) AS v ORDER BY 1$$,
         tests.id_of_user(tests.email_of(tests.recall('author'))), tests.id_of_user(tests.email_of(tests.recall('submitter')))),
  'its author and its submitter are told');

-- The owner edits it and submits it again: a new approval.
SELECT tests.act_as(tests.recall('author'), tests.recall('t'));
UPDATE app.change_orders SET description = 'Thread M8x40 instead of M8x30' WHERE id = tests.recall('eco');
INSERT INTO app.change_order_items (change_order_id, kind, part_id) VALUES (tests.recall('eco'), 'part', tests.create_part(tests.recall('t')));
SELECT is((SELECT count(*)::int FROM app.change_order_items WHERE change_order_id = tests.recall('eco')), 2, 'a draft again, its items change');
SELECT is((app.submit_change_order(tests.recall('eco'))).status::text, 'submitted', 'and it is submitted again');
SELECT is((SELECT string_agg(status::text, ',' ORDER BY created_at) FROM app.approvals WHERE entity_id = tests.recall('eco')), 'expired,pending',
  'with a new approval beside the expired one');

-- A tenant whose machine predates the way back (simulated: the transition taken out of its published version).
SELECT tests.act_as_owner();
SELECT tests.remember('old', tests.create_tenant());
SELECT tests.remember('old_author', tests.create_member(tests.recall('old'), 'engineering'));
SELECT tests.remember('old_qa', tests.create_member(tests.recall('old'), 'qa'));
SELECT tests.remember('old_eng', tests.create_member(tests.recall('old'), 'engineering'));
SELECT tests.remember('old_prod', tests.create_member(tests.recall('old'), 'production'));
SELECT tests.act_as_owner();
SET LOCAL session_replication_role = replica;
DELETE FROM app.state_machine_transitions AS t USING app.state_machines AS m
 WHERE m.organization_id = tests.recall('old') AND m.entity_type = 'change_order' AND t.organization_id = m.organization_id
   AND t.state_machine_id = m.id AND t.from_state = 'submitted' AND t.to_state = 'draft';
SET LOCAL session_replication_role = origin;
SELECT tests.act_as(tests.recall('old_author'), tests.recall('old'));
INSERT INTO app.change_orders (title, reason, effectivity, effective_date) VALUES ('Old machine', 'other', 'date', current_date);
SELECT tests.remember('old_eco', (SELECT id FROM app.change_orders WHERE title = 'Old machine'));
INSERT INTO app.change_order_items (change_order_id, kind, part_id) VALUES (tests.recall('old_eco'), 'part', tests.create_part(tests.recall('old')));
SELECT app.submit_change_order(tests.recall('old_eco'));
SELECT tests.act_as_owner();
UPDATE app.approvals SET expires_at = now() - interval '1 minute' WHERE entity_id = tests.recall('old_eco');
SELECT is(app_private.expire_approvals(), 1, 'the job expires the old tenant''s ECO approval');
SELECT is((SELECT status::text || ' ' || (SELECT message LIKE '%stays submitted%' FROM app.notifications WHERE entity_id = tests.recall('old_eco'))
             FROM app.change_orders WHERE id = tests.recall('old_eco')), 'submitted true',
  'without the transition the ECO stays submitted, and its owner is told so');

SELECT tests.remember('old_v1', (SELECT id FROM app.state_machines WHERE organization_id = tests.recall('old') AND entity_type = 'change_order'));
SELECT app_private.add_change_order_expiry_way_back(tests.recall('old'));
SELECT results_eq(format($$SELECT version, status::text FROM app.state_machines WHERE organization_id = %L AND entity_type = 'change_order' ORDER BY version$$,
                         tests.recall('old')),
  $$VALUES (1, 'superseded'), (2, 'published')$$, 'the upgrade publishes a version 2 of the tenant''s machine');
SELECT is((SELECT guards::text FROM app.state_machine_transitions AS t JOIN app.state_machines AS m ON m.id = t.state_machine_id
            WHERE m.organization_id = tests.recall('old') AND m.version = 2 AND t.from_state = 'submitted' AND t.to_state = 'draft'),
  '[{"kind": "approval_decided", "status": "expired", "approval_type": "change_order"}]', 'with the way back after an expired approval');
SELECT results_eq(format($$SELECT s.state, m.version FROM app.entity_states AS s JOIN app.state_machines AS m ON m.id = s.state_machine_id
                            WHERE s.entity_id = %L$$, tests.recall('old_eco')),
  $$VALUES ('submitted', 2)$$, 'its change orders move onto the new version in the state they were in');
SELECT app_private.add_change_order_expiry_way_back(tests.recall('old'));
SELECT is((SELECT count(*)::int FROM app.state_machines WHERE organization_id = tests.recall('old') AND entity_type = 'change_order'), 2,
  'the upgrade is idempotent');

SELECT * FROM finish();
ROLLBACK;
