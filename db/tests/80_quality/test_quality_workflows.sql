-- Quality workflows on the platform blocks (80_quality/68_workflows.sql,
-- 69_effectivity.sql): NCRs move on the tenant's NCR state machine, whose
-- guards are the MRB rules, and a tenant admin adds an MRB review step; a
-- change order is approved by routing (quality, then engineering, then
-- production: all of them, each a different person, never the submitter,
-- one rejection stops it); an RDA decision is signed where the tenant's
-- policy says; ECO effectivity decides the revision in effect (future date,
-- from lot) and the revision new lots are made to. Another plant's user and
-- another tenant see nothing.
BEGIN;
SELECT plan(49);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('admin', tests.create_member(tests.recall('t'), 'admin'));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('eng', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.remember('eng2', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.remember('prod_a', tests.create_member(tests.recall('t'), 'production'));
SELECT tests.remember('tech_b', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_b')));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('part', tests.create_part(tests.recall('t')));
SELECT tests.remember('part2', tests.create_part(tests.recall('t')));

-- NCR on the state machine ------------------------------------------------
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT tests.remember('ncr', (app.create_ncr(tests.recall('part'), tests.recall('plant_a'), 'Burr', 'Edge burr', 10)).id);
SELECT is((SELECT state FROM app.entity_states WHERE entity_type = 'ncr' AND entity_id = tests.recall('ncr')), 'open',
  'a new NCR starts on the tenant''s NCR state machine');
SELECT results_eq(format($$SELECT to_state FROM app.available_transitions('ncr', %L) ORDER BY to_state$$, tests.recall('ncr')),
  $$VALUES ('cancelled'), ('containment')$$, 'the machine lists the ways out of open');
SELECT is((app.transition('ncr', tests.recall('ncr'), 'containment')).state, 'containment', 'app.transition moves an NCR');
SELECT is((SELECT status::text FROM app.ncrs WHERE id = tests.recall('ncr')), 'containment', 'and its status mirrors the state');
SELECT is(tests.refusal(format($$SELECT app.transition('ncr', %L, 'disposition')$$, tests.recall('ncr'))), 'PT422 ncr.containment_required',
  'the guard of containment -> disposition is the containment rule');
SELECT is((app.advance_ncr(tests.recall('ncr'), 'disposition', 'Segregated 10 pcs')).status::text, 'disposition',
  'app.advance_ncr takes the same transition with the note');
SELECT is(tests.refusal(format($$SELECT app.advance_ncr(%L, 'verification')$$, tests.recall('ncr'))), 'PT409 ncr.disposition_incomplete',
  'dispositions must cover the quantity before verification (guard ncr_rule)');
SELECT is(tests.refusal(format($$SELECT app.transition('ncr', %L, 'cancelled')$$, tests.recall('ncr'))), 'PT422 ncr.cancel_reason_required',
  'cancelling on the machine needs a reason');
SELECT is((SELECT count(*)::int FROM app.entity_state_history WHERE entity_type = 'ncr' AND entity_id = tests.recall('ncr')), 3,
  'the history records the start and each step');
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
SELECT app.add_ncr_disposition(tests.recall('ncr'), 'scrap', 10);
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT app.advance_ncr(tests.recall('ncr'), 'verification');
SELECT is((app.record_ncr_verification(tests.recall('ncr'), 'rejected', 'Scrap tags missing')).status::text, 'disposition',
  'a rejected verification takes the machine''s way back to disposition');
SELECT is((SELECT state FROM app.entity_states WHERE entity_id = tests.recall('ncr')), 'disposition', 'and the state follows');
SELECT tests.act_as(tests.recall('tech_b'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.transition('ncr', %L, 'cancelled', 'not ours')$$, tests.recall('ncr'))), 'PT404 entity.not_found',
  'a technician of another plant cannot move the NCR');
SELECT tests.act_as_owner();
SELECT is(tests.refusal(format($$UPDATE app.ncrs SET status = 'closed' WHERE id = %L$$, tests.recall('ncr'))),
  'PT409 state_machine.status_by_transition', 'the status is never written past the machine, even by the owner');

-- A tenant admin adds an MRB review step (version 2 of the NCR machine).
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT tests.remember('v2', (app.define_state_machine('ncr', 'NCR with MRB review',
  '[{"key": "open", "label": "Open", "initial": true}, {"key": "containment", "label": "Containment"},
    {"key": "disposition", "label": "Disposition"}, {"key": "mrb_review", "label": "MRB review"},
    {"key": "verification", "label": "Verification"}, {"key": "closed", "label": "Closed", "terminal": true},
    {"key": "cancelled", "label": "Cancelled", "terminal": true}]',
  '[{"from": "open", "to": "containment", "label": "Contain", "guards": [{"kind": "permission", "permission": "ncr.manage"}]},
    {"from": "containment", "to": "disposition", "label": "Dispose", "guards": [{"kind": "permission", "permission": "ncr.manage"}, {"kind": "ncr_rule", "rule": "containment_recorded"}]},
    {"from": "disposition", "to": "mrb_review", "label": "MRB review", "guards": [{"kind": "permission", "permission": "ncr.manage"}, {"kind": "ncr_rule", "rule": "dispositions_complete"}]},
    {"from": "mrb_review", "to": "verification", "label": "Verify", "guards": [{"kind": "permission", "permission": "ncr.disposition"}]},
    {"from": "verification", "to": "closed", "label": "Close", "guards": [{"kind": "permission", "permission": "ncr.manage"}, {"kind": "ncr_rule", "rule": "verification_accepted"}]},
    {"from": "open", "to": "cancelled", "label": "Cancel"}, {"from": "containment", "to": "cancelled", "label": "Cancel"}, {"from": "disposition", "to": "cancelled", "label": "Cancel"}]')).id);
SELECT is(tests.refusal($$SELECT app.define_state_machine('ncr', 'Bad', '[{"key": "open", "label": "Open", "initial": true}, {"key": "x", "label": "X"}]',
  '[{"from": "open", "to": "x", "label": "X", "guards": [{"kind": "ncr_rule", "rule": "nonsense"}]}]')$$), 'PT422 state_machine.guard_invalid',
  'an ncr_rule guard must name a known rule');
SELECT is((app.publish_state_machine(tests.recall('v2'))).status::text, 'published', 'the admin publishes the version with the extra step');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT tests.remember('ncr2', (app.create_ncr(tests.recall('part'), tests.recall('plant_a'), 'Scratch', 'Scratches', 5)).id);
SELECT app.advance_ncr(tests.recall('ncr2'), 'containment');
SELECT app.advance_ncr(tests.recall('ncr2'), 'disposition', 'Contained');
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
SELECT app.add_ncr_disposition(tests.recall('ncr2'), 'scrap', 5);
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.advance_ncr(%L, 'verification')$$, tests.recall('ncr2'))), 'PT409 ncr.transition_invalid',
  'on the new version an NCR cannot skip the MRB review');
