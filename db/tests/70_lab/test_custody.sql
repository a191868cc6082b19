-- Chain of custody: every move and handover is an append-only event that
-- starts where the last one ended (constraints, not code: a fork, a second
-- start, a gap are refused whoever writes); moves need sample.manage at the
-- sample's site; e-signed where the tenant's GLP flag requires it, with the
-- shared signature (password re-checked, nothing recorded when wrong).
BEGIN;
SELECT plan(26);

SELECT tests.remember('lab', tests.create_lab_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('other_site', tests.create_site(tests.recall('lab')));
SELECT tests.remember('tech', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('lab_site')));
SELECT tests.remember('tech_elsewhere', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('other_site')));
SELECT tests.remember('auditor', tests.create_member(tests.recall('lab'), 'auditor'));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('fridge', tests.create_storage_location(tests.recall('lab'), 'fridge', p_min_celsius => 2, p_max_celsius => 8,
                                                              p_site_id => tests.recall('lab_site')));
SELECT tests.remember('fridge2', tests.create_storage_location(tests.recall('lab'), 'fridge', p_min_celsius => 4, p_max_celsius => 6,
                                                               p_site_id => tests.recall('lab_site')));
SELECT tests.remember('s', tests.create_sample(tests.recall('lab'), tests.recall('water'), tests.recall('lab_site')));
SELECT tests.remember('registered', tests.create_sample(tests.recall('lab'), tests.recall('water'), tests.recall('lab_site')));
SELECT tests.set_sample_status(tests.recall('lab'), tests.recall('s'), 'received');

-- Who may move.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.move_sample(%L, %L, 'store')$$, tests.recall('registered'), tests.recall('fridge'))),
  'PT409 sample.not_received', 'a sample not received yet is not stored');
SELECT is(tests.refusal(format($$SELECT app.move_sample(%L, %L, ' ')$$, tests.recall('s'), tests.recall('fridge'))),
  'PT422 custody.reason_required', 'a move needs a reason');
SELECT tests.act_as(tests.recall('tech_elsewhere'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.move_sample(%L, %L, 'store')$$, tests.recall('s'), tests.recall('fridge'))),
  'PT403 permission.missing', 'a technician of another site cannot move the sample');
SELECT tests.act_as(tests.recall('auditor'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.move_sample(%L, %L, 'store')$$, tests.recall('s'), tests.recall('fridge'))),
  'PT403 permission.missing', 'a reader cannot move samples');

-- The chain.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT tests.remember('e1', (app.move_sample(tests.recall('s'), tests.recall('fridge'), 'stored at receipt', 'intact, 4 °C')).id);
SELECT is((SELECT previous_event_id FROM app.custody_events WHERE id = tests.recall('e1')), NULL, 'the first event starts the chain');
SELECT is((SELECT storage_location_id FROM app.samples WHERE id = tests.recall('s')), tests.recall('fridge'), 'the sample is where it was moved');
SELECT is(tests.refusal(format($$SELECT app.move_sample(%L, %L, 'again')$$, tests.recall('s'), tests.recall('fridge'))),
  'PT409 custody.same_place', 'a move goes somewhere else');
SELECT tests.remember('e2', (app.hand_over_sample(tests.recall('s'), 'analysis', to_user_id => tests.recall('tech'))).id);
SELECT is((SELECT (previous_event_id, from_location_id, to_holder_id)::text FROM app.custody_events WHERE id = tests.recall('e2')),
          (tests.recall('e1'), tests.recall('fridge'), tests.recall('tech'))::text, 'a handover starts where the last event ended');
SELECT is((SELECT (storage_location_id, custodian_id)::text FROM app.samples WHERE id = tests.recall('s')),
          (NULL::uuid, tests.recall('tech'))::text, 'a sample handed over is out of storage, with the person');
SELECT is(tests.refusal(format($$SELECT app.hand_over_sample(%L, 'x', to_user_id => %L)$$, tests.recall('s'), tests.recall('b_admin'))),
  'PT422 custody.holder_not_member', 'custody goes only to staff of the tenant');
SELECT is(tests.refusal(format($$SELECT app.hand_over_sample(%L, 'x', to_user_id => %L, to_external => 'DHL')$$, tests.recall('s'), tests.recall('tech'))),
  'PT422 custody.destination_required', 'a handover goes to one person or one outside party');
