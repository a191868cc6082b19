-- Maintenance assets: who keeps and reads them (plant scope, other tenant),
-- the hierarchy rules (level order, same site, serialized with the cycle
-- check), the ancestry path, locations and boundaries with their own errors,
-- and the spatial RPCs with a known distance.
BEGIN;
SELECT plan(39);

SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('s1', tests.create_site(tests.recall('a')));
SELECT tests.remember('s2', tests.create_site(tests.recall('a')));
SELECT tests.remember('planner', tests.create_member(tests.recall('a'), 'maintenance_planner'));
SELECT tests.remember('tech_s1', tests.create_member(tests.recall('a'), 'technician', tests.recall('s1')));
SELECT tests.remember('sales', tests.create_member(tests.recall('a'), 'sales'));
SELECT tests.remember('other', tests.create_member(tests.recall('b'), 'maintenance_planner'));
SELECT tests.remember('cls', tests.create_equipment_class(tests.recall('a'), 'pump', false, NULL));
-- On the equator 0.01 degree of longitude is 1113.19 m on the WGS 84 spheroid.
SELECT tests.remember('plant', tests.create_equipment(tests.recall('a'), tests.recall('cls'), tests.recall('s1'), NULL, 'Plant 1'));
SELECT tests.remember('line', tests.create_equipment(tests.recall('a'), tests.recall('cls'), tests.recall('s1'), tests.recall('plant'), 'Line 1'));
SELECT tests.remember('pump', tests.create_equipment(tests.recall('a'), tests.recall('cls'), tests.recall('s1'), tests.recall('line'), 'Pump 1'));
SELECT tests.remember('far', tests.create_equipment(tests.recall('a'), tests.recall('cls'), tests.recall('s1'), NULL, 'Far pump'));
SELECT tests.remember('s2pump', tests.create_equipment(tests.recall('a'), tests.recall('cls'), tests.recall('s2'), NULL, 'Pump at site 2'));

-- Keeping assets: asset.manage, tenant-wide or at the equipment's site.
SELECT tests.act_as(tests.recall('planner'), tests.recall('a'));
SELECT lives_ok($$
  INSERT INTO app.assets (equipment_id, level, criticality, longitude, latitude, boundary_geojson) VALUES
    (tests.recall('plant'), 'site', 'A', 0, 0, '{"type": "Polygon", "coordinates": [[[-0.005, -0.005], [0.005, -0.005], [0.005, 0.005], [-0.005, 0.005], [-0.005, -0.005]]]}'),
    (tests.recall('line'), 'line', 'A', 0.001, 0, NULL),
    (tests.recall('pump'), 'machine', 'B', 0.002, 0.001, NULL),
    (tests.recall('far'), 'machine', 'C', 0.01, 0, NULL),
    (tests.recall('s2pump'), 'machine', 'C', 0.003, 0, NULL)$$, 'a planner records assets with their level, criticality and location');
SELECT is((SELECT assets_geojson FROM (SELECT app.assets_geojson(a) FROM app.assets AS a WHERE equipment_id = tests.recall('far')) AS x (assets_geojson)),
  '{"type": "Point", "coordinates": [0.01, 0]}'::jsonb, 'the location reads as GeoJSON');
SELECT is(tests.refusal($$UPDATE app.assets SET longitude = 181 WHERE equipment_id = tests.recall('far')$$), 'PT422 geo.longitude_out_of_range',
  'a longitude out of range is refused with its own reason');
SELECT is(tests.refusal($$UPDATE app.assets SET latitude = -91 WHERE equipment_id = tests.recall('far')$$), 'PT422 geo.latitude_out_of_range',
  'so is a latitude');
SELECT is(tests.refusal($$UPDATE app.assets SET latitude = NULL WHERE equipment_id = tests.recall('far')$$), 'PT422 asset.location_incomplete',
  'a location has both coordinates');