SELECT is((app.transition('ncr', tests.recall('ncr2'), 'mrb_review', 'MRB meeting')).state, 'mrb_review', 'it enters the added step');
SELECT is((SELECT status::text FROM app.ncrs WHERE id = tests.recall('ncr2')), 'disposition',
  'a state the status type lacks keeps the status of the step before');
SELECT tests.act_as(tests.recall('prod_a'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.advance_ncr(%L, 'verification')$$, tests.recall('ncr2'))), 'PT403 permission.missing',
  'the added step''s own guard holds (ncr.disposition: production lacks it)');
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
SELECT is((SELECT state FROM app.transition('ncr', tests.recall('ncr2'), 'verification')), 'verification',
  'an MRB member takes it on to verification');
SELECT is((SELECT state_machine_id FROM app.entity_states WHERE entity_id = tests.recall('ncr')) <> tests.recall('v2'), true,
  'the NCR started before stays on the version it started on');

-- Change order routing ------------------------------------------------------
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
INSERT INTO app.part_revisions (part_id, revision) VALUES (tests.recall('part'), 'B'), (tests.recall('part2'), 'B');
INSERT INTO app.change_orders (title, reason, effectivity, effective_date) VALUES ('Thicker flange', 'design_improvement', 'date', current_date + 30);
SELECT tests.remember('eco', (SELECT id FROM app.change_orders WHERE title = 'Thicker flange'));
INSERT INTO app.change_order_items (change_order_id, kind, part_revision_id)
SELECT tests.recall('eco'), 'part_revision', id FROM app.part_revisions WHERE part_id = tests.recall('part') AND revision = 'B';
SELECT is((app.submit_change_order(tests.recall('eco'))).status::text, 'submitted', 'the engineer submits the ECO');
SELECT results_eq(format($$SELECT status::text, jsonb_array_length(steps) FROM app.approvals WHERE entity_id = %L$$, tests.recall('eco')),
  $$VALUES ('pending', 3)$$, 'submitting opened a platform approval routed in three steps');
SELECT is(tests.refusal(format($$SELECT app.approve_change_order(%L)$$, tests.recall('eco'))), 'PT403 change_order.own_submission',
  'the submitter does not approve (no self-approval)');
