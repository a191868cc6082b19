-- SAP outbound for shipments and NCRs, receipts against purchase order lines
-- and the SAP retention job, as real roles. A shipped shipment is an outbound
-- delivery with goods issue; an NCR a quality notification (raised,
-- dispositioned, closed, cancelled); either is blocked (sap_mapping.missing)
-- while SAP would not know its customer, vendor or material, and replayed
-- once mapped. Receipts against a PO line: same tenant, part and supplier,
-- units converted, open quantity, over-receipt tolerance, closed and fully
-- received lines refused, the line's date is the due date; SAP may not
-- shrink a line below what was received.
BEGIN;
SELECT plan(59);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('site', tests.create_site(tests.recall('t')));
SELECT tests.remember('admin', tests.create_member(tests.recall('t'), 'admin'));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('eng', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.remember('dock', tests.create_member(tests.recall('t'), 'logistics'));
SELECT tests.remember('buyer', tests.create_member(tests.recall('t'), 'procurement'));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('customer', tests.create_partner(tests.recall('t')));
SELECT tests.remember('supplier', tests.create_partner(tests.recall('t'), 'supplier'));
SELECT tests.remember('part', tests.create_part(tests.recall('t')));
SELECT tests.remember('steel', tests.create_part(tests.recall('t'), 'kg'));
SELECT tests.remember('lot', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('site'), 100));
SELECT tests.remember('lot2', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('site'), 10));
SELECT tests.act_as_owner();
UPDATE app.partners SET code = 'C-100' WHERE id = tests.recall('customer');
UPDATE app.partners SET code = 'V-200' WHERE id = tests.recall('supplier');
INSERT INTO app.approved_suppliers (organization_id, supplier_id, status, valid_until)
VALUES (tests.recall('t'), tests.recall('supplier'), 'approved', current_date + 365);

SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT app.set_sap_connection('http://127.0.0.1:9/sap', 'PRD', '100', 'PULSE', 's3cret', true, 2, 1);

-- A shipment shipped while its customer and material are unmapped: blocked, not queued.
SELECT tests.act_as(tests.recall('dock'), tests.recall('t'));
SELECT tests.remember('shp', (app.create_shipment(tests.recall('customer'), tests.recall('site'), 'DHL', '1Z999', current_date + 3)).id);
SELECT app.add_shipment_item(tests.recall('shp'), lot_id => tests.recall('lot'), quantity => 5);
SELECT app.transition('shipment', tests.recall('shp'), 'picked');
SELECT app.transition('shipment', tests.recall('shp'), 'packed');
SELECT app.ship_shipment(tests.recall('shp'));
SELECT tests.act_as_owner();
SELECT tests.remember('m_shp', (SELECT id FROM app.sap_outbound_messages WHERE entity_id = tests.recall('shp')));
SELECT is((SELECT (message_type, sap_object_type, status, blocked_reason)::text FROM app.sap_outbound_messages WHERE id = tests.recall('m_shp')),
  '(shipment.shipped,DELIVERY,blocked,sap_mapping.missing)', 'a shipment shipped with unmapped customer and material is a blocked delivery');
SELECT matches((SELECT last_error FROM app.sap_outbound_messages WHERE id = tests.recall('m_shp')),
  'customer C-100 has no SAP CUSTOMER mapping; parts .* have no SAP MATERIAL mapping', 'the message says which mappings are missing');
SELECT is((SELECT count(*)::int FROM graphile_worker._private_jobs WHERE key = 'sap_message:' || tests.recall('m_shp')), 0,
  'a blocked message queues no job');
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.replay_sap_message(%L)$$, tests.recall('m_shp'))), 'PT409 sap_mapping.missing',
  'a blocked message is not replayed while the mapping is still missing');
SELECT app.map_sap_object('CUSTOMER', '0000300100', 'partner', tests.recall('customer'));
SELECT is(tests.refusal(format($$SELECT app.replay_sap_message(%L)$$, tests.recall('m_shp'))), 'PT409 sap_mapping.missing',
  'nor while one material is unmapped');