SELECT is(tests.refusal($$UPDATE app.assets SET warranty_starts_on = '2026-01-01', warranty_ends_on = '2025-12-31' WHERE equipment_id = tests.recall('far')$$),
  'PT422 asset.warranty_order', 'a warranty does not end before it starts');
SELECT is(tests.refusal($$UPDATE app.assets SET boundary_geojson = '{"type": "Point", "coordinates": [0, 0]}' WHERE equipment_id = tests.recall('plant')$$),
  'PT422 asset.boundary_invalid', 'a boundary is a polygon');
SELECT is(tests.refusal($$UPDATE app.assets SET boundary_geojson = '{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}' WHERE equipment_id = tests.recall('pump')$$),
  'PT422 asset.boundary_level', 'only a site or an area has a boundary');

-- The hierarchy: the parent's level is above, the parent at the same site.
SELECT is(tests.refusal($$UPDATE app.assets SET level = 'site' WHERE equipment_id = tests.recall('line')$$), 'PT422 asset.level_order',
  'a line cannot rise to its site''s level');
SELECT is(tests.refusal($$UPDATE app.assets SET level = 'area' WHERE equipment_id = tests.recall('pump')$$), 'PT422 asset.level_order',
  'a machine cannot sit above the line it belongs to');
SELECT is(tests.refusal($$UPDATE app.equipment SET parent_id = tests.recall('pump') WHERE id = tests.recall('far')$$), 'PT422 asset.level_order',
  'a machine cannot be part of another machine');
SELECT is(tests.refusal($$UPDATE app.equipment SET parent_id = tests.recall('line') WHERE id = tests.recall('s2pump')$$), 'PT422 asset.site_mismatch',
  'an asset and its parent are at the same site');
SELECT is(tests.refusal($$UPDATE app.equipment SET site_id = tests.recall('s2') WHERE id = tests.recall('line')$$), 'PT422 asset.site_mismatch',
  'a parent cannot move away from its parts');
SELECT is(tests.refusal($$UPDATE app.equipment SET parent_id = tests.recall('pump') WHERE id = tests.recall('plant')$$), 'PT422 equipment.parent_cycle',
  'no cycles (the register''s rule)');
SELECT lives_ok($$UPDATE app.equipment SET parent_id = tests.recall('line') WHERE id = tests.recall('far')$$,
  'a machine joins a line at its site');
SELECT is((SELECT array_agg(name || ':' || depth || ':' || level ORDER BY depth) FROM app.equipment_ancestors(tests.recall('pump'))),
  ARRAY['Plant 1:0:site', 'Line 1:1:line', 'Pump 1:2:machine'], 'the ancestry path runs from the top down to the asset');
SELECT is((SELECT array_agg(name ORDER BY path) FROM app.equipment_tree(tests.recall('line'))), ARRAY['Line 1', 'Pump 1', 'Far pump'],
  'the subtree is the register''s equipment_tree');

-- Spatial RPCs: a known distance, radius, nearest, inside an area; own errors.
SELECT is((SELECT round(distance_m::numeric, 1) FROM app.assets_within(0, 0, 2000) WHERE equipment_id = tests.recall('far')), 1113.2,
  '0.01 degree of longitude on the equator is 1113.2 m');
SELECT is((SELECT array_agg(name ORDER BY distance_m) FROM app.assets_within(0, 0, 1000)),
  ARRAY['Plant 1', 'Line 1', 'Pump 1', 'Pump at site 2'], 'assets within 1 km, nearest first');
SELECT is((SELECT array_agg(name ORDER BY distance_m) FROM app.nearest_assets(0.0095, 0, 2)), ARRAY['Far pump', 'Pump at site 2'],
  'the nearest two assets to a point');
SELECT is((SELECT array_agg(name ORDER BY name) FROM app.assets_in_area(tests.recall('plant'))), ARRAY['Line 1', 'Pump 1', 'Pump at site 2'],
  'the assets inside the site''s boundary');