SELECT tests.act_as(tests.recall('prod_a'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.approve_change_order(%L)$$, tests.recall('eco'))), 'PT403 approval.approver_lacks_role',
  'production cannot decide the quality step');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is((app.approve_change_order(tests.recall('eco'), 'Quality OK')).status::text, 'submitted', 'after quality it still waits (all of)');
SELECT tests.grant_role(tests.recall('t'), tests.recall('qa'), 'engineering');
SELECT is(tests.refusal(format($$SELECT app.approve_change_order(%L)$$, tests.recall('eco'))), 'PT403 approval.already_decided_in_chain',
  'who decided one step does not decide the next, even holding its role');
SELECT tests.act_as(tests.recall('eng2'), tests.recall('t'));
SELECT is((app.approve_change_order(tests.recall('eco'), 'Design OK')).status::text, 'submitted', 'any engineer other than the submitter decides step 2');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(tests.refusal(format($$SELECT app.approve_change_order(%L)$$, tests.recall('eco'))), 'PT404 change_order.not_found',
  'another tenant does not find the change order');
SELECT tests.act_as(tests.recall('prod_a'), tests.recall('t'));
SELECT is((app.approve_change_order(tests.recall('eco'), 'Line ready')).status::text, 'approved', 'production decides the last step: approved');
SELECT results_eq(format($$SELECT decided_by, (SELECT count(*)::int FROM app.approval_history AS h WHERE h.approval_id = a.id AND h.action_type = 'approve')
                            FROM app.approvals AS a WHERE a.entity_id = %L$$, tests.recall('eco')),
  format($$VALUES (%L::uuid, 3)$$, tests.recall('prod_a')), 'three approvals recorded, the last decider stands as decider');

-- One rejection stops the routing.
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
INSERT INTO app.change_orders (title, reason, effectivity, effective_date) VALUES ('Cheaper steel', 'cost_reduction', 'date', current_date);
SELECT tests.remember('eco_r', (SELECT id FROM app.change_orders WHERE title = 'Cheaper steel'));
INSERT INTO app.change_order_items (change_order_id, kind, part_id) VALUES (tests.recall('eco_r'), 'part', tests.recall('part'));
SELECT app.submit_change_order(tests.recall('eco_r'));
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is((app.reject_change_order(tests.recall('eco_r'), 'Fatigue not proven')).status::text, 'rejected', 'quality rejects: the ECO is rejected');
SELECT tests.act_as(tests.recall('eng2'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.approve_change_order(%L)$$, tests.recall('eco_r'))), 'PT409 change_order.not_submitted',
  'nobody approves after the rejection');

-- Cancelling a submitted ECO withdraws its approval.
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
INSERT INTO app.change_orders (title, reason, effectivity, effective_date) VALUES ('Withdrawn', 'other', 'date', current_date);
SELECT tests.remember('eco_c', (SELECT id FROM app.change_orders WHERE title = 'Withdrawn'));
INSERT INTO app.change_order_items (change_order_id, kind, part_id) VALUES (tests.recall('eco_c'), 'part', tests.recall('part'));
SELECT app.submit_change_order(tests.recall('eco_c'));
SELECT app.cancel_change_order(tests.recall('eco_c'), 'Superseded by ECO for rev C');
SELECT results_eq(format($$SELECT o.status::text, a.status::text FROM app.change_orders AS o JOIN app.approvals AS a ON a.entity_id = o.id
                            WHERE o.id = %L$$, tests.recall('eco_c')),
  $$VALUES ('cancelled', 'cancelled')$$, 'cancelling a submitted ECO cancels its open approval');

