-- Lineage: aliquots and derivatives take their quantity from the parent
-- (converted to its unit, never below zero), pools take from each parent;
-- sample_lineage walks ancestors and descendants with depth and path, as the
-- caller sees them; edges are append-only and written only by the RPCs.
BEGIN;
SELECT plan(22);

SELECT tests.remember('lab', tests.create_lab_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('other_site', tests.create_site(tests.recall('lab')));
SELECT tests.remember('tech', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('lab_site')));
SELECT tests.remember('tech_elsewhere', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('other_site')));
SELECT tests.remember('reviewer', tests.create_member(tests.recall('lab'), 'lab_reviewer'));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('extract', tests.create_sample_type(tests.recall('lab'), 'extract', 'mL'));
SELECT tests.remember('p', tests.create_sample(tests.recall('lab'), tests.recall('water'), tests.recall('lab_site'), tests.recall('customer'), 100));
SELECT tests.remember('q', tests.create_sample(tests.recall('lab'), tests.recall('water'), tests.recall('lab_site'), tests.recall('customer'), 50));
SELECT tests.remember('registered', tests.create_sample(tests.recall('lab'), tests.recall('water'), tests.recall('lab_site')));
SELECT tests.set_sample_status(tests.recall('lab'), tests.recall('p'), 'received');
SELECT tests.set_sample_status(tests.recall('lab'), tests.recall('q'), 'received');

-- Aliquots: quantities converted to the parent's unit and deducted.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
CREATE TEMP TABLE aliquots AS
SELECT * FROM app.split_sample(tests.recall('p'), 'aliquot', '[{"quantity": 10, "unit": "mL"}, {"quantity": 0.02, "unit": "L"}]');
SELECT is((SELECT array_agg(sample_number || ' ' || status || ' ' || quantity || ' ' || unit ORDER BY sample_number) FROM aliquots),
  ARRAY['S-000004 received 10 mL', 'S-000005 received 0.02 L'], 'aliquots are new received samples with their own human ids');
SELECT is((SELECT remaining_quantity FROM app.samples WHERE id = tests.recall('p')), 70::numeric,
  'the parent''s remaining quantity loses what was taken, converted to its unit');
SELECT is((SELECT array_agg(quantity || ' ' || unit || ' ' || kind ORDER BY quantity) FROM app.sample_lineage_links WHERE parent_id = tests.recall('p')),
  ARRAY['10 mL aliquot', '20 mL aliquot'], 'each edge records the quantity taken in the parent''s unit');
SELECT is((SELECT count(*)::int FROM aliquots WHERE partner_id = tests.recall('customer') AND site_id = tests.recall('lab_site')), 2,
  'children inherit the parent''s customer and site');
SELECT is(tests.refusal(format($$SELECT * FROM app.split_sample(%L, 'aliquot', '[{"quantity": 50}, {"quantity": 30}]')$$, tests.recall('p'))),
  'PT409 sample.insufficient_quantity', 'taking more than remains is refused');
SELECT is((SELECT remaining_quantity FROM app.samples WHERE id = tests.recall('p')), 70::numeric, '... and takes nothing (all or nothing)');
SELECT is(tests.refusal(format($$SELECT * FROM app.split_sample(%L, 'aliquot', '[{"quantity": 1, "unit": "g"}]')$$, tests.recall('p'))),
  'PT422 unit.incompatible', 'a quantity in another dimension is refused');
SELECT is(tests.refusal(format($$SELECT * FROM app.split_sample(%L, 'aliquot', '[{"quantity": 1}]')$$, tests.recall('registered'))),
  'PT409 sample.not_available', 'nothing is taken from a sample not yet received');
SELECT is(tests.refusal(format($$SELECT * FROM app.split_sample(%L, 'aliquot', '[{"quantity": 1, "sample_type_id": %s}]')$$, tests.recall('p'),
                               to_jsonb(tests.recall('extract')))), 'PT422 sample_lineage.kind_invalid', 'an aliquot keeps its parent''s type');

