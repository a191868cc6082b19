-- SAP sync, as real roles: only integration.manage sets the connection (https
-- or localhost; the password never readable), maps entities (unique both
-- ways per type, the tenant's own entities only) and stages and applies SAP
-- data; integration.read reads the log; another tenant and a member without
-- the permissions see nothing. Outbound: a part change makes one message
-- per version with its payload built in SQL and a job for the worker, only
-- while the connection is enabled and never as an echo of SAP's own data;
-- failed attempts retry until dead, are logged, and a replay sends again.
-- Inbound: good rows applied whole, bad rows kept with their errors.
BEGIN;
SELECT plan(57);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('admin', tests.create_member(tests.recall('t'), 'admin'));
SELECT tests.remember('engineer', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('buyer', tests.create_member(tests.recall('t'), 'procurement'));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('part', tests.create_part(tests.recall('t')));
SELECT tests.remember('part2', tests.create_part(tests.recall('t')));
SELECT tests.remember('b_part', tests.create_part(tests.recall('b')));
SELECT tests.remember('vendor', tests.create_partner(tests.recall('t'), 'supplier'));
SELECT tests.act_as_owner();
UPDATE app.partners SET code = 'V-4711' WHERE id = tests.recall('vendor');

-- The connection.
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is(tests.refusal($$SELECT app.set_sap_connection('https://sap.example.com/pulse', 'PRD', '100', 'PULSE', 'secret')$$),
  'PT403 permission.missing', 'a member without integration.manage cannot set the SAP connection');
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT is(tests.refusal($$SELECT app.set_sap_connection('http://sap.example.com/pulse', 'PRD', '100', 'PULSE', 'secret')$$),
  'PT422 sap_connection.url_invalid', 'plain http is refused except to localhost');
SELECT is(tests.refusal($$SELECT app.set_sap_connection('https://user:pw@sap.example.com/', 'PRD', '100', 'PULSE', 'secret')$$),
  'PT422 sap_connection.url_invalid', 'credentials in the URL are refused');
SELECT is(tests.refusal($$SELECT app.set_sap_connection(NULL, 'PRD', '100', 'PULSE', 'secret')$$),
  'PT422 sap_connection.url_invalid', 'an endpoint is required');
SELECT is(tests.refusal($$SELECT app.set_sap_connection('https://sap.example.com/pulse', 'PRD', '100', 'PULSE')$$),
  'PT422 sap_connection.password_missing', 'a new connection needs a password');
SELECT is(tests.refusal($$SELECT app.set_sap_connection('https://sap.example.com/pulse', 'prd!', '100', 'PULSE', 'x')$$),
  'PT422 sap_connection.system_invalid', 'the system id is an SAP SID');
SELECT is(tests.refusal($$SELECT app.set_sap_connection('https://sap.example.com/pulse', 'PRD', '100', 'PULSE', 'x', true, 0)$$),
  'PT422 sap_connection.max_attempts_invalid', 'attempts are 1 to 20');
SELECT is(tests.refusal($$SELECT app.set_sap_connection('https://sap.example.com/pulse', 'PRD', '100', 'PULSE', 'x', true, 2, 0)$$),
  'PT422 sap_connection.retry_base_invalid', 'the retry wait is 0.1 to 3600 seconds');
SELECT is((app.set_sap_connection('http://127.0.0.1:9/sap', 'PRD', '100', 'PULSE', 's3cret', false, 2, 1)).endpoint_url,
  'http://127.0.0.1:9/sap', 'http to localhost is accepted');
SELECT ok((SELECT app.sap_connections_password_set(c) FROM app.sap_connections AS c), 'the connection shows that a password is set');
SELECT is(tests.refusal($$SELECT * FROM app_private.sap_credentials$$), '42501', 'the password itself is never readable');
SELECT ok(NOT (to_jsonb((SELECT c FROM app.sap_connections AS c)) ?| ARRAY['password', 'secret']), 'the connection row holds no password');
SELECT is(tests.refusal($$UPDATE app.sap_connections SET is_enabled = true$$), '42501', 'the connection is written through the RPC only');

-- Mappings.
SELECT is((app.map_sap_object('material', 'M-1', 'part', tests.recall('part'))).sap_object_type, 'MATERIAL', 'a part is mapped to an SAP material');
SELECT is((app.map_sap_object('MATERIAL', 'M-1', 'part', tests.recall('part'))).sap_object_number, 'M-1', 'mapping again changes nothing');
SELECT is((SELECT created_by FROM app.sap_mappings WHERE part_id = tests.recall('part')), tests.recall('admin'), 'a mapping records who made it');
SELECT is(tests.refusal(format($$SELECT app.map_sap_object('MATERIAL', 'M-1', 'part', %L)$$, tests.recall('part2'))),
  'PT409 sap_mapping.object_mapped', 'an SAP number is mapped to one entity of its type');
SELECT is(tests.refusal(format($$SELECT app.map_sap_object('MATERIAL', 'M-2', 'part', %L)$$, tests.recall('part'))),
  'PT409 sap_mapping.entity_mapped', 'an entity is mapped to one SAP number of a type');
SELECT is(tests.refusal(format($$SELECT app.map_sap_object('VENDOR', 'V-1', 'part', %L)$$, tests.recall('part'))),
  'PT422 sap_mapping.type_mismatch', 'a part is no vendor');
SELECT is(tests.refusal(format($$SELECT app.map_sap_object('MATERIAL', 'M-9', 'part', %L)$$, tests.recall('b_part'))),
  'PT404 sap_mapping.entity_not_found', 'another tenant''s part cannot be mapped');
SELECT is((app.map_sap_object('VENDOR', '0000104711', 'partner', tests.recall('vendor'))).partner_id, tests.recall('vendor'),
  'a supplier is mapped to an SAP vendor');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.map_sap_object('MATERIAL', 'M-2', 'part', %L)$$, tests.recall('part2'))),
  'PT403 permission.missing', 'mapping needs integration.manage');