SELECT app.map_sap_object('MATERIAL', 'MAT-100', 'part', tests.recall('part'));
SELECT is((app.replay_sap_message(tests.recall('m_shp'))).status, 'pending', 'once mapped, the blocked message is replayed');
SELECT tests.act_as_owner();
SELECT is((SELECT (blocked_reason IS NULL AND next_attempt_at IS NOT NULL)
             AND EXISTS (SELECT FROM graphile_worker._private_jobs WHERE key = 'sap_message:' || m.id)
             FROM app.sap_outbound_messages AS m WHERE id = tests.recall('m_shp')), true, 'and queued for the worker');
SELECT is((SELECT (payload -> 'data') - 'items' - 'shipped_at' - 'goods_issue_date' - 'customer_name' - 'plant'
             FROM app.sap_outbound_messages WHERE id = tests.recall('m_shp')),
  jsonb_build_object('delivery_number', (SELECT shipment_number FROM app.shipments WHERE id = tests.recall('shp')), 'movement', 'goods_issue',
                     'customer_number', '0000300100', 'promised_date', current_date + 3, 'carrier', 'DHL', 'tracking_number', '1Z999'),
  'the delivery names the mapped customer, dates, carrier and tracking');
SELECT is((SELECT payload -> 'data' -> 'items' FROM app.sap_outbound_messages WHERE id = tests.recall('m_shp')),
  jsonb_build_array(jsonb_build_object('item', 10, 'material_number', 'MAT-100', 'part_number', (SELECT part_number FROM app.parts WHERE id = tests.recall('part')),
                                       'quantity', 5, 'unit', 'pcs', 'batch', (SELECT lot_number FROM app.lots WHERE id = tests.recall('lot')),
                                       'serial_number', NULL)),
  'each item carries the mapped material, batch, quantity and unit');
SELECT is((SELECT payload ->> 'idempotency_key' FROM app.sap_outbound_messages WHERE id = tests.recall('m_shp')),
  'shipment:' || tests.recall('shp') || ':1', 'the delivery keeps its idempotency key');
SELECT is((SELECT payload -> 'data' ->> 'goods_issue_date' FROM app.sap_outbound_messages WHERE id = tests.recall('m_shp')),
  to_char(current_date, 'YYYY-MM-DD'), 'the goods issue date is the day shipped');

-- Mapped: a second shipment is sent straight away.
SELECT tests.act_as(tests.recall('dock'), tests.recall('t'));
SELECT tests.remember('shp2', (app.create_shipment(tests.recall('customer'), tests.recall('site'))).id);
SELECT app.add_shipment_item(tests.recall('shp2'), lot_id => tests.recall('lot'), quantity => 1);
SELECT app.transition('shipment', tests.recall('shp2'), 'picked');
SELECT app.transition('shipment', tests.recall('shp2'), 'packed');
SELECT is((SELECT count(*)::int FROM app.sap_outbound_messages WHERE entity_id = tests.recall('shp2')), 0, 'picking and packing send nothing');
SELECT app.ship_shipment(tests.recall('shp2'));
SELECT tests.act_as_owner();
SELECT is((SELECT (status, entity_version)::text FROM app.sap_outbound_messages WHERE entity_id = tests.recall('shp2')), '(pending,1)',
  'a shipment of mapped customer and material is pending at once');
SELECT tests.act_as(tests.recall('dock'), tests.recall('t'));
SELECT app.transition('shipment', tests.recall('shp2'), 'delivered');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.sap_outbound_messages WHERE organization_id = tests.recall('t') AND entity_id = tests.recall('shp2')), 1,
  'delivery afterwards sends nothing more');

-- NCRs: raised with an unmapped supplier is blocked; the MRB steps SAP cares about are sent.
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT tests.remember('ncr', (app.create_ncr(tests.recall('part'), tests.recall('site'), 'Burr', 'Burr on edge',
                                             lot_ids => ARRAY[tests.recall('lot2')], supplier_id => tests.recall('supplier'))).id);
