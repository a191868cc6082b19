-- Storage locations: a tree with capacity and temperature ranges, site-scoped
-- (storage.manage writes, sample.read reads); a child takes its parent's
-- site; no location inside a position or inside itself; capacity counts
-- child locations and samples; one sample per position is a constraint;
-- a sample is stored only where its type's temperature range is met.
BEGIN;
SELECT plan(28);

SELECT tests.remember('lab', tests.create_lab_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('other_site', tests.create_site(tests.recall('lab')));
SELECT tests.remember('manager', tests.create_member(tests.recall('lab'), 'lab_manager'));
SELECT tests.remember('tech', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('lab_site')));
SELECT tests.remember('manager_elsewhere', tests.create_member(tests.recall('lab'), 'lab_manager', tests.recall('other_site')));
SELECT tests.remember('portal', tests.create_member(tests.recall('lab'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));

-- Building the tree: storage.manage at the location's site.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal($$INSERT INTO app.storage_locations (kind, code, name) VALUES ('room', 'R1', 'Room 1')$$), 'PT403 permission.missing',
  'a technician cannot create storage locations');
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
WITH i AS (INSERT INTO app.storage_locations (kind, code, name, site_id) VALUES ('site', 'NW', 'Northwind', tests.recall('lab_site')) RETURNING id)
SELECT tests.remember('site_loc', id) FROM i;
WITH i AS (INSERT INTO app.storage_locations (kind, code, name, parent_id, capacity, min_celsius, max_celsius)
           VALUES ('fridge', 'FR1', 'Fridge 1', tests.recall('site_loc'), 2, 2, 8) RETURNING id)
SELECT tests.remember('fridge', id) FROM i;
SELECT is((SELECT site_id FROM app.storage_locations WHERE id = tests.recall('fridge')), tests.recall('lab_site'),
  'a child location takes its parent''s site');
WITH i AS (INSERT INTO app.storage_locations (kind, code, name, parent_id) VALUES ('box', 'FR1-B1', 'Box 1', tests.recall('fridge')) RETURNING id)
SELECT tests.remember('box', id) FROM i;
WITH i AS (INSERT INTO app.storage_locations (kind, code, name, parent_id) VALUES ('position', 'FR1-B1-A1', 'A1', tests.recall('box')) RETURNING id)
SELECT tests.remember('a1', id) FROM i;
SELECT is((SELECT capacity FROM app.storage_locations WHERE id = tests.recall('a1')), 1, 'a position holds one');
SELECT is(tests.refusal(format($$INSERT INTO app.storage_locations (kind, code, name, parent_id) VALUES ('box', 'X', 'X', %L)$$, tests.recall('a1'))),
  'PT422 storage_location.in_position', 'nothing goes inside a position');
SELECT is(tests.refusal(format($$UPDATE app.storage_locations SET parent_id = %L WHERE id = %L$$, tests.recall('box'), tests.recall('fridge'))),
  'PT422 storage_location.cycle', 'a location cannot go inside itself');
INSERT INTO app.storage_locations (kind, code, name, parent_id) VALUES ('box', 'FR1-B2', 'Box 2', tests.recall('fridge'));
SELECT is(tests.refusal(format($$INSERT INTO app.storage_locations (kind, code, name, parent_id) VALUES ('box', 'FR1-B3', 'Box 3', %L)$$, tests.recall('fridge'))),
  'PT409 storage_location.full', 'a full location takes no more child locations');
SELECT is(tests.refusal(format($$UPDATE app.storage_locations SET capacity = 1 WHERE id = %L$$, tests.recall('fridge'))),
  'PT409 storage_location.full', 'capacity cannot go below what a location holds');
SELECT is(tests.refusal(format($$UPDATE app.storage_locations SET kind = 'freezer' WHERE id = %L$$, tests.recall('fridge'))),
  'PT409 row.fixed_column', 'a location''s kind is fixed');
SELECT is((SELECT free FROM app.storage_location_occupancy WHERE storage_location_id = tests.recall('fridge')), 0::bigint,
  'the occupancy view counts the places taken');

-- Site scope: a manager of another site neither sees nor changes these.
SELECT tests.act_as(tests.recall('manager_elsewhere'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.storage_locations WHERE site_id = tests.recall('lab_site')), 0,
  'a site-scoped member does not see another site''s locations');
SELECT is(tests.refusal(format($$INSERT INTO app.storage_locations (kind, code, name, parent_id) VALUES ('box', 'FR1-X', 'X', %L)$$, tests.recall('site_loc'))),
  'PT403 permission.missing', 'a site-scoped manager cannot add a location at another site');