SELECT is_empty($$SELECT * FROM app.sap_mappings$$, 'a member without integration permissions sees no mapping');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is_empty($$SELECT * FROM app.sap_mappings$$, 'another tenant''s admin sees no mapping');
SELECT is(tests.refusal(format($$SELECT app.unmap_sap_object(%L)$$, (SELECT id FROM app.sap_mappings WHERE false))),
  'PT404 sap_mapping.not_found', 'unmapping nothing is not found');

-- Outbound: nothing while disabled; a message per change once enabled.
SELECT tests.act_as(tests.recall('engineer'), tests.recall('t'));
UPDATE app.parts SET name = 'Bracket, painted' WHERE id = tests.recall('part');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.sap_outbound_messages WHERE organization_id = tests.recall('t')), 0,
  'nothing is sent while the connection is disabled');
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT app.set_sap_connection('http://127.0.0.1:9/sap', 'PRD', '100', 'PULSE', NULL, true, 2, 1);
SELECT tests.act_as(tests.recall('engineer'), tests.recall('t'));
UPDATE app.parts SET name = 'Bracket, galvanized' WHERE id = tests.recall('part');
UPDATE app.parts SET custom_fields = '{}' WHERE id = tests.recall('part');
INSERT INTO app.part_revisions (part_id, revision) VALUES (tests.recall('part'), 'B');
SELECT app.release_part_revision((SELECT id FROM app.part_revisions WHERE part_id = tests.recall('part') AND revision = 'B'));
SELECT tests.act_as_owner();
SELECT results_eq(format($$SELECT message_type, entity_version, idempotency_key, sap_object_number, status FROM app.sap_outbound_messages
                             WHERE organization_id = %L ORDER BY entity_version$$, tests.recall('t')),
  format($$VALUES ('part.changed', 1, 'part:%1$s:1', 'M-1'::text, 'pending'), ('part_revision.released', 2, 'part:%1$s:2', 'M-1', 'pending')$$,
         tests.recall('part')),
  'a name change and a release make one message each, versioned, with the mapped number; other changes none');
