-- Plant access over every plant-scoped table of 80_quality (change orders
-- by the plants they affect, site_ids, too), 82_traceability,
-- 84_logistics and the production runs of 95_reporting at once: a member holding every read permission of the
-- three domains through a role assigned at plant A sees no row of any other
-- plant in any of them (nor in the tables that hang off them), while the same
-- role held tenant-wide sees rows in each (so the emptiness is about the
-- plant, not empty tables). The rows come from the fixtures the isolation
-- matrix fills tenant A with; each puts them at its own new site. The list
-- is checked against the whole catalog: every app table with a site_id is
-- either here or named as another domain's (lab, maintenance, platform), so a
-- new plant-scoped table anywhere fails this test until it is placed.
BEGIN;
SELECT plan(4);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.fill_traceability(tests.recall('t'));
SELECT tests.fill_ncr(tests.recall('t'));
SELECT tests.fill_inspection(tests.recall('t'));
SELECT tests.fill_suppliers(tests.recall('t'));
SELECT tests.fill_logistics(tests.recall('t'));
SELECT tests.fill_production(tests.recall('t'));
-- A change order affecting a plant of its own (change_orders.site_ids), with an item.
INSERT INTO app.change_orders (organization_id, title, reason, effectivity, effective_date, site_ids)
VALUES (tests.recall('t'), 'Plant change', 'other', 'date', current_date, ARRAY[tests.create_site(tests.recall('t'))]);
INSERT INTO app.change_order_items (organization_id, change_order_id, kind, part_id)
SELECT tests.recall('t'), o.id, 'part', tests.create_part(tests.recall('t')) FROM app.change_orders AS o
 WHERE o.organization_id = tests.recall('t') AND o.title = 'Plant change';
SELECT tests.remember('admin', tests.create_member(tests.recall('t'), 'admin'));
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT app.create_role('plant_reader', 'Plant reader', ARRAY['traceability.read', 'ncr.read', 'complaint.read', 'control_plan.read',
                                                             'inspection.read', 'supplier.read', 'shipment.read', 'equipment.read',
                                                             'change_order.read']);
SELECT tests.act_as_owner();
SELECT tests.remember('reader_a', tests.create_member(tests.recall('t'), 'plant_reader', tests.recall('plant_a')));
SELECT tests.remember('reader_all', tests.create_member(tests.recall('t'), 'plant_reader'));

-- Rows of each relation the current role sees.
CREATE FUNCTION pg_temp.visible(p_relations text[]) RETURNS TABLE (relation text, n bigint)
LANGUAGE plpgsql AS $$
DECLARE
  v text;
BEGIN
  FOREACH v IN ARRAY p_relations LOOP
    relation := v;
    EXECUTE format('SELECT count(*) FROM app.%I', v) INTO n;
    RETURN NEXT;
  END LOOP;
END
$$;
GRANT EXECUTE ON FUNCTION pg_temp.visible(text[]) TO PUBLIC;
CREATE TEMP TABLE plant_scoped (relation text PRIMARY KEY) ON COMMIT DROP;
INSERT INTO plant_scoped VALUES
  -- 82_traceability
  ('lots'), ('serials'), ('genealogy_edges'), ('trace_status_changes'),
  -- 80_quality: NCRs and complaints (with their material, dispositions and links)
  ('ncrs'), ('ncr_items'), ('ncr_dispositions'), ('customer_complaints'), ('complaint_items'),
  -- 80_quality: control plans, inspections, SPC; receipts
  ('control_plans'), ('control_plan_steps'), ('characteristics'), ('gauge_studies'), ('inspections'),
  ('inspection_characteristics'), ('measurements'), ('spc_subgroups'), ('spc_baselines'), ('receipts'), ('fai_form2_items'),
  -- 80_quality: change orders, plant-scoped by the plants they affect (site_ids, not a site_id column)
  ('change_orders'), ('change_order_items'),
  -- 84_logistics
  ('shipments'), ('shipping_units'), ('shipment_items'), ('labels'), ('shipment_certificates'), ('scan_events'),
  -- 95_reporting
  ('production_runs');
GRANT SELECT ON plant_scoped TO PUBLIC;
-- Tables with a site_id that other domains own and test for plant access.
CREATE TEMP TABLE other_domains (relation text PRIMARY KEY, domain text NOT NULL) ON COMMIT DROP;
INSERT INTO other_domains VALUES
  ('certificates', 'lab'), ('eln_entries', 'lab'), ('instrument_imports', 'lab'), ('runs', 'lab'), ('samples', 'lab'),
  ('service_requests', 'lab'), ('sop_tasks', 'lab'), ('storage_locations', 'lab'),
  ('capas', 'platform'), ('equipment', 'platform'), ('role_assignments', 'platform (rbac)'),
  ('contractor_charges', 'maintenance'), ('equipment_spare_parts', 'maintenance'), ('labour_entries', 'maintenance'),
  ('part_stock', 'maintenance'), ('part_storeroom_settings', 'maintenance'), ('purchase_requests', 'maintenance'),
  ('stock_movements', 'maintenance'), ('stock_reservations', 'maintenance'), ('storeroom_bins', 'maintenance'),
  ('storerooms', 'maintenance'), ('work_order_assets', 'maintenance'), ('work_orders', 'maintenance'),
  ('work_requests', 'maintenance'), ('maintenance_teams', 'maintenance'), ('work_order_parts', 'maintenance'),
  ('work_order_signatures', 'maintenance'), ('pm_schedules', 'maintenance');

SELECT is(ARRAY(SELECT c.relname::text FROM pg_class AS c JOIN pg_namespace AS ns ON ns.oid = c.relnamespace
                 WHERE ns.nspname = 'app' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
                   AND EXISTS (SELECT FROM pg_attribute AS a WHERE a.attrelid = c.oid AND a.attname = 'site_id' AND NOT a.attisdropped)
                   AND c.relname::text NOT IN (SELECT relation FROM plant_scoped)
                   AND c.relname::text NOT IN (SELECT relation FROM other_domains)
                 ORDER BY 1),
  ARRAY['gauge_study_readings', 'spc_signals'],
  'every app table with a site_id is in the list or another domain''s, but for two the fixtures leave empty (their policies are the same shape, tested in test_inspection_plant_access.sql)');

SELECT tests.act_as(tests.recall('reader_all'), tests.recall('t'));
SELECT is(ARRAY(SELECT v.relation FROM pg_temp.visible(ARRAY(SELECT relation FROM plant_scoped ORDER BY 1)) AS v WHERE v.n = 0), '{}'::text[],
  'the role held tenant-wide sees rows in every plant-scoped table');
SELECT tests.act_as(tests.recall('reader_a'), tests.recall('t'));
SELECT is(ARRAY(SELECT v.relation FROM pg_temp.visible(ARRAY(SELECT relation FROM plant_scoped ORDER BY 1)) AS v WHERE v.n > 0), '{}'::text[],
  'held at plant A it sees no row of another plant in any of them');
SELECT tests.act_as_owner();
SELECT tests.remember('lot_a', tests.create_lot(tests.recall('t'), tests.create_part(tests.recall('t')), tests.recall('plant_a'), 1));
SELECT tests.act_as(tests.recall('reader_a'), tests.recall('t'));
SELECT is(ARRAY(SELECT id FROM app.lots), ARRAY[tests.recall('lot_a')::uuid], 'and it does see plant A''s own rows');

SELECT * FROM finish();
ROLLBACK;
