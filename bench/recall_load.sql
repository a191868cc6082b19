-- Recall bench data (bench/recall.sh), on the demo data of a throw-away
-- database. Acme gets a genealogy of 11 layers: :width lots per layer in
-- layers 0-9 (sheet, blanks, ... sub-assemblies) and :width serials in
-- layer 10 (finished units); every item of layer g+1 consumed the items j,
-- j+1 and j+7 (mod :width) of layer g, so 3 * :width * 10 edges (1M at the
-- default width) and a recall from layer 0 reaches a widening band of a few
-- hundred items, as a coil of steel spreads through a plant. Layers
-- alternate between PLANT-1 and PLANT-2. Northwind and a third tenant get
-- the same shape at :noise_width as noise. Loaded as the owner with the row
-- triggers off (session_replication_role = replica), in one INSERT ...
-- SELECT per table: the bench measures the walk, not the RPCs.
\set ON_ERROR_STOP on
SET session_replication_role = replica;
INSERT INTO app.organizations (id, slug, name) VALUES (public.uuid_generate_v7(), 'recall-noise', 'Recall noise tenant');
INSERT INTO app.sites (organization_id, id, code, name)
SELECT o.id, public.uuid_generate_v7(), s.code, s.code FROM app.organizations o CROSS JOIN (VALUES ('NOISE-1'), ('NOISE-2')) AS s (code)
 WHERE o.slug IN ('recall-noise', 'northwind-labs');
CREATE TABLE public.bench_tenants AS
SELECT o.id AS org, CASE WHEN o.slug = 'acme-manufacturing' THEN :width ELSE :noise_width END AS width,
       (SELECT s.id FROM app.sites s WHERE s.organization_id = o.id ORDER BY s.code LIMIT 1) AS site_a,
       (SELECT s.id FROM app.sites s WHERE s.organization_id = o.id ORDER BY s.code OFFSET 1 LIMIT 1) AS site_b,
       public.uuid_generate_v7() AS part_id
  FROM app.organizations o WHERE o.slug IN ('acme-manufacturing', 'northwind-labs', 'recall-noise');
INSERT INTO app.parts (organization_id, id, part_number, name, unit)
SELECT org, part_id, 'BENCH-1', 'Bench part', 'pcs' FROM public.bench_tenants;
CREATE TABLE public.bench_items (org uuid NOT NULL, layer integer NOT NULL, j integer NOT NULL, id uuid NOT NULL,
                                 PRIMARY KEY (org, layer, j));
INSERT INTO public.bench_items (org, layer, j, id)
SELECT t.org, g, j, public.uuid_generate_v7() FROM public.bench_tenants t, generate_series(0, 10) AS g, generate_series(0, t.width - 1) AS j;
GRANT SELECT ON public.bench_items, public.bench_tenants TO app_user;
INSERT INTO app.lots (organization_id, id, lot_number, part_id, site_id, quantity, remaining_quantity, unit, quality_status, inventory_state)
SELECT i.org, i.id, 'B' || i.layer || '-' || i.j, t.part_id, CASE WHEN i.layer % 2 = 0 THEN t.site_a ELSE t.site_b END,
       100, 70, 'pcs', 'released', 'partly_consumed'
  FROM public.bench_items i JOIN public.bench_tenants t ON t.org = i.org WHERE i.layer < 10;
INSERT INTO app.serials (organization_id, id, serial_number, part_id, site_id)
SELECT i.org, i.id, 'S-' || i.j, t.part_id, t.site_a FROM public.bench_items i JOIN public.bench_tenants t ON t.org = i.org WHERE i.layer = 10;
INSERT INTO app.genealogy_edges (organization_id, id, consumed_lot_id, produced_lot_id, produced_serial_id, quantity, unit, site_id)
SELECT t.org, public.uuid_generate_v7(), c.id, CASE WHEN p.layer < 10 THEN p.id END, CASE WHEN p.layer = 10 THEN p.id END, 10, 'pcs',
       CASE WHEN p.layer = 10 OR p.layer % 2 = 0 THEN t.site_a ELSE t.site_b END
  FROM public.bench_tenants t
  JOIN public.bench_items p ON p.org = t.org AND p.layer > 0
  CROSS JOIN (VALUES (0), (1), (7)) AS o (offset_j)
  JOIN public.bench_items c ON c.org = t.org AND c.layer = p.layer - 1 AND c.j = (p.j + o.offset_j) % t.width;
SET session_replication_role = origin;
ANALYZE app.lots;
ANALYZE app.serials;
ANALYZE app.genealogy_edges;
ANALYZE public.bench_items;
