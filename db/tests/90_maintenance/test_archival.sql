-- Archival of work orders (90_maintenance/96_archive.sql): the job moves
-- closed and cancelled work orders older than the tenant's
-- maintenance_archive_after_years (7 by default), with their labour,
-- contractor charges and assets, to the archive; open ones and recent ones
-- stay; a second run moves nothing; a stop and a stock movement keep naming
-- the archived work order; the archive is read as the live work orders
-- are (planner: the tenant, technician: their plant, contractor's portal
-- user: their company's, another tenant: nothing); append-only rows still
-- refuse deletion otherwise. What hangs off the work order's entity row
-- (a checklist with answers, a comment, an attachment, a tag, stock
-- movements: a work order that used parts) stays, readable by whoever
-- reads the archived work order and by nobody else, and read-only; a
-- catalog lint fails on a table that references a work order or its entity
-- row and is neither kept nor exempted with a reason.
BEGIN;
SELECT plan(37);

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
SELECT tests.remember('tech_a2', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_a')));
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
-- The cancelled one's labour entry was reversed (a reversal references it).
INSERT INTO app.labour_entries (organization_id, id, work_order_id, user_id, started_at, hours, hourly_rate, currency, site_id, reverses_id,
                                reversal_reason)
SELECT organization_id, public.uuid_generate_v7(), work_order_id, user_id, started_at, -hours, hourly_rate, currency, site_id, id, 'wrong job'
  FROM app.labour_entries WHERE work_order_id = tests.recall('old_cancelled');

-- What hangs off the old work order's entity: a checklist with answers, a comment, an attachment and a tag (as the people who write them),
-- and parts issued from the store.
SELECT tests.remember('keeper', tests.create_member(tests.recall('t'), 'storekeeper'));
SELECT tests.remember('seal', tests.create_part(tests.recall('t')));
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT app.define_checklist_template('work_order', 'pump-check', 'Pump check', '[{"label": "Seal dry", "required": true}, {"label": "Guard on"}]');
WITH g AS (INSERT INTO app.tags (name) VALUES ('Seal leak') RETURNING id) SELECT tests.remember('tag', id) FROM g;
INSERT INTO app.entity_tags (entity_type, entity_id, tag_id) VALUES ('work_order', tests.recall('old'), tests.recall('tag'));
WITH c AS (INSERT INTO app.comments (entity_type, entity_id, body) VALUES ('work_order', tests.recall('old'), 'Seal replaced') RETURNING id)
SELECT tests.remember('comment', id) FROM c;
SELECT tests.remember('attachment', tests.attach('work_order', tests.recall('old'), 'report.txt'));
WITH s AS (INSERT INTO app.storerooms (site_id, code, name) VALUES (tests.recall('plant_a'), 'S1', 'Main store') RETURNING id)
SELECT tests.remember('s1', id) FROM s;
WITH b AS (INSERT INTO app.storeroom_bins (storeroom_id, code) VALUES (tests.recall('s1'), 'A-01') RETURNING id) SELECT tests.remember('bin', id) FROM b;
-- The work ran eight years ago: the technician answered its checklist then (the test's work order was made closed: reopened for it).
SELECT tests.act_as_owner();
UPDATE app.work_orders SET status = 'in_progress', closed_at = NULL, assignee_id = tests.recall('tech_a'),
       scheduled = tstzrange(now() - interval '8 years 2 days', now() - interval '8 years 1 day') WHERE id = tests.recall('old');
SELECT tests.act_as(tests.recall('tech_a'), tests.recall('t'));
SELECT tests.remember('checklist', (app.start_checklist('pump-check', 'work_order', tests.recall('old'))).id);
SELECT app.check_checklist_item(i.id, true, 'ok') FROM app.checklist_items AS i WHERE i.checklist_id = tests.recall('checklist');
SELECT tests.act_as_owner();
UPDATE app.work_orders SET status = 'closed', closed_at = now() - interval '8 years', updated_at = now() - interval '8 years'
 WHERE id = tests.recall('old');
SELECT tests.act_as(tests.recall('keeper'), tests.recall('t'));
SELECT app.receive_stock(tests.recall('seal'), tests.recall('bin'), 5, 12);
-- Parts are issued while the work runs; the test's work order is closed already, so the ledger rows are written as the ledger writes them.
SELECT tests.act_as_owner();
INSERT INTO app.stock_movements (organization_id, id, part_id, bin_id, storeroom_id, site_id, kind, quantity, reserved_delta, unit_cost,
                                 entity_type, entity_id, moved_at)
SELECT tests.recall('t'), public.uuid_generate_v7(), tests.recall('seal'), tests.recall('bin'), tests.recall('s1'), tests.recall('plant_a'),
       'issue', -2, 0, 12, 'work_order', tests.recall('old'), now() - interval '8 years 1 day';
SELECT is((SELECT count(*)::integer FROM app.stock_movements WHERE entity_type = 'work_order' AND entity_id = tests.recall('old')), 1,
  'the old work order used parts (an issue in the stock ledger)');

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
SELECT is((SELECT count(*)::integer FROM app_private.archived_work_order_rows
            WHERE work_order_id = tests.recall('old_cancelled') AND source_table = 'app.labour_entries'), 2,
  'a labour entry and its reversal are archived together');
SELECT is((SELECT count(*)::integer FROM app_private.entities WHERE id = tests.recall('old') AND archived_at IS NOT NULL), 1,
  'the archived work order keeps its entity row, marked archived');
SELECT is((SELECT count(*)::integer FROM app.checklists WHERE entity_id = tests.recall('old'))
          + (SELECT count(*)::integer FROM app.checklist_items WHERE checklist_id = tests.recall('checklist') AND checked_at IS NOT NULL),
  3, 'its checklist and both answers stay');
SELECT is((SELECT count(*)::integer FROM app.comments WHERE entity_id = tests.recall('old'))
          + (SELECT count(*)::integer FROM app.attachments WHERE entity_id = tests.recall('old'))
          + (SELECT count(*)::integer FROM app.entity_tags WHERE entity_id = tests.recall('old')),
  3, 'its comment, attachment and tag stay');
SELECT is((SELECT count(*)::integer FROM app.stock_movements WHERE entity_type = 'work_order' AND entity_id = tests.recall('old')), 1,
  'the work order that used parts was archived and its stock movement stays in the ledger');
SELECT is(app_private.archive_work_orders(), 0, 'a second run moves nothing');
SELECT is(tests.refusal($$SELECT app_private.archive_work_orders(0, 10)$$), 'PT422 archive.batch_invalid', 'a batch is 1 to 10000');

-- Readers of the archive: as the live work orders.
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT is((SELECT count(*)::integer FROM app.archived_work_orders), 2, 'a planner reads the tenant''s archived work orders');
SELECT is((SELECT count(*)::integer FROM app.archived_work_order_rows WHERE work_order_id = tests.recall('old')), 3, 'and their rows');
SELECT is((SELECT count(*)::integer FROM app.checklists WHERE entity_id = tests.recall('old'))
          + (SELECT count(*)::integer FROM app.checklist_items WHERE checklist_id = tests.recall('checklist'))
          + (SELECT count(*)::integer FROM app.comments WHERE entity_id = tests.recall('old'))
          + (SELECT count(*)::integer FROM app.attachments WHERE entity_id = tests.recall('old'))
          + (SELECT count(*)::integer FROM app.entity_tags WHERE entity_id = tests.recall('old')),
  6, 'and the checklist, its items, the comment, the attachment and the tag of an archived one');
SELECT tests.act_as(tests.recall('tech_a'), tests.recall('t'));
SELECT is((SELECT count(*)::integer FROM app.archived_work_orders), 2, 'a technician of the plant reads them');
SELECT is((SELECT count(*)::integer FROM app.checklist_items WHERE checklist_id = tests.recall('checklist'))
          + (SELECT count(*)::integer FROM app.comments WHERE entity_id = tests.recall('old'))
          + (SELECT count(*)::integer FROM app.attachments WHERE entity_id = tests.recall('old')),
  4, 'and its checklist answers, comment and attachment');
SELECT is((SELECT array_agg(record ? 'hourly_rate' ORDER BY work_order_id) FROM app.archived_work_order_rows WHERE source_table = 'app.labour_entries'
             AND work_order_id = tests.recall('old')), ARRAY[true], 'the technician reads the rate of their own archived labour');
SELECT tests.act_as(tests.recall('tech_a2'), tests.recall('t'));
SELECT is((SELECT array_agg(DISTINCT (record ? 'hourly_rate') OR (record ? 'cost')) FROM app.archived_work_order_rows
            WHERE source_table = 'app.labour_entries'), ARRAY[false], 'a colleague reads archived labour without its rate and cost');
-- An archived work order is read-only: its author and an administrator (tag.apply, comment.moderate) change nothing on it.
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT is(tests.refusal($$INSERT INTO app.comments (entity_type, entity_id, body) VALUES ('work_order', tests.recall('old'), 'late')$$),
  'PT404 entity.not_found', 'an archived work order takes no new comment');
WITH d AS (DELETE FROM app.entity_tags WHERE entity_id = tests.recall('old') RETURNING 1)
SELECT is((SELECT count(*)::integer FROM d), 0, 'nor loses its tag');
WITH u AS (UPDATE app.comments SET body = 'edited' WHERE entity_id = tests.recall('old') RETURNING 1),
     d AS (DELETE FROM app.attachments WHERE entity_id = tests.recall('old') RETURNING 1)
SELECT is((SELECT count(*)::integer FROM u) + (SELECT count(*)::integer FROM d), 0,
  'its author edits no comment and deletes no attachment of an archived work order');
SELECT tests.act_as(tests.recall('tech_b'), tests.recall('t'));
SELECT is((SELECT count(*)::integer FROM app.archived_work_orders) + (SELECT count(*)::integer FROM app.archived_work_order_rows), 0,
  'a technician of another plant reads none');
SELECT is((SELECT count(*)::integer FROM app.checklists WHERE entity_id = tests.recall('old'))
          + (SELECT count(*)::integer FROM app.comments WHERE entity_id = tests.recall('old'))
          + (SELECT count(*)::integer FROM app.attachments WHERE entity_id = tests.recall('old'))
          + (SELECT count(*)::integer FROM app.entity_tags WHERE entity_id = tests.recall('old')), 0,
  'nor what hangs off them');
SELECT tests.act_as(tests.recall('portal'), tests.recall('t'));
SELECT is((SELECT array_agg(id) FROM app.archived_work_orders), ARRAY[tests.recall('old')], 'the contractor''s portal user reads the one given to their company');
SELECT tests.act_as(tests.recall('stranger'), tests.recall('other'));
SELECT is((SELECT count(*)::integer FROM app.archived_work_orders) + (SELECT count(*)::integer FROM app.archived_work_order_rows)
          + (SELECT count(*)::integer FROM app.comments WHERE entity_id = tests.recall('old')), 0,
  'another tenant reads nothing');

-- The catalog lint: every table that references a work order (its row or its entity row) is kept by the archival or exempted
-- here with a reason, so a block added later cannot lose rows or stop the job unnoticed. Kept: a cascading foreign key onto
-- app.work_orders (the rows are copied into the archive), or a foreign key onto app_private.entities (the entity row stays)
-- from a table whose readers go through auth.can_see_entity (archive-aware) or that is exempted from that with a reason.
SELECT tests.act_as_owner();
CREATE TEMP TABLE archive_exempt (table_name text PRIMARY KEY, reason text NOT NULL CHECK (length(reason) > 20));
INSERT INTO archive_exempt VALUES
  ('app.stock_movements', 'the stock ledger: read by stock readers per storeroom (stock.read), not through the entity'),
  ('app.stock_reservations', 'stock reservations: read by stock readers per storeroom (stock.read), not through the entity'),
  ('app.eln_links', 'a lab notebook entry''s links: read by whoever reads the ELN entry, which owns the link'),
  ('app.instrument_reservations', 'lab instrument bookings: read by the lab''s readers; the entity is optional context'),
  ('app.labour_entries', 'a reversal references the entry it reverses on the same work order: both are archived and deleted together');
SELECT is((SELECT array_agg(c.conrelid::regclass::text ORDER BY 1) FROM pg_catalog.pg_constraint AS c
            WHERE c.contype = 'f' AND c.confrelid = 'app.work_orders'::regclass AND c.confdeltype <> 'c'
              AND c.conrelid::regclass::text NOT IN (SELECT table_name FROM archive_exempt)),
  NULL, 'every foreign key onto app.work_orders cascades, so archival copies the rows (or the table is exempted with a reason)');
SELECT is((SELECT array_agg(DISTINCT c.conrelid::regclass::text) FROM pg_catalog.pg_constraint AS c
            JOIN app_private.work_order_dependents() AS d ON c.confrelid = d.table_name::regclass
            WHERE c.contype = 'f' AND c.conrelid::regclass::text NOT IN (SELECT table_name FROM archive_exempt)),
  NULL, 'no table references a row archival copies and deletes (it would be lost), unless exempted with a reason');
SELECT is((SELECT array_agg(DISTINCT c.conrelid::regclass::text) FROM pg_catalog.pg_constraint AS c
            WHERE c.contype = 'f' AND c.confrelid = 'app_private.entities'::regclass
              AND c.conrelid::regclass::text NOT IN (SELECT table_name FROM archive_exempt)
              AND NOT EXISTS (SELECT FROM pg_catalog.pg_policy AS p WHERE p.polrelid = c.conrelid AND p.polcmd IN ('r', '*')
                                 AND pg_catalog.pg_get_expr(p.polqual, p.polrelid) LIKE '%can_see_entity(%')),
  NULL, 'every table hanging off an entity is read through auth.can_see_entity (archived entities too), unless exempted with a reason');
SELECT is((SELECT count(*)::integer FROM pg_catalog.pg_trigger AS t
            WHERE t.tgname = '_001_entity_track' AND t.tgrelid = 'app.work_orders'::regclass)
          + (SELECT count(*)::integer FROM app_private.entity_types WHERE entity_type = 'work_order' AND archive_view = 'app.archived_work_orders'::regclass),
  2, 'work orders are tracked entities whose archived rows are read through app.archived_work_orders');

-- The tenant setting: after 5 years, the work order closed 6 years ago goes too.
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
INSERT INTO app.tenant_settings (setting_key, value) VALUES ('maintenance_archive_after_years', '5');
SELECT tests.act_as_owner();
SELECT is(app_private.archive_work_orders(), 1, 'with maintenance_archive_after_years = 5 the work order closed 6 years ago moves');

SELECT * FROM finish();
ROLLBACK;