SELECT tests.remember('e3', (app.hand_over_sample(tests.recall('s'), 'subcontracted', to_external => 'Acme Contract Lab', condition => 'sealed')).id);
SELECT tests.remember('e4', (app.move_sample(tests.recall('s'), tests.recall('fridge2'), 'returned')).id);
SELECT is((SELECT array_agg(to_key ORDER BY recorded_at, id) FROM app.custody_events WHERE sample_id = tests.recall('s')),
          ARRAY['location:' || tests.recall('fridge'), 'person:' || tests.recall('tech'), 'external:Acme Contract Lab',
                'location:' || tests.recall('fridge2')], 'the chain: fridge, technician, external lab, back to storage');
SELECT is((SELECT bool_and(e.from_key = p.to_key) FROM app.custody_events AS e JOIN app.custody_events AS p ON p.id = e.previous_event_id
            WHERE e.sample_id = tests.recall('s')), true, 'every event starts where the one before it ended');
SELECT is(tests.refusal($$INSERT INTO app.custody_events (sample_id, to_external, reason) VALUES (gen_random_uuid(), 'x', 'x')$$), '42501',
  'members write custody only through the RPCs');
SELECT is(tests.refusal(format($$UPDATE app.custody_events SET reason = 'x' WHERE id = %L$$, tests.recall('e1'))), '42501',
  'members cannot change custody events');

-- The constraints hold whoever writes.
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app_private.events WHERE entity_id = tests.recall('s') AND event_type = 'sample.custody_transferred'), 4,
  'each transfer publishes sample.custody_transferred');
SELECT is(tests.refusal(format($$UPDATE app.custody_events SET reason = 'rewritten' WHERE id = %L$$, tests.recall('e1'))),
  'PT409 row.append_only', 'custody events are append-only');
SELECT is(left(tests.refusal(format($$INSERT INTO app.custody_events (organization_id, sample_id, previous_event_id, from_location_id, to_external, reason)
                                      VALUES (%L, %L, %L, %L, 'x', 'fork')$$, tests.recall('lab'), tests.recall('s'), tests.recall('e1'), tests.recall('fridge'))), 5),
  '23505', 'an event has one successor: the chain cannot fork');
SELECT is(left(tests.refusal(format($$INSERT INTO app.custody_events (organization_id, sample_id, previous_event_id, from_location_id, to_external, reason)
                                      VALUES (%L, %L, %L, %L, 'x', 'gap')$$, tests.recall('lab'), tests.recall('s'), tests.recall('e4'), tests.recall('fridge'))), 5),
  '23503', 'an event that does not start where the last ended is refused');
SELECT is(left(tests.refusal(format($$INSERT INTO app.custody_events (organization_id, sample_id, to_external, reason)
                                      VALUES (%L, %L, 'x', 'restart')$$, tests.recall('lab'), tests.recall('s'))), 5),
  '23505', 'a sample''s chain has one start');

-- E-signatures where the tenant requires them.
INSERT INTO app.tenant_feature_flags (organization_id, flag_key, value) VALUES (tests.recall('lab'), 'glp_esignatures_required', 'true');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.move_sample(%L, %L, 'back')$$, tests.recall('s'), tests.recall('fridge'))),
  'PT422 signature.required', 'with the GLP flag on, a move must be signed');
SELECT is((app.move_sample(tests.recall('s'), tests.recall('fridge'), 'back', signature => '{"password": "wrong", "reason": "x"}')).id, NULL,
  'a wrong signature password records nothing');
SELECT is((SELECT storage_location_id FROM app.samples WHERE id = tests.recall('s')), tests.recall('fridge2'), 'and the sample stays put');
SELECT tests.remember('e5', (app.move_sample(tests.recall('s'), tests.recall('fridge'), 'back',
                             signature => jsonb_build_object('password', tests.password(), 'reason', 'moved as planned', 'meaning', 'released to storage'))).id);
SELECT is((SELECT (signature ->> 'meaning', signature #>> '{payload,signer_id}', signature #>> '{payload,previous_event_id}',
                   length(signature ->> 'payload_sha256'))::text
             FROM app.custody_events WHERE id = tests.recall('e5')),
          ('released to storage', tests.recall('tech'), tests.recall('e4'), 64)::text, 'a signed event keeps meaning, signer, what was signed and its sha256');

-- Visibility: with the sample.
SELECT tests.act_as(tests.recall('tech_elsewhere'), tests.recall('lab'));
SELECT is_empty($$SELECT FROM app.custody_events$$, 'a member who cannot see the sample does not see its custody');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is_empty($$SELECT FROM app.custody_events$$, 'another tenant sees no custody events');

SELECT * FROM finish();
ROLLBACK;