SELECT is_empty(format($$DELETE FROM app.storage_locations WHERE id = %L RETURNING 1$$, tests.recall('a1')),
  'nor deletes them');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.storage_locations), 5, 'a technician of the site reads its locations');
SELECT is_empty(format($$DELETE FROM app.storage_locations WHERE id = %L RETURNING 1$$, tests.recall('a1')),
  'a technician deletes no location');
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT is_empty($$SELECT FROM app.storage_locations$$, 'portal users see no storage locations');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is_empty($$SELECT FROM app.storage_locations$$, 'another tenant sees no storage locations');

-- Storing samples: temperature, one per position (a constraint), capacity.
SELECT tests.act_as_owner();
SELECT tests.remember('s1', tests.create_sample(tests.recall('lab'), tests.recall('water'), tests.recall('lab_site')));
SELECT tests.remember('s2', tests.create_sample(tests.recall('lab'), tests.recall('water'), tests.recall('lab_site')));
SELECT tests.remember('frozen', tests.create_sample_type(tests.recall('lab'), 'frozen', 'mL', -30, -15));
SELECT tests.remember('s3', tests.create_sample(tests.recall('lab'), tests.recall('frozen'), tests.recall('lab_site')));
SELECT tests.set_sample_status(tests.recall('lab'), s, 'received') FROM unnest(ARRAY[tests.recall('s1'), tests.recall('s2'), tests.recall('s3')]) AS s;
SELECT tests.remember('b_sample', tests.create_sample(tests.recall('b'), tests.create_sample_type(tests.recall('b'), p_min_celsius => NULL, p_max_celsius => NULL)));
SELECT tests.set_sample_status(tests.recall('b'), tests.recall('b_sample'), 'received');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(tests.refusal(format($$SELECT app.move_sample(%L, %L, 'x')$$, tests.recall('s1'), tests.recall('a1'))), 'PT404 sample.not_found',
  'another tenant cannot move the lab''s sample');
SELECT is(tests.refusal(format($$SELECT app.move_sample(%L, %L, 'x')$$, tests.recall('b_sample'), tests.recall('a1'))), 'PT404 storage_location.not_found',
  'another tenant cannot store its sample in the lab''s location');
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.move_sample(%L, %L, 'x')$$, tests.recall('s1'), tests.recall('a1'))), 'PT404 sample.not_found',
  'a portal user cannot move samples');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.move_sample(%L, %L, 'store')$$, tests.recall('s3'), tests.recall('a1'))),
  'PT422 storage.temperature_mismatch', 'a frozen sample is not stored in a 2-8 °C fridge (range inherited from the fridge)');
SELECT is(tests.refusal(format($$SELECT app.move_sample(%L, %L, 'store')$$, tests.recall('s1'), tests.recall('site_loc'))),
  'PT422 storage.temperature_mismatch', 'a location without a temperature range does not meet a type that needs one');
SELECT is((SELECT to_location_id FROM app.move_sample(tests.recall('s1'), tests.recall('a1'), 'store')), tests.recall('a1'),
  'a received sample is stored in a free position');
SELECT is(tests.refusal(format($$SELECT app.move_sample(%L, %L, 'store')$$, tests.recall('s2'), tests.recall('a1'))),
  'PT409 storage_location.full', 'a taken position is refused by the move');
SELECT tests.act_as_owner();
SELECT is(left(tests.refusal(format($$UPDATE app.samples SET storage_location_id = %L, storage_is_position = true WHERE id = %L$$,
                                    tests.recall('a1'), tests.recall('s2'))), 5),
  '23505', 'one sample per position is a unique constraint, whatever writes it');
SELECT is(left(tests.refusal(format($$UPDATE app.samples SET storage_location_id = %L, storage_is_position = false WHERE id = %L$$,
                                    tests.recall('a1'), tests.recall('s2'))), 5),
  '23503', 'the position flag cannot lie: it is checked by the foreign key');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$UPDATE app.samples SET storage_location_id = %L WHERE id = %L$$, tests.recall('box'), tests.recall('s2'))),
  '42501', 'members cannot write a sample''s location but through the move RPC');

-- A location moved to another site takes what is inside along.
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
UPDATE app.storage_locations SET site_id = tests.recall('other_site') WHERE id = tests.recall('site_loc');
SELECT is((SELECT array_agg(DISTINCT site_id) FROM app.storage_locations), ARRAY[tests.recall('other_site')],
  'the whole tree follows its root to the other site');
DELETE FROM app.storage_locations WHERE code = 'FR1-B2';
SELECT is((SELECT count(*)::int FROM app.storage_locations WHERE code = 'FR1-B2'), 0, 'a storage manager deletes an empty location');

SELECT * FROM finish();
ROLLBACK;
