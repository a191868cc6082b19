-- Every approval-driven entity of manufacturing goes back to where it is
-- submitted again when its approval expires undecided (the job
-- expire-approvals), by one mechanism (trigger _600_expire_way_back): the
-- machine's transition out of the current state guarded by approval_decided
-- <type> expired. A drawing revision in review (RDA) goes back to draft
-- (its send-back accepts a rejected or an expired approval), its author is
-- notified and drawing.release_expired is published; an ECO publishes
-- change_order.approval_expired (its return to draft:
-- test_change_order_expiry.sql). A tenant whose drawing machine predates it
-- gets a new version; until then the revision stays in review and the
-- author is told so.
BEGIN;
SELECT plan(14);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('admin', tests.create_member(tests.recall('t'), 'admin'));
SELECT tests.remember('eng', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.remember('eng2', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('prod', tests.create_member(tests.recall('t'), 'production'));
SELECT tests.remember('project', tests.create_project(tests.recall('t'), tests.recall('admin')));

SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
SELECT tests.remember('doc', (tests.upload_document(tests.recall('project'), 'Bracket drawing', 'drawing', 'pdf', repeat('d', 64), 100,
  'application/pdf')).id);
INSERT INTO app.drawings (drawing_number, title) VALUES ('DWG-700', 'Bracket');
INSERT INTO app.drawing_revisions (drawing_id, revision, document_version_id)
SELECT id, 'A', tests.recall('doc') FROM app.drawings WHERE drawing_number = 'DWG-700';
SELECT tests.remember('rev', (SELECT r.id FROM app.drawing_revisions AS r JOIN app.drawings AS d ON d.id = r.drawing_id WHERE d.drawing_number = 'DWG-700'));
SELECT app.submit_drawing_revision(tests.recall('rev'));
SELECT is(tests.refusal(format($$SELECT app.transition('drawing_revision', %L, 'draft')$$, tests.recall('rev'))), 'PT409 approval.status_mismatch',
  'nobody sends a revision in review back by hand while its RDA approval is open');

-- The RDA approval passes its hard deadline undecided; the job expires it.
SELECT tests.act_as_owner();
UPDATE app.approvals SET expires_at = now() - interval '1 minute' WHERE entity_id = tests.recall('rev');
SELECT is(app_private.expire_approvals() >= 1, true, 'the job expires the RDA approval');
SELECT results_eq(format($$SELECT r.status::text, a.status::text FROM app.drawing_revisions AS r JOIN app.approvals AS a ON a.entity_id = r.id
                            WHERE r.id = %L$$, tests.recall('rev')),
  $$VALUES ('draft', 'expired')$$, 'the expired RDA approval sends the drawing revision back to draft');
SELECT results_eq(format($$SELECT from_state, to_state, reason LIKE 'approval expired undecided at %%', transitioned_by IS NULL
                             FROM app.entity_state_history WHERE entity_id = %L ORDER BY transitioned_at DESC, id DESC LIMIT 1$$, tests.recall('rev')),
  $$VALUES ('in_review', 'draft', true, true)$$, 'by the machine''s send-back, taken by nobody, with the reason');
SELECT results_eq(format($$SELECT user_id, type::text, priority::text, message LIKE '%%DWG-700 rev A%%back in draft%%'
                             FROM app.notifications WHERE entity_id = %L AND title = 'DWG-700 rev A: release approval expired'$$, tests.recall('rev')),
  format($$VALUES (%L::uuid, 'approval', 'high', true)$$, tests.recall('eng')),
  'its author (who submitted it) is told, once');
SELECT results_eq(format($$SELECT payload ->> 'drawing_number', payload ->> 'revision', payload ->> 'status', (payload ->> 'returned')::boolean, entity_type
                             FROM app_private.events WHERE event_type = 'drawing.release_expired' AND entity_id = %L$$, tests.recall('rev')),
  $$VALUES ('DWG-700', 'A', 'draft', true, 'drawing_revision')$$, 'drawing.release_expired is published');

-- The author submits it again: a new approval, which releases it.
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
SELECT is((app.submit_drawing_revision(tests.recall('rev'))).status::text, 'in_review', 'back in draft, it is submitted again');
SELECT tests.act_as(tests.recall('eng2'), tests.recall('t'));
SELECT app.approve_drawing_revision(tests.recall('rev'));
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is((SELECT string_agg(a.status::text, ',' ORDER BY a.created_at) || ' ' || (app.approve_drawing_revision(tests.recall('rev'))).status::text
             FROM app.approvals AS a WHERE a.entity_id = tests.recall('rev')), 'expired,in_review released',
  'the new approval releases it, the expired one kept in its history');

-- An ECO's expiry publishes change_order.approval_expired.
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
INSERT INTO app.change_orders (title, reason, effectivity, effective_date) VALUES ('Bracket B', 'design_improvement', 'date', current_date);
SELECT tests.remember('eco', (SELECT id FROM app.change_orders WHERE title = 'Bracket B'));
INSERT INTO app.change_order_items (change_order_id, kind, part_id) VALUES (tests.recall('eco'), 'part', tests.create_part(tests.recall('t')));
SELECT app.submit_change_order(tests.recall('eco'));
SELECT tests.act_as_owner();
UPDATE app.approvals SET expires_at = now() - interval '1 minute' WHERE entity_id = tests.recall('eco');
SELECT app_private.expire_approvals()::text;
SELECT results_eq(format($$SELECT payload ->> 'eco_number' LIKE 'ECO-%%', payload ->> 'status', (payload ->> 'returned')::boolean
                             FROM app_private.events WHERE event_type = 'change_order.approval_expired' AND entity_id = %L$$, tests.recall('eco')),
  $$VALUES (true, 'draft', true)$$, 'change_order.approval_expired is published');

-- A tenant whose drawing machine predates the way back (simulated: its send-back accepts a rejection only).
SELECT tests.remember('old', tests.create_tenant());
SELECT tests.remember('old_admin', tests.create_member(tests.recall('old'), 'admin'));
SELECT tests.remember('old_eng', tests.create_member(tests.recall('old'), 'engineering'));
SELECT tests.remember('old_eng2', tests.create_member(tests.recall('old'), 'engineering'));
SELECT tests.remember('old_qa', tests.create_member(tests.recall('old'), 'qa'));
SELECT tests.remember('old_project', tests.create_project(tests.recall('old'), tests.recall('old_admin')));
SELECT tests.act_as_owner();
SET LOCAL session_replication_role = replica;
UPDATE app.state_machine_transitions AS t SET guards = '[{"kind": "approval_decided", "approval_type": "drawing_release", "status": "rejected"}]'
  FROM app.state_machines AS m
 WHERE m.organization_id = tests.recall('old') AND m.entity_type = 'drawing_revision' AND t.organization_id = m.organization_id
   AND t.state_machine_id = m.id AND t.from_state = 'in_review' AND t.to_state = 'draft';
SET LOCAL session_replication_role = origin;
SELECT tests.act_as(tests.recall('old_eng'), tests.recall('old'));
SELECT tests.remember('old_doc', (tests.upload_document(tests.recall('old_project'), 'Old drawing', 'drawing', 'pdf', repeat('e', 64), 100,
  'application/pdf')).id);
INSERT INTO app.drawings (drawing_number, title) VALUES ('DWG-OLD', 'Old');
INSERT INTO app.drawing_revisions (drawing_id, revision, document_version_id)
SELECT id, 'A', tests.recall('old_doc') FROM app.drawings WHERE drawing_number = 'DWG-OLD';
SELECT tests.remember('old_rev', (SELECT r.id FROM app.drawing_revisions AS r JOIN app.drawings AS d ON d.id = r.drawing_id WHERE d.drawing_number = 'DWG-OLD'));
SELECT app.submit_drawing_revision(tests.recall('old_rev'));
SELECT tests.act_as_owner();
UPDATE app.approvals SET expires_at = now() - interval '1 minute' WHERE entity_id = tests.recall('old_rev');
SELECT app_private.expire_approvals()::text;
SELECT is((SELECT status::text || ' ' || (SELECT message LIKE '%stays in_review%' FROM app.notifications
                                           WHERE entity_id = tests.recall('old_rev') AND title LIKE '%release approval expired')
             FROM app.drawing_revisions WHERE id = tests.recall('old_rev')), 'in_review true',
  'without the way back the revision stays in review, and its author is told so');
SELECT app_private.add_drawing_release_expiry_way_back(tests.recall('old'));
SELECT results_eq(format($$SELECT m.version, m.status::text, t.guards::text FROM app.state_machines AS m
                             LEFT JOIN app.state_machine_transitions AS t ON t.state_machine_id = m.id AND t.from_state = 'in_review' AND t.to_state = 'draft'
                            WHERE m.organization_id = %L AND m.entity_type = 'drawing_revision' ORDER BY m.version$$, tests.recall('old')),
  $$VALUES (1, 'superseded', '[{"kind": "approval_decided", "status": "rejected", "approval_type": "drawing_release"}]'),
           (2, 'published', '[{"kind": "approval_decided", "status": ["rejected", "expired"], "approval_type": "drawing_release"}]')$$,
  'the upgrade publishes a version 2 whose send-back also takes an expired approval');
SELECT results_eq(format($$SELECT s.state, m.version FROM app.entity_states AS s JOIN app.state_machines AS m ON m.id = s.state_machine_id
                            WHERE s.entity_id = %L$$, tests.recall('old_rev')),
  $$VALUES ('in_review', 2)$$, 'its revisions move onto it in the state they were in');
SELECT app_private.add_drawing_release_expiry_way_back(tests.recall('old'));
SELECT is((SELECT count(*)::int FROM app.state_machines WHERE organization_id = tests.recall('old') AND entity_type = 'drawing_revision'), 2,
  'the upgrade is idempotent');
SELECT is(app_private.transition_guard_approval_decided_check(tests.recall('t'), 'drawing_revision',
            '{"kind": "approval_decided", "approval_type": "drawing_release", "status": ["rejected", "pending"]}'),
  'guard approval_decided needs "status": approved, rejected, cancelled or expired, or a list of them',
  'a guard''s list of statuses names closed ones only');

SELECT * FROM finish();
ROLLBACK;