-- A derivative of an aliquot (another type, its own amount), then a pool.
SELECT tests.remember('a1', (SELECT id FROM aliquots WHERE quantity = 10));
CREATE TEMP TABLE derived AS
SELECT * FROM app.split_sample(tests.recall('a1'), 'derivative',
  jsonb_build_array(jsonb_build_object('quantity', 5, 'sample_type_id', tests.recall('extract'), 'child_quantity', 1, 'description', 'Extract')));
SELECT tests.remember('d1', (SELECT id FROM derived));
SELECT is((SELECT sample_type_id = tests.recall('extract') AND quantity = 1 FROM derived), true, 'a derivative has its own type and amount');
SELECT tests.remember('pool', (SELECT id FROM app.pool_samples(
  jsonb_build_array(jsonb_build_object('sample_id', tests.recall('d1'), 'quantity', 0.5),
                    jsonb_build_object('sample_id', tests.recall('q'), 'quantity', 2, 'unit', 'mL')),
  tests.recall('extract'), 'Composite')));
SELECT is((SELECT quantity || ' ' || unit || ' ' || status FROM app.samples WHERE id = tests.recall('pool')), '2.5 mL received',
  'a pool holds the sum taken from its parents');
SELECT is((SELECT array_agg(remaining_quantity ORDER BY remaining_quantity) FROM app.samples WHERE id IN (tests.recall('d1'), tests.recall('q'))),
  ARRAY[0.5, 48]::numeric[], 'each parent of a pool loses what was taken');
SELECT is(tests.refusal(format($$SELECT app.pool_samples(jsonb_build_array(jsonb_build_object('sample_id', %L::uuid, 'quantity', 1),
                                                                           jsonb_build_object('sample_id', %L::uuid, 'quantity', 1)))$$,
                               tests.recall('q'), tests.recall('q'))), 'PT422 sample_lineage.invalid', 'a pool takes each parent once');

-- sample_lineage: the tree both ways, with depth and path.
SELECT is((SELECT array_agg(sample_number || '@' || level ORDER BY level, sample_number)
             FROM app.sample_lineage(tests.recall('pool'), 'ancestors', 10)),
  ARRAY['S-000002@1', 'S-000006@1', 'S-000004@2', 'S-000001@3'], 'ancestors of a pool, generation by generation');
SELECT is((SELECT path FROM app.sample_lineage(tests.recall('pool'), 'ancestors', 10) WHERE level = 3),
  ARRAY[tests.recall('pool'), tests.recall('d1'), tests.recall('a1'), tests.recall('p')], 'the path runs from the start to the ancestor');
SELECT is((SELECT count(*)::int FROM app.sample_lineage(tests.recall('p'), 'descendants', 2)), 3, 'depth limits the walk');
SELECT is((SELECT array_agg(DISTINCT relation) FROM app.sample_lineage(tests.recall('a1'), 'both', 10)), ARRAY['ancestor', 'descendant'],
  'both directions at once');
SELECT is(tests.refusal(format($$SELECT * FROM app.sample_lineage(%L, 'sideways', 3)$$, tests.recall('p'))), 'PT422 sample_lineage.invalid',
  'the direction is checked');

-- As the caller sees it; written only by the RPCs; another tenant.
SELECT tests.act_as(tests.recall('tech_elsewhere'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.sample_lineage(tests.recall('pool'), 'both', 10)), 0, 'a technician of another site sees no lineage of this site');
SELECT is(tests.refusal(format($$SELECT * FROM app.split_sample(%L, 'aliquot', '[{"quantity": 1}]')$$, tests.recall('p'))), 'PT404 sample.not_found',
  'nor splits its samples');
SELECT tests.act_as(tests.recall('reviewer'), tests.recall('lab'));
SELECT is(tests.refusal(format($$INSERT INTO app.sample_lineage_links (parent_id, child_id, kind) VALUES (%L, %L, 'aliquot')$$,
                               tests.recall('pool'), tests.recall('p'))), '42501', 'edges are written only by the RPCs (no cycle can be made)');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is((SELECT count(*)::int FROM app.sample_lineage(tests.recall('pool'), 'both', 10)) + (SELECT count(*)::int FROM app.sample_lineage_links), 0,
  'another tenant sees none of it');

SELECT * FROM finish();
ROLLBACK;