SELECT tests.remember('message', (SELECT id FROM app.sap_outbound_messages WHERE organization_id = tests.recall('t') AND entity_version = 1));
SELECT is((SELECT payload - 'occurred_at' FROM app.sap_outbound_messages WHERE id = tests.recall('message')),
  jsonb_build_object('idempotency_key', 'part:' || tests.recall('part') || ':1', 'message_type', 'part.changed',
    'sap', '{"system_id": "PRD", "client": "100"}'::jsonb, 'object', '{"type": "MATERIAL", "number": "M-1"}'::jsonb,
    'entity', jsonb_build_object('type', 'part', 'id', tests.recall('part'), 'version', 1),
    'data', jsonb_build_object('material_number', (SELECT part_number FROM app.parts WHERE id = tests.recall('part')),
      'description', 'Bracket, galvanized', 'long_text', '', 'base_unit', 'pcs', 'status', 'active', 'revision_level', 'A')),
  'the payload is built in SQL from the tenant''s own part');
SELECT is((SELECT (payload -> 'data' ->> 'revision_level') FROM app.sap_outbound_messages
            WHERE organization_id = tests.recall('t') AND entity_version = 2), 'B', 'the release message carries the new revision level');
SELECT is((SELECT j.payload::jsonb FROM graphile_worker._private_jobs AS j JOIN graphile_worker._private_tasks AS t ON t.id = j.task_id
            WHERE t.identifier = 'sap_deliver' AND j.key = 'sap_message:' || tests.recall('message')),
  jsonb_build_object('organization_id', tests.recall('t'), 'message_id', tests.recall('message')), 'each message queues a sap_deliver job');
SELECT results_eq(format($$SELECT url, headers ->> 'Authorization', headers ->> 'sap-client', headers ->> 'Idempotency-Key', attempt_number
                             FROM app_private.sap_attempt_begin(%L, %L)$$, tests.recall('t'), tests.recall('message')),
  format($$VALUES ('http://127.0.0.1:9/sap', 'Basic %s', '100', 'part:%s:1', 1)$$, encode(convert_to('PULSE:s3cret', 'UTF8'), 'base64'),
         tests.recall('part')),
  'the worker''s request authenticates as the SAP user and names the client and the idempotency key');

-- Attempts: a failure retries, the last allowed one is dead; all logged; a replay sends again.
SELECT is(app_private.sap_attempt_finish(tests.recall('t'), tests.recall('message'), 1, 500, 12, NULL, 'boom'), 'pending',
  'a 500 is retried');
SELECT ok((SELECT next_attempt_at >= now() + interval '0.9 seconds' FROM app.sap_outbound_messages WHERE id = tests.recall('message')),
  'the retry waits the connection''s retry base');
SELECT is(app_private.sap_attempt_finish(tests.recall('t'), tests.recall('message'), 1, 500, 12, NULL, 'boom'), 'pending',
  'a report counted already changes nothing');
SELECT is(app_private.sap_attempt_finish(tests.recall('t'), tests.recall('message'), 2, NULL, 400, 'no answer within 10000 ms', NULL), 'dead',
  'after max_attempts the message is dead');
SELECT results_eq(format($$SELECT direction, status, http_status, response_excerpt, attempt_number FROM app.sap_sync_log
                             WHERE message_id = %L ORDER BY attempt_number$$, tests.recall('message')),
  $$VALUES ('outbound', 'failed', 500, 'boom'::text, 1), ('outbound', 'failed', NULL, NULL, 2)$$, 'every attempt is in the sync log');