SELECT is(tests.refusal($$SELECT * FROM app.assets_within(0, 95, 1000)$$), 'PT422 geo.latitude_out_of_range', 'a latitude out of range');
SELECT is(tests.refusal($$SELECT * FROM app.assets_within(-200, 0, 1000)$$), 'PT422 geo.longitude_out_of_range', 'a longitude out of range');
SELECT is(tests.refusal($$SELECT * FROM app.assets_within(0, 0, 0)$$), 'PT422 geo.radius_out_of_range', 'a radius must be positive');
SELECT is(tests.refusal($$SELECT * FROM app.nearest_assets(0, 0, 0)$$), 'PT422 geo.count_out_of_range', 'at least one nearest asset');
SELECT is(tests.refusal($$SELECT * FROM app.assets_in_area(tests.recall('pump'))$$), 'PT422 asset.no_boundary', 'an area needs a boundary');

-- Plant scope: a technician at site 1 sees site 1's assets only and changes none.
SELECT tests.act_as(tests.recall('tech_s1'), tests.recall('a'));
SELECT is((SELECT array_agg(name ORDER BY distance_m) FROM app.assets_within(0, 0, 1000)), ARRAY['Plant 1', 'Line 1', 'Pump 1'],
  'a technician scoped to site 1 finds only site 1''s assets');
SELECT is((SELECT count(*)::int FROM app.assets), 4, 'and reads only those');
SELECT is((SELECT array_agg(name ORDER BY distance_m) FROM app.nearest_assets(0.0095, 0, 2)), ARRAY['Far pump', 'Pump 1'],
  'the nearest two it may see (the search widens past the hidden one)');
SELECT is((SELECT array_agg(name ORDER BY name) FROM app.assets_in_area(tests.recall('plant'))), ARRAY['Line 1', 'Pump 1'],
  'inside the site''s boundary, only its plant''s assets');
SELECT is((SELECT count(*)::int FROM auth.asset_candidates_within(0, 0, 100000)), 4,
  'the index probe behind the RPCs returns no more than the caller may see');
SELECT is(tests.refusal($$INSERT INTO app.assets (equipment_id) VALUES (gen_random_uuid())$$), 'PT403 permission.missing',
  'a technician does not keep assets');
UPDATE app.assets SET criticality = 'C' WHERE equipment_id = tests.recall('pump');
SELECT tests.act_as_owner();
SELECT is((SELECT criticality FROM app.assets WHERE equipment_id = tests.recall('pump')), 'B', 'nor changes one (the update matches nothing)');

SELECT tests.act_as(tests.recall('planner'), tests.recall('a'));
SELECT is(tests.refusal(format('DELETE FROM app.assets WHERE equipment_id = %L', tests.recall('s2pump'))), '42501',
  'a planner deletes no asset row: an asset leaves through the trash (app.soft_delete of its equipment, test_soft_delete.sql)');

-- No asset.read, another tenant: nothing.
SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
SELECT is_empty($$SELECT FROM app.assets$$, 'a role without asset.read sees no assets');
SELECT is_empty($$SELECT * FROM auth.asset_candidates_nearest(0, 0, 10)$$, 'nor finds them through the index probe');
SELECT tests.act_as(tests.recall('other'), tests.recall('b'));
SELECT is_empty($$SELECT * FROM app.assets_within(0, 0, 100000)$$, 'another tenant finds none of them on the map');
SELECT is(tests.refusal($$SELECT * FROM app.assets_in_area(tests.recall('plant'))$$), 'PT404 asset.not_found',
  'nor reads another tenant''s area');
SELECT is(tests.refusal($$INSERT INTO app.assets (organization_id, equipment_id) VALUES (tests.recall('a'), tests.recall('far'))$$),
  '42501 tenant.foreign_row', 'nor writes its assets');

SELECT * FROM finish();
ROLLBACK;
