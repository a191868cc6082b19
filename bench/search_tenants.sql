-- The 20 tenants of bench/search.sh, in its throw-away database: the two demo
-- tenants (they have people to act as) and 18 more, each provisioned with the
-- default workflow by the organizations trigger; each tenant's default
-- definition and its first stage, which the bulk load puts projects in.

INSERT INTO app.organizations (slug, name)
SELECT format('bench-search-%s', to_char(n, 'FM00')), format('Bench search tenant %s', n)
  FROM generate_series(3, 20) AS n;

CREATE TABLE app_private.bench_search_tenants (
  rank int PRIMARY KEY,
  organization_id uuid NOT NULL UNIQUE,
  definition_id uuid NOT NULL,
  stage_id uuid NOT NULL
);
INSERT INTO app_private.bench_search_tenants
SELECT row_number() OVER (ORDER BY o.slug LIKE 'bench-%', o.slug), o.id, d.id,
       (SELECT s.id FROM app.workflow_stages AS s WHERE s.organization_id = o.id ORDER BY s.stage_order, s.slug LIMIT 1)
  FROM app.organizations AS o
  JOIN app.workflow_definitions AS d ON d.organization_id = o.id AND d.is_default
 WHERE o.slug IN ('acme-manufacturing', 'northwind-labs') OR o.slug ~ '^bench-search-[0-9]{2}$';