SELECT tests.act_as(tests.recall('buyer'), tests.recall('t'));
SELECT is((SELECT count(*)::int FROM app.sap_sync_log), 2, 'integration.read reads the sync log');
SELECT is((SELECT count(*)::int FROM app.sap_outbound_messages), 2, 'integration.read reads the outbound messages');
SELECT is(tests.refusal(format($$SELECT app.replay_sap_message(%L)$$, tests.recall('message'))), 'PT403 permission.missing',
  'a reader cannot replay');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is_empty($$SELECT * FROM app.sap_sync_log UNION ALL SELECT organization_id, id, 'x', NULL, 'x', NULL, 'sent', NULL, NULL, NULL, NULL, NULL, now()
                   FROM app.sap_outbound_messages$$, 'a member without integration permissions sees no log and no message');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(tests.refusal(format($$SELECT app.replay_sap_message(%L)$$, tests.recall('message'))), 'PT404 sap_message.not_found',
  'another tenant cannot replay the message');
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT is((app.replay_sap_message(tests.recall('message'))).status, 'pending', 'a dead message is replayed');
SELECT tests.act_as_owner();
SELECT is(app_private.sap_attempt_finish(tests.recall('t'), tests.recall('message'), 3, 201, 5, NULL, '{"ok": true}'), 'sent',
  'the replay''s 2xx answer marks it sent');
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.replay_sap_message(%L)$$, tests.recall('message'))), 'PT409 sap_message.not_dead',
  'a sent message is not replayed');

-- A lot released from quarantine: a BATCH message (SAP's usage decision) with the mapped material and the plant.
SELECT tests.act_as_owner();
SELECT tests.remember('site', tests.create_site(tests.recall('t'), 'PLANT-7'));
SELECT tests.remember('lot', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('site'), 40, 'quarantined'));
UPDATE app.lots SET quality_status = 'on_hold' WHERE id = tests.recall('lot');
UPDATE app.lots SET quality_status = 'released' WHERE id = tests.recall('lot');
SELECT results_eq(format($$SELECT message_type, sap_object_type, entity_version, payload -> 'data' ->> 'batch_number' = l.lot_number,
                                  payload -> 'data' ->> 'material_number', payload -> 'data' ->> 'plant', payload -> 'data' ->> 'quantity'
                             FROM app.sap_outbound_messages AS m JOIN app.lots AS l ON l.id = m.entity_id WHERE m.entity_id = %L$$,
                           tests.recall('lot')),
  $$VALUES ('lot.released', 'BATCH', 1, true, 'M-1', 'PLANT-7', '40')$$,
  'releasing a held lot sends one BATCH message with the mapped material and the plant; holding it sends none');
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));

-- Inbound staging.
SELECT is(tests.refusal($$SELECT app.stage_sap_materials('{"material_number": "X"}')$$), 'PT422 sap_staging.materials_invalid',
  'staging takes a list of material masters');
SELECT is(app.stage_sap_materials($$[{"material_number": "RAW-7", "description": "Steel sheet 2mm", "base_unit": "kg", "revision_level": "01"},
                                  {"material_number": "RAW-8", "description": "Mystery", "base_unit": "furlong"}]$$), 2, 'materials are staged');
SELECT is(app.stage_sap_purchase_orders($$[
  {"po_number": "4500000001", "vendor": "0000104711", "lines": [
     {"line": 10, "material": "RAW-7", "quantity": 250, "unit": "kg", "delivery_date": "2027-01-15"},
     {"line": 20, "material": "M-1", "quantity": "40", "unit": "pcs"}]},
  {"po_number": "4500000002", "vendor": "V-NOPE", "lines": [{"line": 10, "material": "RAW-7", "quantity": 1, "unit": "kg"}]},
  {"po_number": "4500000003", "vendor": "V-4711", "lines": [
     {"line": 10, "material": "RAW-7", "quantity": 1, "unit": "kg"}, {"line": 10, "material": "RAW-7", "quantity": 2, "unit": "kg"},
     {"line": 20, "material": "RAW-7", "quantity": 1, "unit": "parsec"}]}]$$), 3, 'purchase orders are staged');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(app.apply_sap_staging(), '{"materials_applied": 0, "materials_failed": 0, "purchase_orders_applied": 0, "purchase_orders_failed": 0}'::jsonb,
  'another tenant''s apply touches none of the tenant''s staged rows');
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT is(app.apply_sap_staging(), '{"materials_applied": 1, "materials_failed": 1, "purchase_orders_applied": 1, "purchase_orders_failed": 2}'::jsonb,
  'good rows are applied, bad rows refused');