SELECT tests.act_as_owner();
SELECT is((SELECT (message_type, sap_object_type, status, entity_version)::text FROM app.sap_outbound_messages WHERE entity_id = tests.recall('ncr')),
  '(ncr.raised,QUALITY_NOTIFICATION,blocked,1)', 'an NCR raised against an unmapped supplier is a blocked quality notification');
SELECT matches((SELECT last_error FROM app.sap_outbound_messages WHERE entity_id = tests.recall('ncr')), '^supplier V-200 has no SAP VENDOR mapping$',
  'naming the missing vendor');
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT app.map_sap_object('VENDOR', '0000104711', 'partner', tests.recall('supplier'));
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT app.advance_ncr(tests.recall('ncr'), 'containment');
SELECT app.advance_ncr(tests.recall('ncr'), 'disposition', 'Lot segregated');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.sap_outbound_messages WHERE entity_id = tests.recall('ncr')), 1, 'containment steps send nothing');
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
SELECT app.add_ncr_disposition(tests.recall('ncr'), 'scrap', 10, lot_id => tests.recall('lot2'));
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT app.advance_ncr(tests.recall('ncr'), 'verification');
SELECT tests.act_as_owner();
SELECT is((SELECT (message_type, status, entity_version)::text FROM app.sap_outbound_messages WHERE entity_id = tests.recall('ncr') AND entity_version = 2),
  '(ncr.dispositioned,pending,2)', 'the disposition decided is the next version, sendable once the vendor is mapped');
SELECT is((SELECT payload -> 'data' -> 'dispositions' FROM app.sap_outbound_messages WHERE entity_id = tests.recall('ncr') AND entity_version = 2),
  jsonb_build_array(jsonb_build_object('disposition', 'scrap', 'quantity', 10, 'unit', 'pcs', 'batch',
                                       (SELECT lot_number FROM app.lots WHERE id = tests.recall('lot2')), 'serial_number', NULL, 'concession', false)),
  'it carries the dispositions with their batch');
SELECT is((SELECT payload -> 'data' ->> 'vendor_number' || ' ' || (payload -> 'data' ->> 'material_number') || ' ' || (payload -> 'data' ->> 'notification_type')
             FROM app.sap_outbound_messages WHERE entity_id = tests.recall('ncr') AND entity_version = 2),
  '0000104711 MAT-100 Q2', 'the vendor and material by their SAP numbers; an NCR against a supplier is a Q2 notification');
SELECT is((SELECT payload -> 'data' -> 'batches' FROM app.sap_outbound_messages WHERE entity_id = tests.recall('ncr') AND entity_version = 2),
  jsonb_build_array((SELECT lot_number FROM app.lots WHERE id = tests.recall('lot2'))), 'and the batches held');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT app.record_ncr_verification(tests.recall('ncr'), 'accepted', 'Scrapped');
SELECT app.advance_ncr(tests.recall('ncr'), 'closed');
SELECT tests.act_as_owner();
SELECT is((SELECT (message_type, status)::text || ' ' || (payload -> 'data' ->> 'status') || ' ' || ((payload -> 'data' ->> 'closed_at') IS NOT NULL)
             FROM app.sap_outbound_messages WHERE entity_id = tests.recall('ncr') AND entity_version = 3),
  '(ncr.closed,pending) closed true', 'closing the NCR sends the notification''s completion');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT tests.remember('ncr2', (app.create_ncr(tests.recall('part'), tests.recall('site'), 'Scratch', 'Scratches', 2)).id);
SELECT app.advance_ncr(tests.recall('ncr2'), 'cancelled', 'Not a defect');
SELECT tests.act_as_owner();
SELECT is((SELECT string_agg(message_type || ':' || status, ',' ORDER BY entity_version) FROM app.sap_outbound_messages WHERE entity_id = tests.recall('ncr2')),
  'ncr.raised:pending,ncr.cancelled:pending', 'an NCR raised and cancelled sends both, Q3 internal');