-- Effectivity: a future date ----------------------------------------------
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
SELECT is((app.implement_change_order(tests.recall('eco'))).status::text, 'implemented', 'the approved ECO is implemented');
SELECT is((app.effective_part_revision(tests.recall('part'))).revision, 'A', 'until the effective date revision A stays in effect');
SELECT is((app.effective_part_revision(tests.recall('part'), (current_date + 30)::timestamptz)).revision, 'B', 'from the effective date B is');
SELECT tests.remember('lot_today', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant_a')));
SELECT is((SELECT r.revision FROM app.lots AS l JOIN app.part_revisions AS r ON r.id = l.part_revision_id
            WHERE l.id = tests.recall('lot_today')), 'A',
  'a lot made today is made to revision A');
SELECT is(tests.refusal(format($$SELECT app.transition('change_order', %L, 'cancelled')$$, tests.recall('eco'))),
  'PT409 state_machine.terminal_state', 'an implemented ECO is a record');

-- Effectivity: from a lot number.
INSERT INTO app.change_orders (title, reason, effectivity, effective_lot_number) VALUES ('New coating', 'customer_request', 'lot', 'L-000100');
SELECT tests.remember('eco_l', (SELECT id FROM app.change_orders WHERE title = 'New coating'));
INSERT INTO app.change_order_items (change_order_id, kind, part_revision_id)
SELECT tests.recall('eco_l'), 'part_revision', id FROM app.part_revisions WHERE part_id = tests.recall('part2') AND revision = 'B';
SELECT app.submit_change_order(tests.recall('eco_l'));
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT app.approve_change_order(tests.recall('eco_l'));
SELECT tests.act_as(tests.recall('eng2'), tests.recall('t'));
SELECT app.approve_change_order(tests.recall('eco_l'));
SELECT tests.act_as(tests.recall('prod_a'), tests.recall('t'));
SELECT app.approve_change_order(tests.recall('eco_l'));
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
SELECT app.implement_change_order(tests.recall('eco_l'));
SELECT results_eq(format($$SELECT (app.effective_part_revision(%1$L, now(), 'L-000099')).revision, (app.effective_part_revision(%1$L, now(), 'L-000100')).revision,
                                  (app.effective_part_revision(%1$L)).revision$$, tests.recall('part2')),
  $$VALUES ('A', 'B', 'B')$$, 'lots before L-000100 keep A; from it on, and new production, B');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(tests.refusal(format($$SELECT app.effective_part_revision(%L)$$, tests.recall('part2'))), 'PT404 part_revision.not_found',
  'another tenant learns nothing of the part''s revisions');
SELECT tests.act_as_owner();
INSERT INTO app.lots (organization_id, lot_number, part_id, site_id, quantity, remaining_quantity, unit, quality_status)
SELECT tests.recall('t'), n, tests.recall('part2'), tests.recall('plant_a'), 1, 1, 'pcs', 'released' FROM unnest(ARRAY['L-000050', 'L-000120']) AS n;
SELECT results_eq(format($$SELECT l.lot_number, r.revision FROM app.lots AS l JOIN app.part_revisions AS r ON r.id = l.part_revision_id
                            WHERE l.part_id = %L ORDER BY l.lot_number$$, tests.recall('part2')),
  $$VALUES ('L-000050', 'A'), ('L-000120', 'B')$$, 'each new lot is made to the revision in effect for its number');

-- Effectivity: from a serial number.
SELECT tests.remember('part3', tests.create_part(tests.recall('t')));
-- B is released in the same transaction as A, with the smaller id: the revision
-- that replaced the other wins the tie, not the larger id.
INSERT INTO app.part_revisions (organization_id, id, part_id, revision)
VALUES (tests.recall('t')::uuid, '00000000-0000-7000-8000-000000000001', tests.recall('part3')::uuid, 'B');
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
INSERT INTO app.change_orders (title, reason, effectivity, effective_serial_number) VALUES ('New seal', 'design_improvement', 'serial', 'S-000100');
SELECT tests.remember('eco_s', (SELECT id FROM app.change_orders WHERE title = 'New seal'));
INSERT INTO app.change_order_items (change_order_id, kind, part_revision_id)
SELECT tests.recall('eco_s'), 'part_revision', id FROM app.part_revisions WHERE part_id = tests.recall('part3') AND revision = 'B';
SELECT app.submit_change_order(tests.recall('eco_s'));
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT app.approve_change_order(tests.recall('eco_s'));
SELECT tests.act_as(tests.recall('eng2'), tests.recall('t'));
SELECT app.approve_change_order(tests.recall('eco_s'));
SELECT tests.act_as(tests.recall('prod_a'), tests.recall('t'));
SELECT app.approve_change_order(tests.recall('eco_s'));
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
SELECT app.implement_change_order(tests.recall('eco_s'));
SELECT results_eq(format($$SELECT (app.effective_part_revision(%1$L, now(), NULL, 'S-000099')).revision,
                                  (app.effective_part_revision(%1$L, now(), NULL, 'S-000100')).revision$$, tests.recall('part3')),
  $$VALUES ('A', 'B')$$, 'serials before S-000100 keep A; from it on, B');
SELECT tests.act_as_owner();
INSERT INTO app.serials (organization_id, serial_number, part_id, site_id)
SELECT tests.recall('t'), n, tests.recall('part3'), tests.recall('plant_a') FROM unnest(ARRAY['S-000050', 'S-000120']) AS n;
SELECT results_eq(format($$SELECT s.serial_number, r.revision FROM app.serials AS s JOIN app.part_revisions AS r ON r.id = s.part_revision_id
                            WHERE s.part_id = %L ORDER BY s.serial_number$$, tests.recall('part3')),
  $$VALUES ('S-000050', 'A'), ('S-000120', 'B')$$, 'each new serial is made to the revision in effect for its number');
SELECT is(tests.refusal(format($$UPDATE app.change_orders SET status = 'draft' WHERE id = %L$$, tests.recall('eco_s'))),
  'PT409 state_machine.status_by_transition', 'a change order''s status is never written past its machine, even by the owner');

-- RDA routing with signed decisions -----------------------------------------
SELECT tests.remember('project', tests.create_project(tests.recall('t'), tests.recall('admin')));
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
SELECT tests.remember('doc', (tests.upload_document(tests.recall('project'), 'Flange drawing', 'drawing', 'pdf', repeat('c', 64), 100,
  'application/pdf')).id);
INSERT INTO app.drawings (drawing_number, title) VALUES ('DWG-900', 'Flange');
INSERT INTO app.drawing_revisions (drawing_id, revision, document_version_id)
SELECT id, 'A', tests.recall('doc') FROM app.drawings WHERE drawing_number = 'DWG-900';
SELECT tests.remember('rev', (SELECT r.id FROM app.drawing_revisions AS r JOIN app.drawings AS d ON d.id = r.drawing_id WHERE d.drawing_number = 'DWG-900'));
SELECT tests.act_as_owner();
INSERT INTO app.approval_policies (organization_id, approval_type, priority, sla_hours, requires_signature)
VALUES (tests.recall('t'), 'drawing_release', 'normal', 24, true)
ON CONFLICT (organization_id, approval_type, priority) DO UPDATE SET requires_signature = true;
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
SELECT app.submit_drawing_revision(tests.recall('rev'));
SELECT tests.act_as(tests.recall('eng2'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.approve_drawing_revision(%L)$$, tests.recall('rev'))), 'PT422 signature.required',
  'where the policy says, an RDA decision must be signed');
