-- Manufacturing entities in the platform search (app.search): NCRs,
-- complaints, lots, parts and drawings are found by their human id, only in
-- the caller's tenant (tenant B has an NCR and a complaint of the same
-- numbers), and NCRs, complaints and lots only at the plants the caller may
-- read (parts and drawings are tenant-wide master data, read by whom their
-- policies let).
BEGIN;
SELECT plan(5);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.fill_ncr(tests.recall('t'));
SELECT tests.fill_ncr(tests.recall('b'));
INSERT INTO app.drawings (organization_id, drawing_number, title) VALUES (tests.recall('t')::uuid, 'DRW-SRCH-1', 'Quokka housing');
INSERT INTO app.drawings (organization_id, drawing_number, title) VALUES (tests.recall('b')::uuid, 'DRW-SRCH-1', 'Quokka housing');
SELECT tests.remember('plant_p', tests.create_site(tests.recall('t')));

-- What tenant T has of each type, and the query that should find it.
CREATE TEMP TABLE wanted ON COMMIT DROP AS
  SELECT 'ncr'::text AS entity_type, n.id, n.ncr_number AS q, true AS plant_scoped FROM app.ncrs AS n WHERE n.organization_id = tests.recall('t')::uuid
  UNION ALL SELECT 'customer_complaint', c.id, c.complaint_number, true FROM app.customer_complaints AS c WHERE c.organization_id = tests.recall('t')::uuid
  UNION ALL SELECT 'lot', l.id, l.lot_number, true FROM app.lots AS l WHERE l.organization_id = tests.recall('t')::uuid
  UNION ALL SELECT 'part', p.id, p.part_number, false FROM app.parts AS p WHERE p.organization_id = tests.recall('t')::uuid
  UNION ALL SELECT 'drawing', d.id, d.drawing_number, false FROM app.drawings AS d WHERE d.organization_id = tests.recall('t')::uuid;
GRANT SELECT ON wanted TO PUBLIC;
CREATE FUNCTION pg_temp.found() RETURNS TABLE (entity_type text, id uuid, q text)
LANGUAGE sql AS $$
  SELECT w.entity_type, s.entity_id, w.q FROM wanted AS w CROSS JOIN LATERAL app.search(w.q, ARRAY[w.entity_type]) AS s
$$;
GRANT EXECUTE ON FUNCTION pg_temp.found() TO PUBLIC;

SELECT tests.remember('admin', tests.create_member(tests.recall('t'), 'admin'));
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT app.create_role('quality_reader', 'Quality reader', ARRAY['ncr.read', 'complaint.read', 'traceability.read', 'part.read', 'drawing.read']);
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT app.create_role('quality_reader', 'Quality reader', ARRAY['ncr.read', 'complaint.read', 'traceability.read', 'part.read', 'drawing.read']);
SELECT tests.act_as_owner();
SELECT tests.remember('reader', tests.create_member(tests.recall('t'), 'quality_reader'));
SELECT tests.remember('reader_p', tests.create_member(tests.recall('t'), 'quality_reader', tests.recall('plant_p')));
SELECT tests.remember('b_reader', tests.create_member(tests.recall('b'), 'quality_reader'));

SELECT is((SELECT count(DISTINCT entity_type)::int FROM wanted), 5, 'tenant T has a row of each of the five types');
SELECT tests.act_as(tests.recall('reader'), tests.recall('t'));
SELECT set_eq($$SELECT entity_type, id FROM pg_temp.found() AS f WHERE EXISTS (SELECT FROM wanted AS w WHERE w.q = f.q AND w.id = f.id)$$,
  $$SELECT entity_type, id FROM wanted$$, 'a reader finds each NCR, complaint, lot, part and drawing by its human id');
SELECT is_empty($$SELECT f.id FROM pg_temp.found() AS f WHERE f.id NOT IN (SELECT id FROM wanted)$$,
  'and nothing of another tenant with the same numbers');
SELECT tests.act_as(tests.recall('b_reader'), tests.recall('b'));
SELECT is_empty($$SELECT f.id FROM pg_temp.found() AS f WHERE f.id IN (SELECT id FROM wanted)$$,
  'tenant B''s reader finds none of tenant T''s rows');
SELECT tests.act_as(tests.recall('reader_p'), tests.recall('t'));
SELECT is_empty($$SELECT f.entity_type FROM pg_temp.found() AS f WHERE f.id IN (SELECT id FROM wanted WHERE plant_scoped)$$,
  'a reader at another plant finds no NCR, complaint or lot of the plant it may not read');

SELECT * FROM finish();
ROLLBACK;