SELECT is((SELECT payload -> 'data' ->> 'notification_type' FROM app.sap_outbound_messages WHERE entity_id = tests.recall('ncr2') AND entity_version = 1),
  'Q3', 'an internal NCR is a Q3 notification');

-- Another tenant and a member without integration rights see none of it.
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is_empty($$SELECT * FROM app.sap_outbound_messages$$, 'another tenant''s admin sees no message');
SELECT is(tests.refusal(format($$SELECT app.replay_sap_message(%L)$$, tests.recall('m_shp'))), 'PT404 sap_message.not_found',
  'nor replays one');

-- Purchase order lines from SAP.
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT is(app.stage_sap_purchase_orders(jsonb_build_array(jsonb_build_object('po_number', '4500000001', 'vendor', 'V-200', 'lines', jsonb_build_array(
  jsonb_build_object('line', 10, 'material', (SELECT part_number FROM app.parts WHERE id = tests.recall('steel')), 'quantity', 50000, 'unit', 'g',
                     'delivery_date', to_char(current_date + 5, 'YYYY-MM-DD')),
  jsonb_build_object('line', 20, 'material', (SELECT part_number FROM app.parts WHERE id = tests.recall('steel')), 'quantity', 10, 'unit', 'kg',
                     'delivery_completed', true))))), 1, 'one purchase order is staged');
SELECT is((app.apply_sap_staging()) ->> 'purchase_orders_applied', '1', 'the purchase order is applied');
SELECT tests.remember('line10', (SELECT id FROM app.purchase_order_lines WHERE organization_id = tests.recall('t') AND line_number = 10));
SELECT tests.remember('line20', (SELECT id FROM app.purchase_order_lines WHERE organization_id = tests.recall('t') AND line_number = 20));
SELECT is((SELECT delivery_completed FROM app.purchase_order_lines WHERE id = tests.recall('line20')), true, 'SAP''s delivery completed closes a line');

SELECT tests.act_as(tests.recall('dock'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.record_receipt(%L, %L, %L, 1, 'S-1', purchase_order_line_id => %L)$$,
                               tests.recall('supplier'), tests.recall('part'), tests.recall('site'), tests.recall('line10'))),
  'PT422 receipt.purchase_order_mismatch', 'a receipt of another part than the line orders is refused');
SELECT is(tests.refusal(format($$SELECT app.record_receipt(%L, %L, %L, 1, 'S-1', purchase_order_line_id => %L)$$,
                               tests.recall('supplier'), tests.recall('steel'), tests.recall('site'), tests.recall('line20'))),
  'PT409 purchase_order_line.closed', 'a receipt against a closed line is refused');
SELECT tests.remember('r1', (app.record_receipt(tests.recall('supplier'), tests.recall('steel'), tests.recall('site'), 20, 'S-1',
                                                purchase_order_line_id => tests.recall('line10'))).id);
SELECT is((SELECT (due_on, purchase_order, purchase_order_line_id, on_time)::text FROM app.receipts WHERE id = tests.recall('r1')),
  (current_date + 5, '4500000001', tests.recall('line10'), true)::text,
  'a receipt against a line takes its delivery date as due date (on time counts against it) and its PO number');
SELECT is((SELECT (app.purchase_order_lines_received_quantity(l), app.purchase_order_lines_open_quantity(l))::text
             FROM app.purchase_order_lines AS l WHERE id = tests.recall('line10')), '(20000,30000)',
  'received and open quantity are in the line''s unit (20 kg received of 50000 g)');
SELECT is(tests.refusal(format($$SELECT app.record_receipt(%L, %L, %L, 31, 'S-2', purchase_order_line_id => %L)$$,
                               tests.recall('supplier'), tests.recall('steel'), tests.recall('site'), tests.recall('line10'))),
  'PT409 receipt.over_receipt', 'receiving beyond the ordered quantity is refused without tolerance');