SELECT results_eq($$SELECT p.name, p.unit, r.revision, m.sap_object_number FROM app.parts AS p
                     JOIN app.part_revisions AS r ON r.part_id = p.id AND r.status = 'released'
                     JOIN app.sap_mappings AS m ON m.part_id = p.id WHERE p.part_number = 'RAW-7'$$,
  $$VALUES ('Steel sheet 2mm', 'kg', '01', 'RAW-7')$$, 'a staged material becomes a mapped part with its revision released');
SELECT is((SELECT errors -> 0 ->> 'reason' FROM app.sap_staged_materials WHERE material_number = 'RAW-8'), 'material.unit_unknown',
  'a material whose unit is not in the units register stays with its error');
SELECT results_eq($$SELECT o.supplier_id, l.line_number, l.quantity, l.unit, l.delivery_date FROM app.purchase_orders AS o
                     JOIN app.purchase_order_lines AS l ON l.purchase_order_id = o.id WHERE o.po_number = '4500000001' ORDER BY l.line_number$$,
  format($$VALUES (%L::uuid, 10, 250::numeric, 'kg', '2027-01-15'::date), (%1$L, 20, 40, 'pcs', NULL)$$, tests.recall('vendor')),
  'a good purchase order is applied with all its lines, its vendor found by mapping');
SELECT results_eq($$SELECT po_number, status, purchase_order_id IS NULL,
                           (SELECT array_agg(e ->> 'reason' ORDER BY e ->> 'reason') FROM jsonb_array_elements(errors) AS e)
                      FROM app.sap_staged_purchase_orders WHERE po_number <> '4500000001' ORDER BY po_number$$,
  $$VALUES ('4500000002', 'error', true, ARRAY['purchase_order.vendor_unknown']),
           ('4500000003', 'error', true, ARRAY['purchase_order_line.duplicate', 'purchase_order_line.unit_unknown'])$$,
  'bad purchase orders stay with every error and nothing of them is applied');
SELECT is((SELECT count(*)::int FROM app.purchase_orders WHERE po_number IN ('4500000002', '4500000003')), 0, 'no half-applied order');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.sap_outbound_messages AS m JOIN app.parts AS p ON p.id = m.entity_id WHERE p.part_number = 'RAW-7'), 0,
  'a part SAP sent is not echoed back to SAP');

SELECT tests.act_as(tests.create_operator());
SELECT is(ARRAY[(SELECT count(*) FROM app.sap_connections WHERE organization_id = tests.recall('t')),
                (SELECT count(*) FROM app.sap_mappings WHERE organization_id = tests.recall('t')),
                (SELECT count(*) FROM app.sap_outbound_messages WHERE organization_id = tests.recall('t')),
                (SELECT count(*) FROM app.sap_sync_log WHERE organization_id = tests.recall('t')),
                (SELECT count(*) FROM app.sap_staged_materials WHERE organization_id = tests.recall('t')),
                (SELECT count(*) FROM app.sap_staged_purchase_orders WHERE organization_id = tests.recall('t')),
                (SELECT count(*) FROM app.purchase_orders WHERE organization_id = tests.recall('t')),
                (SELECT count(*) FROM app.purchase_order_lines WHERE organization_id = tests.recall('t'))]::int[],
  ARRAY[1, 4, 3, 8, 2, 3, 1, 2],
  'a platform operator reads the connection, mappings, messages, log, staging and purchase orders of every tenant');

SELECT * FROM finish();
ROLLBACK;
