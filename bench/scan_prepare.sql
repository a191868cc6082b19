-- bench/scan.sh: :lots released lots BENCH-000001... of Acme's bracket at its
-- main plant, and the table the timings go to (written by the API role).
INSERT INTO app.lots (organization_id, id, lot_number, part_id, site_id, quantity, remaining_quantity, unit)
SELECT o.id, public.uuid_generate_v7(), 'BENCH-' || lpad(n::text, 6, '0'), p.id, s.id, 10, 10, p.unit
  FROM app.organizations AS o
  JOIN app.parts AS p ON p.organization_id = o.id AND p.part_number = 'BRK-1100'
  JOIN app.sites AS s ON s.organization_id = o.id AND s.code = 'PLANT-1'
 CROSS JOIN generate_series(1, :lots) AS n
 WHERE o.slug = 'acme-manufacturing';
CREATE UNLOGGED TABLE public.bench_scan_times (ms double precision NOT NULL);
GRANT INSERT ON public.bench_scan_times TO app_user;