SELECT tests.act_as_owner();
INSERT INTO app.tenant_settings (organization_id, setting_key, value) VALUES (tests.recall('t'), 'over_receipt_tolerance_percent', '10');
SELECT tests.act_as(tests.recall('dock'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.record_receipt(%L, %L, %L, 35001, 'S-2', unit => 'g', purchase_order_line_id => %L)$$,
                               tests.recall('supplier'), tests.recall('steel'), tests.recall('site'), tests.recall('line10'))),
  'PT409 receipt.over_receipt', 'the tolerance bounds it (55 kg of 50 kg at 10 %), units converted');
SELECT is((app.record_receipt(tests.recall('supplier'), tests.recall('steel'), tests.recall('site'), 35000, 'S-2', unit => 'g',
                              purchase_order_line_id => tests.recall('line10'))).quantity, 35::numeric,
  'within the tolerance a receipt is taken (in the part''s unit)');
SELECT is((SELECT app.purchase_order_lines_open_quantity(l) FROM app.purchase_order_lines AS l WHERE id = tests.recall('line10')), 0::numeric,
  'an over-received line has nothing open');
SELECT is(tests.refusal(format($$SELECT app.record_receipt(%L, %L, %L, 0.001, 'S-3', purchase_order_line_id => %L)$$,
                               tests.recall('supplier'), tests.recall('steel'), tests.recall('site'), tests.recall('line10'))),
  'PT409 purchase_order_line.fully_received', 'nothing more is received against a fully received line');
SELECT tests.act_as_owner();
CREATE TEMP TABLE line_copy AS SELECT * FROM app.purchase_order_lines WHERE id = tests.recall('line10');
GRANT SELECT ON line_copy TO PUBLIC;
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is((SELECT (app.purchase_order_lines_received_quantity(ROW(l.*)::app.purchase_order_lines),
                   app.purchase_order_lines_open_quantity(ROW(l.*)::app.purchase_order_lines))::text FROM line_copy AS l), '(,)',
  'another tenant''s line, even fabricated, gives no received or open quantity');
SELECT is(tests.refusal(format($$SELECT app.record_receipt(%L, %L, %L, 1, 'S-1', purchase_order_line_id => %L)$$,
                               tests.recall('supplier'), tests.recall('steel'), tests.recall('site'), tests.recall('line10'))),
  'PT404 site.not_found', 'another tenant cannot receive against the line');
SELECT is_empty($$SELECT * FROM app.purchase_order_lines$$, 'nor read it');
SELECT is(tests.refusal(format($$SELECT app_private.check_receipt_against_line(%L, %L, %L, %L, 1, 'kg')$$,
                               tests.recall('b'), tests.recall('line10'), tests.recall('supplier'), tests.recall('steel'))),
  '42501', 'the check is not callable by API roles');
SELECT tests.act_as_owner();
SELECT is(tests.refusal(format($$SELECT app_private.check_receipt_against_line(%L, %L, %L, %L, 1, 'kg')$$,
                               tests.recall('b'), tests.recall('line10'), tests.recall('supplier'), tests.recall('steel'))),
  'PT404 purchase_order_line.not_found', 'a line is looked up in the receiving tenant only');

-- SAP may not shrink a line below what was received, nor drop it.
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT is(app.stage_sap_purchase_orders(jsonb_build_array(
  jsonb_build_object('po_number', '4500000001', 'vendor', 'V-200', 'lines', jsonb_build_array(
    jsonb_build_object('line', 10, 'material', (SELECT part_number FROM app.parts WHERE id = tests.recall('steel')), 'quantity', 54, 'unit', 'kg'),
    jsonb_build_object('line', 20, 'material', (SELECT part_number FROM app.parts WHERE id = tests.recall('steel')), 'quantity', 10, 'unit', 'kg'))))), 1, 'one purchase order is staged');
