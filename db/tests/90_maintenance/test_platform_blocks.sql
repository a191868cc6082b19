-- Maintenance records on the platform blocks (migration
-- maintenance/platform_blocks): custom fields on assets (equipment), work
-- orders, lots and shipments, checked like the others; app.search finds
-- assets, shipments, serials, work requests and change orders, at the
-- plants the caller may read, in their tenant only; a contractor's portal
-- user reads the assets of their company's work orders and no one else's
-- labour (names, rates, costs).
BEGIN;
SELECT plan(31);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('class', tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false));
SELECT tests.remember('lathe', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant_a'), NULL, 'CNC lathe'));
SELECT tests.remember('mill', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant_b'), NULL, 'Milling centre'));
INSERT INTO app.assets (organization_id, equipment_id, level) VALUES
  (tests.recall('t')::uuid, tests.recall('lathe')::uuid, 'machine'), (tests.recall('t')::uuid, tests.recall('mill')::uuid, 'machine');
SELECT tests.remember('b_class', tests.create_equipment_class(tests.recall('b'), p_requires_calibration => false));
SELECT tests.remember('b_lathe', tests.create_equipment(tests.recall('b'), tests.recall('b_class'), tests.create_site(tests.recall('b')), NULL, 'CNC lathe'));
SELECT tests.fill_traceability(tests.recall('t'));
SELECT tests.fill_logistics(tests.recall('t'));
INSERT INTO app.change_orders (organization_id, title, reason, effectivity, effective_date)
VALUES (tests.recall('t')::uuid, 'Lathe guard redesign', 'design_improvement', 'date', CURRENT_DATE);
SELECT tests.remember('admin', tests.create_member(tests.recall('t'), 'admin'));
SELECT tests.remember('planner', tests.create_member(tests.recall('t'), 'maintenance_planner'));
SELECT tests.remember('tech_b', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_b')));
SELECT tests.remember('stranger', tests.create_member(tests.recall('b'), 'maintenance_planner'));
SELECT tests.remember('contractor', tests.create_partner(tests.recall('t'), 'supplier'));
SELECT tests.remember('rival', tests.create_partner(tests.recall('t'), 'supplier'));
SELECT tests.remember('portal', tests.create_member(tests.recall('t'), 'customer_portal', NULL, tests.recall('contractor')));
SELECT tests.remember('rival_portal', tests.create_member(tests.recall('t'), 'customer_portal', NULL, tests.recall('rival')));
CREATE FUNCTION pg_temp.as_(p_user text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_slug text;
BEGIN
  PERFORM tests.act_as_owner();
  SELECT o.slug INTO v_slug FROM app.organizations AS o JOIN app.memberships AS m ON m.organization_id = o.id
   WHERE m.user_id = tests.recall(p_user)::uuid;
  PERFORM tests.act_as(tests.email_of(tests.recall(p_user)), v_slug);
END
$$;
GRANT EXECUTE ON FUNCTION pg_temp.as_(text) TO PUBLIC;

-- Custom fields: definitions for assets, work orders, lots and shipments.
SELECT pg_temp.as_('admin');
SELECT lives_ok($$
  INSERT INTO app.custom_field_definitions (organization_id, entity_type, code, label, field_type, max_length)
  SELECT auth.org_id(), e, 'cost_centre', 'Cost centre', 'text', 6 FROM unnest(ARRAY['equipment', 'work_order', 'lot', 'shipment']) AS e$$,
  'custom fields can be defined for assets (equipment), work orders, lots and shipments');
SELECT is(tests.refusal($$INSERT INTO app.custom_field_definitions (organization_id, entity_type, code, label, field_type)
                          VALUES (auth.org_id(), 'storeroom', 'x', 'X', 'text')$$),
  'PT422 custom_field.entity_type_not_enabled', 'not for an entity type that did not enable them');

SELECT pg_temp.as_('planner');
UPDATE app.equipment SET custom_fields = '{"cost_centre": "CC-410"}' WHERE id = tests.recall('lathe')::uuid;
SELECT is((SELECT custom_fields ->> 'cost_centre' FROM app.equipment WHERE id = tests.recall('lathe')::uuid), 'CC-410',
  'a planner sets an asset''s custom field');
SELECT is(tests.refusal(format($$UPDATE app.equipment SET custom_fields = '{"cost_centre": "far too long"}' WHERE id = %L$$, tests.recall('lathe'))),
  'PT422 custom_field.max_length', 'an asset''s value is checked against the definition');
SELECT is(tests.refusal(format($$UPDATE app.equipment SET custom_fields = '{"colour": "red"}' WHERE id = %L$$, tests.recall('lathe'))),
  'PT422 custom_field.unknown', 'an undefined field is refused on an asset');
SELECT tests.remember('wo', (app.create_work_order(tests.recall('lathe'), 'preventive', 'Spindle bearing check')).id);
SELECT is((app.set_work_order_custom_fields(tests.recall('wo'), '{"cost_centre": "CC-410"}')).custom_fields, '{"cost_centre": "CC-410"}'::jsonb,
  'a planner sets a work order''s custom field');
SELECT is(tests.refusal(format($$SELECT app.set_work_order_custom_fields(%L, '{"cost_centre": 410}')$$, tests.recall('wo'))),
  'PT422 custom_field.type', 'a work order''s value is checked against the definition');
SELECT is(tests.refusal(format($$SELECT app.set_work_order_custom_fields(%L, '[1]')$$, tests.recall('wo'))),
  'PT422 custom_field.values_invalid', 'custom fields are an object');
SELECT is((SELECT array_agg(id) FROM app.work_orders WHERE custom_fields @> '{"cost_centre": "CC-410"}'), ARRAY[tests.recall('wo')::uuid],
  'work orders are filtered by a custom field');
SELECT pg_temp.as_('tech_b');
SELECT is(tests.refusal(format($$SELECT app.set_work_order_custom_fields(%L, '{"cost_centre": "CC-1"}')$$, tests.recall('wo'))),
  'PT404 work_order.not_found', 'a technician of another plant sets nothing');
SELECT pg_temp.as_('admin');
SELECT is((app.set_lot_custom_fields((SELECT id FROM app.lots ORDER BY created_at LIMIT 1), '{"cost_centre": "CC-7"}')).custom_fields ->> 'cost_centre',
  'CC-7', 'a lot''s custom field is set with traceability.manage');
SELECT is(tests.refusal($$UPDATE app.shipments SET custom_fields = '{"cost_centre": 7}'$$), 'PT422 custom_field.type',
  'a shipment''s value is checked against the definition');

-- Search.
SELECT pg_temp.as_('planner');
SELECT tests.remember('wr', (app.request_work(tests.recall('mill'), 'Coolant leak under the milling centre', 'Puddle by the chip conveyor')).id);
SELECT is((SELECT array_agg(entity_id) FROM app.search('CNC lathe', ARRAY['equipment'])), ARRAY[tests.recall('lathe')::uuid],
  'a planner finds the CNC lathe asset, only of their tenant');
SELECT is((SELECT array_agg(entity_id) FROM app.search('coolant leak', ARRAY['work_request'])), ARRAY[tests.recall('wr')::uuid],
  'and a work request by its title');
SELECT pg_temp.as_('tech_b');
SELECT is((SELECT count(*)::int FROM app.search('CNC lathe', ARRAY['equipment'])), 0, 'a plant B technician does not find a plant A asset');
SELECT is((SELECT array_agg(entity_id) FROM app.search('milling', ARRAY['equipment'])), ARRAY[tests.recall('mill')::uuid],
  'but finds one of plant B');
SELECT pg_temp.as_('admin');
SELECT is((SELECT array_agg(DISTINCT s.entity_type ORDER BY s.entity_type)
             FROM (SELECT 'shipment' AS t, shipment_number AS q FROM app.shipments
                   UNION ALL SELECT 'serial', serial_number FROM app.serials
                   UNION ALL SELECT 'change_order', eco_number FROM app.change_orders) AS w
             CROSS JOIN LATERAL app.search(w.q, ARRAY[w.t]) AS s),
  ARRAY['change_order', 'serial', 'shipment'], 'shipments, serials and change orders are found by their human id');
SELECT pg_temp.as_('stranger');
SELECT is((SELECT array_agg(entity_id) FROM app.search('CNC lathe', ARRAY['equipment'])), ARRAY[tests.recall('b_lathe')::uuid],
  'another tenant finds only its own');

-- A contractor's portal user: the assets of their company's work orders, only their own labour.
SELECT tests.act_as_owner();
UPDATE app.work_orders SET contractor_id = tests.recall('contractor')::uuid WHERE id = tests.recall('wo')::uuid;
INSERT INTO app.labour_entries (organization_id, work_order_id, user_id, started_at, hours, hourly_rate, currency, site_id)
VALUES (tests.recall('t')::uuid, tests.recall('wo')::uuid, tests.recall('planner')::uuid, now() - interval '1 hour', 1, 62.5, 'EUR',
        tests.recall('plant_a')::uuid);
SELECT pg_temp.as_('portal');
SELECT is((SELECT array_agg(equipment_id) FROM app.assets), ARRAY[tests.recall('lathe')::uuid],
  'a contractor''s portal user reads the asset of their company''s work order, no other');
SELECT is((SELECT count(*)::int FROM app.labour_entries) + (SELECT count(*)::int FROM app.work_order_cost_lines WHERE kind = 'labour'), 0,
  'but not the staff''s labour: no names, rates or costs');
SELECT is((SELECT count(*)::int FROM app.work_orders), 1, 'while reading the work order itself');
SELECT pg_temp.as_('rival_portal');
SELECT is((SELECT count(*)::int FROM app.assets), 0, 'another contractor reads no asset');
SELECT pg_temp.as_('planner');
SELECT is((SELECT sum(cost) FROM app.labour_entry_costs), 62.50, 'staff who read the work order read its labour (a planner: its cost too)');

-- Deleting an asset from under work: API roles move it to the trash (no
-- DELETE grant); the purge-trash job deletes (as the owner). Both refused.
SELECT pg_temp.as_('planner');
SELECT is(tests.refusal(format($$SELECT app.soft_delete('equipment', %L, 'scrapped')$$, tests.recall('lathe'))), 'PT409 asset.open_work',
  'an asset with an open work order is not moved to the trash');
SELECT tests.act_as_owner();
SELECT is(tests.refusal(format('DELETE FROM app.assets WHERE equipment_id = %L', tests.recall('lathe'))), 'PT409 asset.open_work',
  'nor deleted');
SELECT is(tests.refusal(format('DELETE FROM app.equipment WHERE id = %L', tests.recall('lathe'))), 'PT409 asset.open_work',
  'nor its equipment (no raw foreign key error)');
SELECT pg_temp.as_('planner');
SELECT app.transition_work_order(tests.recall('wo'), 'cancelled', 'replaced by a new machine');
SELECT tests.act_as_owner();
SELECT is(tests.refusal(format('DELETE FROM app.equipment WHERE id = %L', tests.recall('lathe'))), 'PT409 asset.has_history',
  'equipment a work order names keeps its history');
SELECT lives_ok(format('DELETE FROM app.assets WHERE equipment_id = %L', tests.recall('lathe')),
  'an asset without open work is deleted');
SELECT pg_temp.as_('planner');
SELECT tests.remember('tpl', (app.define_work_order_template('pm-mill', 'Mill lubrication', 'preventive', 'Grease the ways')).id);
SELECT app.define_pm_schedule(tests.recall('mill'), tests.recall('tpl'), 'Monthly lubrication', 'FREQ=MONTHLY');
SELECT is(tests.refusal(format($$SELECT app.soft_delete('equipment', %L, 'scrapped')$$, tests.recall('mill'))), 'PT409 asset.pm_scheduled',
  'an asset an active preventive schedule plans work on is not moved to the trash');
SELECT tests.act_as_owner();
SELECT is(tests.refusal(format('DELETE FROM app.assets WHERE equipment_id = %L', tests.recall('mill'))), 'PT409 asset.pm_scheduled',
  'nor deleted');
UPDATE app.organizations SET deleted_at = now() WHERE id = tests.recall('t')::uuid;
SELECT lives_ok(format('DELETE FROM app.equipment WHERE id = %L', tests.recall('mill')), 'the tenant''s purge is never refused');

SELECT * FROM finish();
ROLLBACK;
