-- Archival of work orders (90_maintenance/96_archive.sql): the job moves
-- closed and cancelled work orders older than the tenant's
-- maintenance_archive_after_years (7 by default), with their labour,
-- contractor charges and assets, to the archive; open ones and recent ones
-- stay; a second run moves nothing; a stop and a stock movement keep naming
-- the archived work order; the archive is read as the live work orders
-- are (planner: the tenant, technician: their plant, contractor's portal
-- user: their company's, another tenant: nothing); append-only rows still
-- refuse deletion otherwise.
BEGIN;
SELECT plan(19);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('pumps', tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false));
SELECT tests.remember('pump', tests.create_equipment(tests.recall('t'), tests.recall('pumps'), tests.recall('plant_a'), NULL, 'Pump 1'));
SELECT tests.remember('planner', tests.create_member(tests.recall('t'), 'maintenance_planner'));
SELECT tests.remember('admin', tests.create_member(tests.recall('t'), 'admin'));
SELECT tests.remember('tech_a', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_a')));
SELECT tests.remember('tech_b', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_b')));
SELECT tests.remember('contractor', tests.create_partner(tests.recall('t'), 'supplier'));
SELECT tests.remember('portal', tests.create_member(tests.recall('t'), 'customer_portal', NULL, tests.recall('contractor')));
SELECT tests.remember('stranger', tests.create_member(tests.recall('other'), 'admin'));
SELECT tests.remember('bd', tests.create_downtime_reason(tests.recall('t'), 'breakdown', false, true));

CREATE FUNCTION pg_temp.wo(p_status text, p_closed_ago interval, p_contractor boolean DEFAULT false) RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
  v_id uuid := public.uuid_generate_v7();
BEGIN
  INSERT INTO app.work_orders (organization_id, id, work_order_number, work_type, title, equipment_id, site_id, status, closed_at,
                               cancel_reason, contractor_id, created_at, updated_at)
  VALUES (tests.recall('t'), v_id, app_private.take_human_id(tests.recall('t'), 'WO', NULL), 'corrective', 'Job', tests.recall('pump'),
          tests.recall('plant_a'), p_status, CASE WHEN p_status = 'closed' THEN now() - p_closed_ago END,
          CASE WHEN p_status = 'cancelled' THEN 'not needed' END, CASE WHEN p_contractor THEN tests.recall('contractor') END,
          now() - p_closed_ago - interval '1 month', now() - p_closed_ago);
  INSERT INTO app.work_order_assets (organization_id, work_order_id, equipment_id, is_primary, site_id)
  VALUES (tests.recall('t'), v_id, tests.recall('pump'), true, tests.recall('plant_a'));
  INSERT INTO app.labour_entries (organization_id, id, work_order_id, user_id, started_at, hours, hourly_rate, currency, site_id)
  VALUES (tests.recall('t'), public.uuid_generate_v7(), v_id, tests.recall('tech_a'), now() - p_closed_ago - interval '1 day', 2, 50, 'EUR',
          tests.recall('plant_a'));
  RETURN v_id;
END
$$;
-- Closed 8 years ago (given to the contractor, with a charge and a stop), cancelled 8 years ago, closed 6 years ago, open for 9 years.
SELECT tests.remember('old', pg_temp.wo('closed', interval '8 years', true));
SELECT tests.remember('old_cancelled', pg_temp.wo('cancelled', interval '8 years'));
SELECT tests.remember('recent', pg_temp.wo('closed', interval '6 years'));
SELECT tests.remember('open', pg_temp.wo('planned', interval '9 years'));
INSERT INTO app.contractor_charges (organization_id, id, work_order_id, partner_id, amount, currency, site_id)
VALUES (tests.recall('t'), public.uuid_generate_v7(), tests.recall('old'), tests.recall('contractor'), 250, 'EUR', tests.recall('plant_a'));
INSERT INTO app.downtime_events (organization_id, id, equipment_id, started_at, ended_at, reason_id, is_planned, is_breakdown, work_order_id)
VALUES (tests.recall('t'), public.uuid_generate_v7(), tests.recall('pump'), now() - interval '8 years 2 days', now() - interval '8 years 1 day',
        tests.recall('bd'), false, true, tests.recall('old'));
SELECT tests.remember('stop', (SELECT id FROM app.downtime_events WHERE work_order_id = tests.recall('old')));

SELECT is(tests.refusal($$DELETE FROM app.labour_entries WHERE work_order_id = tests.recall('old')$$), 'PT409 row.append_only',
  'labour entries are append-only before archival');
SELECT is(app_private.archive_work_orders(1, 1000), 2, 'the job moves the closed and the cancelled work order older than 7 years (in batches of 1)');
SELECT is((SELECT array_agg(id ORDER BY id) FROM app.work_orders WHERE organization_id = tests.recall('t')),
  (SELECT array_agg(x ORDER BY x) FROM unnest(ARRAY[tests.recall('recent'), tests.recall('open')]) AS x),
  'the work order closed 6 years ago and the open one stay live');
SELECT is((SELECT array_agg(id ORDER BY id) FROM app_private.archived_work_orders),
  (SELECT array_agg(x ORDER BY x) FROM unnest(ARRAY[tests.recall('old'), tests.recall('old_cancelled')]) AS x),
  'the two are in the archive with their ids');
SELECT is((SELECT count(*)::integer FROM app.labour_entries WHERE work_order_id IN (tests.recall('old'), tests.recall('old_cancelled')))
          + (SELECT count(*)::integer FROM app.contractor_charges WHERE work_order_id = tests.recall('old'))
          + (SELECT count(*)::integer FROM app.work_order_assets WHERE work_order_id IN (tests.recall('old'), tests.recall('old_cancelled'))),
  0, 'their labour, charges and assets left the live tables');
SELECT is((SELECT array_agg(source_table ORDER BY source_table) FROM app_private.archived_work_order_rows WHERE work_order_id = tests.recall('old')),
  ARRAY['app.contractor_charges', 'app.labour_entries', 'app.work_order_assets'], 'and are archived with it');
SELECT is((SELECT (record ->> 'cost')::numeric FROM app_private.archived_work_order_rows
            WHERE work_order_id = tests.recall('old') AND source_table = 'app.labour_entries'), 100.00, 'a labour entry keeps its cost');
SELECT is((SELECT work_order_id FROM app.downtime_events WHERE id = tests.recall('stop')), tests.recall('old'),
  'the stop keeps naming the archived work order');
SELECT is((SELECT count(*)::integer FROM app.labour_entries WHERE work_order_id = tests.recall('recent')), 1, 'the live work orders keep their labour');
SELECT is(tests.refusal($$DELETE FROM app.labour_entries WHERE work_order_id = tests.recall('recent')$$), 'PT409 row.append_only',
  'and it is still append-only');
SELECT is(app_private.archive_work_orders(), 0, 'a second run moves nothing');
SELECT is(tests.refusal($$SELECT app_private.archive_work_orders(0, 10)$$), 'PT422 archive.batch_invalid', 'a batch is 1 to 10000');

-- Readers of the archive: as the live work orders.
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT is((SELECT count(*)::integer FROM app.archived_work_orders), 2, 'a planner reads the tenant''s archived work orders');
SELECT is((SELECT count(*)::integer FROM app.archived_work_order_rows WHERE work_order_id = tests.recall('old')), 3, 'and their rows');
SELECT tests.act_as(tests.recall('tech_a'), tests.recall('t'));
SELECT is((SELECT count(*)::integer FROM app.archived_work_orders), 2, 'a technician of the plant reads them');
SELECT tests.act_as(tests.recall('tech_b'), tests.recall('t'));
SELECT is((SELECT count(*)::integer FROM app.archived_work_orders) + (SELECT count(*)::integer FROM app.archived_work_order_rows), 0,
  'a technician of another plant reads none');
SELECT tests.act_as(tests.recall('portal'), tests.recall('t'));
SELECT is((SELECT array_agg(id) FROM app.archived_work_orders), ARRAY[tests.recall('old')], 'the contractor''s portal user reads the one given to their company');
SELECT tests.act_as(tests.recall('stranger'), tests.recall('other'));
SELECT is((SELECT count(*)::integer FROM app.archived_work_orders) + (SELECT count(*)::integer FROM app.archived_work_order_rows), 0,
  'another tenant reads nothing');

-- The tenant setting: after 5 years, the work order closed 6 years ago goes too.
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
INSERT INTO app.tenant_settings (setting_key, value) VALUES ('maintenance_archive_after_years', '5');
SELECT tests.act_as_owner();
SELECT is(app_private.archive_work_orders(), 1, 'with maintenance_archive_after_years = 5 the work order closed 6 years ago moves');

SELECT * FROM finish();
ROLLBACK;