SELECT is((app.apply_sap_staging()) ->> 'purchase_orders_failed', '1', 'a line shrunk below the received 55 kg is refused');
SELECT is((SELECT errors -> 0 ->> 'reason' FROM app.sap_staged_purchase_orders WHERE status = 'error' ORDER BY staged_at DESC LIMIT 1),
  'purchase_order_line.below_received', 'with its reason');
SELECT is(app.stage_sap_purchase_orders(jsonb_build_array(
  jsonb_build_object('po_number', '4500000001', 'vendor', 'V-200', 'lines', jsonb_build_array(
    jsonb_build_object('line', 20, 'material', (SELECT part_number FROM app.parts WHERE id = tests.recall('steel')), 'quantity', 10, 'unit', 'kg'))))), 1, 'one purchase order is staged');
SELECT is((app.apply_sap_staging()) ->> 'purchase_orders_failed', '1', 'the purchase order without its received line fails');
SELECT is((SELECT errors FROM app.sap_staged_purchase_orders WHERE status = 'error' ORDER BY staged_at DESC, id DESC LIMIT 1),
  jsonb_build_array(jsonb_build_object('reason', 'purchase_order_line.below_received', 'line', '10',
                                       'message', 'line 10 is left out, but 55000 g were already received against it')),
  'a received line left out is refused too');
SELECT is(app.stage_sap_purchase_orders(jsonb_build_array(
  jsonb_build_object('po_number', '4500000001', 'vendor', 'V-200', 'lines', jsonb_build_array(
    jsonb_build_object('line', 10, 'material', (SELECT part_number FROM app.parts WHERE id = tests.recall('steel')), 'quantity', 55, 'unit', 'kg',
                       'delivery_completed', true))))), 1, 'one purchase order is staged');
SELECT is((app.apply_sap_staging()) ->> 'purchase_orders_applied', '1', 'a line kept at what was received is applied (the unreceived line goes)');
SELECT is((SELECT (quantity, unit, delivery_completed)::text FROM app.purchase_order_lines WHERE id = tests.recall('line10')), '(55,kg,t)',
  'the line takes SAP''s quantity, unit and closure');

-- Retention: settled messages are purged by the daily job; pending ones stay.
SELECT tests.act_as_owner();
SELECT ok(EXISTS (SELECT FROM app_private.jobs() WHERE name = 'purge-sap-messages' AND schedule = '3 4 * * *'), 'purge-sap-messages is scheduled daily');
SELECT is(app_private.run_job('purge-sap-messages'), '0 SAP messages (with their attempts), 0 inbound log rows and 0 staged rows purged',
  'the job runs and keeps what is younger than the retention');
SELECT app_private.sap_attempt_finish(tests.recall('t'), tests.recall('m_shp'), 1, 200, 5, NULL, 'ok');
UPDATE app.sap_outbound_messages SET status = 'dead', next_attempt_at = NULL WHERE entity_id = tests.recall('ncr2') AND entity_version = 1;
SELECT is(app_private.purge_sap_messages(now() + interval '31 days'),
  '1 SAP messages (with their attempts), 4 inbound log rows and 4 staged rows purged',
  '31 days on, the sent message, the inbound log rows and the settled staging rows are purged');
SELECT is((SELECT count(*)::int FROM app.sap_sync_log WHERE message_id = tests.recall('m_shp')), 0, 'the purged message''s attempts go with it');
SELECT ok(EXISTS (SELECT FROM app.sap_outbound_messages WHERE entity_id = tests.recall('ncr2') AND entity_version = 1),
  'a dead message stays for dead_retention');
SELECT is(app_private.purge_sap_messages(now() + interval '91 days'),
  '2 SAP messages (with their attempts), 0 inbound log rows and 0 staged rows purged', 'dead and blocked ones go after 90 days');
SELECT ok(EXISTS (SELECT FROM app.sap_outbound_messages WHERE entity_id = tests.recall('ncr') AND entity_version = 3),
  'a pending message stays whatever its age');

SELECT * FROM finish();
ROLLBACK;