SELECT is((app.decide_approval((SELECT id FROM app.approvals WHERE entity_id = tests.recall('rev')), 'approve', 'Design OK',
                               signature_reason => 'design reviewed', signature_password => tests.password())).status::text, 'in_review',
  'the design step is decided with a signature (app.decide_approval)');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT app.decide_approval((SELECT id FROM app.approvals WHERE entity_id = tests.recall('rev')), 'approve', 'Quality OK',
                           signature_reason => 'quality reviewed', signature_password => tests.password());
SELECT results_eq(format($$SELECT r.status::text, a.decision_signature IS NOT NULL FROM app.drawing_revisions AS r
                            JOIN app.approvals AS a ON a.entity_id = r.id WHERE r.id = %L$$, tests.recall('rev')),
  $$VALUES ('released', true)$$, 'the signed quality step releases the revision');

-- An ECO releasing drawing revision B from a future date: A stays the one production uses.
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
INSERT INTO app.drawing_revisions (drawing_id, revision, document_version_id)
SELECT id, 'B', tests.recall('doc') FROM app.drawings WHERE drawing_number = 'DWG-900';
INSERT INTO app.change_orders (title, reason, effectivity, effective_date) VALUES ('Flange B', 'design_improvement', 'date', current_date + 10);
SELECT tests.remember('eco_d', (SELECT id FROM app.change_orders WHERE title = 'Flange B'));
INSERT INTO app.change_order_items (change_order_id, kind, drawing_revision_id)
SELECT tests.recall('eco_d'), 'drawing_revision', r.id FROM app.drawing_revisions AS r JOIN app.drawings AS d ON d.id = r.drawing_id
 WHERE d.drawing_number = 'DWG-900' AND r.revision = 'B';
SELECT app.submit_change_order(tests.recall('eco_d'));
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT app.approve_change_order(tests.recall('eco_d'));
SELECT tests.act_as(tests.recall('eng2'), tests.recall('t'));
SELECT app.approve_change_order(tests.recall('eco_d'));
SELECT tests.act_as(tests.recall('prod_a'), tests.recall('t'));
SELECT app.approve_change_order(tests.recall('eco_d'));
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
SELECT app.implement_change_order(tests.recall('eco_d'));
SELECT results_eq($$SELECT (app.released_drawing(d.id)).revision, (SELECT v.revision FROM app.released_drawings AS v WHERE v.drawing_id = d.id)
                      FROM app.drawings AS d WHERE d.drawing_number = 'DWG-900'$$,
  $$VALUES ('A', 'A')$$, 'until the ECO''s effective date the released drawing is still A (function and view)');

SELECT * FROM finish();
ROLLBACK;
