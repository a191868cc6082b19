-- Lineage bench data (bench/lab_lineage.sh), on the demo data of a
-- throw-away database: Northwind gets :trees drinking-water samples, each
-- the root of a chain of 10 generations (aliquot, then derivatives), so
-- 10 * :trees lineage links (1M by default). Loaded as the owner with the
-- row triggers off (session_replication_role = replica): the bench
-- measures the walk, not the RPCs that build it.
\set ON_ERROR_STOP on
SET session_replication_role = replica;
CREATE TEMP TABLE bench_ctx AS
SELECT o.id AS org, (SELECT t.id FROM app.sample_types t WHERE t.organization_id = o.id AND t.code = 'drinking-water') AS type_id,
       (SELECT s.id FROM app.sites s WHERE s.organization_id = o.id AND s.code = 'LAB-A') AS site_id
  FROM app.organizations o WHERE o.slug = 'northwind-labs';
CREATE TABLE public.bench_lineage_nodes (tree integer NOT NULL, generation integer NOT NULL, id uuid NOT NULL DEFAULT gen_random_uuid(),
                                         PRIMARY KEY (tree, generation));
INSERT INTO public.bench_lineage_nodes (tree, generation) SELECT t, g FROM generate_series(1, :trees) AS t, generate_series(0, 10) AS g;
GRANT SELECT ON public.bench_lineage_nodes TO app_user;
INSERT INTO app.samples (organization_id, id, sample_number, barcode, sample_type_id, status, site_id, quantity, remaining_quantity, unit, received_at)
SELECT c.org, n.id, 'B-' || n.tree || '-' || n.generation, 'B-' || n.tree || '-' || n.generation, c.type_id, 'received', c.site_id,
       1000 - n.generation * 50, 950 - n.generation * 50, 'mL', now()
  FROM public.bench_lineage_nodes n CROSS JOIN bench_ctx c;
INSERT INTO app.sample_lineage_links (organization_id, id, parent_id, child_id, kind, quantity, unit)
SELECT c.org, gen_random_uuid(), p.id, ch.id, CASE WHEN ch.generation = 1 THEN 'aliquot' ELSE 'derivative' END::app.sample_lineage_kind, 50, 'mL'
  FROM public.bench_lineage_nodes p
  JOIN public.bench_lineage_nodes ch ON ch.tree = p.tree AND ch.generation = p.generation + 1
  CROSS JOIN bench_ctx c;
SET session_replication_role = origin;
ANALYZE app.samples;
ANALYZE app.sample_lineage_links;
ANALYZE public.bench_lineage_nodes;
