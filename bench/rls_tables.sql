-- Bench-only objects for bench/rls.sh, created in its throw-away database
-- `pulse_bench` (never in migrations): two tables with the same columns and
-- key, and later the same rows. app.bench_items sits behind RLS for
-- app_user; app.bench_items_open has no RLS and is read by anon.

INSERT INTO app.organizations (slug, name)
SELECT format('bench-%s', to_char(n, 'FM00')), format('Bench tenant %s', n)
  FROM generate_series(1, 18) AS n;

-- The 20 tenants in load order: the two demo tenants first, so the first
-- half (the 1M rows EXPLAIN measures) holds acme-manufacturing.
CREATE TABLE app_private.bench_tenants (
  rank int PRIMARY KEY,
  organization_id uuid NOT NULL
);
INSERT INTO app_private.bench_tenants
SELECT row_number() OVER (ORDER BY slug LIKE 'bench-%', slug), id
  FROM app.organizations
 WHERE slug IN ('acme-manufacturing', 'northwind-labs') OR slug ~ '^bench-[0-9]{2}$';

CREATE TABLE app.bench_items (
  organization_id uuid NOT NULL REFERENCES app.organizations (id),
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  name text,
  quantity int,
  created_at timestamptz DEFAULT now(),
  PRIMARY KEY (organization_id, id)
);

CREATE TABLE app.bench_items_open (
  organization_id uuid NOT NULL REFERENCES app.organizations (id),
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  name text,
  quantity int,
  created_at timestamptz DEFAULT now(),
  PRIMARY KEY (organization_id, id)
);
