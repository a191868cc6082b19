-- Spatial bench data (bench/assets_nearby.sh), on the demo data of a
-- throw-away database: 20 tenants (Acme and 19 more) with :per_tenant
-- maintenance assets each (1M at the default 50,000), every one a piece of
-- equipment with a point drawn uniformly over the same 110 km x 100 km box
-- around Chicago (so a 1 km circle holds ~15 assets of each tenant, ~300 of
-- all). Acme's alternate between its two plants. Loaded as the owner with the
-- row triggers off (session_replication_role = replica), one INSERT ...
-- SELECT per table: the bench measures the search, not the writes.
\set ON_ERROR_STOP on
SET session_replication_role = replica;
SELECT setseed(0.17);
INSERT INTO app.organizations (id, slug, name)
SELECT public.uuid_generate_v7(), 'assets-noise-' || g, 'Assets noise tenant ' || g FROM generate_series(1, 19) AS g;
CREATE TABLE public.bench_asset_tenants AS
SELECT o.id AS org, public.uuid_generate_v7() AS class_id,
       (SELECT array_agg(s.id ORDER BY s.code) FROM app.sites s WHERE s.organization_id = o.id AND s.code IN ('PLANT-1', 'PLANT-2')) AS sites
  FROM app.organizations o WHERE o.slug = 'acme-manufacturing' OR o.slug LIKE 'assets-noise-%';
INSERT INTO app.equipment_classes (organization_id, id, code, name, kind)
SELECT org, class_id, 'bench-pump', 'Bench pump', 'machine' FROM public.bench_asset_tenants;
INSERT INTO app.equipment (organization_id, id, equipment_number, name, class_id, site_id)
SELECT t.org, public.uuid_generate_v7(), 'BA-' || lpad(g::text, 7, '0'), 'Bench asset ' || g, t.class_id,
       t.sites[1 + g % 2]
  FROM public.bench_asset_tenants t, generate_series(1, :per_tenant) AS g;
INSERT INTO app.assets (organization_id, equipment_id, level, criticality, longitude, latitude)
SELECT e.organization_id, e.id, 'machine', (ARRAY['A', 'B', 'C'])[1 + floor(random() * 3)::integer],
       -88.5 + random() * 1.3, 41.3 + random() * 0.9
  FROM app.equipment e JOIN public.bench_asset_tenants t ON t.org = e.organization_id AND t.class_id = e.class_id;
SET session_replication_role = origin;
ANALYZE app.equipment;
ANALYZE app.assets;
