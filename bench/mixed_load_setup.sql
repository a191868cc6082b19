-- The world of bench/mixed_load.py, in one transaction, as the database owner:
-- mixed_load.tenants new tenants (provisioned with the default workflow by the
-- organizations trigger) and mixed_load.users users spread over them, each an
-- active member with one role, and mixed_load.projects projects per tenant made
-- through the triggers (human ids, first stage, progress seeding). Names carry
-- mixed_load.run, so runs can share a database (the CI test runs on the shared
-- test stack). Only product tables: it runs in the demo-less test template and
-- in the bench's throw-away database alike; the driver mints the users' tokens
-- (auth.token_claims_for, as `pulse jwt mint` does). Every other seed
-- project is moved on to technical review (below).
--
-- Roles, in turn per tenant: sales, management, sales, engineering,
-- management, sales, qa, sales, engineering, management. Returns one row per
-- user: tenant id and slug, user id, email, role.

CREATE TEMPORARY TABLE mixed_load_people ON COMMIT DROP AS
SELECT t.n AS tenant_number, u.n AS user_number,
       (ARRAY['sales', 'management', 'sales', 'engineering', 'management', 'sales', 'qa', 'sales', 'engineering',
              'management'])[(u.n - 1) / current_setting('mixed_load.tenants')::int % 10 + 1] AS role_key,
       format('load-%s-%s@mixed-load.test', current_setting('mixed_load.run'), u.n) AS email
  FROM generate_series(1, current_setting('mixed_load.users')::int) AS u (n)
 CROSS JOIN LATERAL (SELECT (u.n - 1) % current_setting('mixed_load.tenants')::int + 1) AS t (n);

INSERT INTO app.organizations (slug, name)
SELECT format('load-%s-%s', current_setting('mixed_load.run'), n), format('Mixed load %s tenant %s', current_setting('mixed_load.run'), n)
  FROM generate_series(1, current_setting('mixed_load.tenants')::int) AS n;

INSERT INTO app.users (email, display_name)
SELECT email, format('Load user %s (%s)', user_number, role_key) FROM mixed_load_people ORDER BY user_number;

INSERT INTO app.memberships (organization_id, user_id)
SELECT o.id, u.id
  FROM mixed_load_people AS p
  JOIN app.organizations AS o ON o.slug = format('load-%s-%s', current_setting('mixed_load.run'), p.tenant_number)
  JOIN app.users AS u ON u.email = p.email::citext;

INSERT INTO app.role_assignments (organization_id, membership_id, role_id)
SELECT m.organization_id, m.id, r.id
  FROM mixed_load_people AS p
  JOIN app.users AS u ON u.email = p.email::citext
  JOIN app.memberships AS m ON m.user_id = u.id
  JOIN app.roles AS r ON r.organization_id = m.organization_id AND r.key = p.role_key;

INSERT INTO app.projects (organization_id, title, description)
SELECT o.id, format('Load seed project %s', n), 'Made by the mixed load setup.'
  FROM app.organizations AS o
 CROSS JOIN generate_series(1, current_setting('mixed_load.projects')::int) AS n
 WHERE o.slug LIKE format('load-%s-%%', current_setting('mixed_load.run'))
 ORDER BY o.slug, n;

-- Every other seed project moves on to technical review, by management's
-- override (as the tenant's first management member: claims for the
-- transaction, as a request's), so its engineering review, which opens an
-- approval, is there to complete from the first second.
DO $$
DECLARE
  v record;
BEGIN
  FOR v IN
    SELECT DISTINCT ON (o.id) o.id AS organization_id, u.id AS user_id, s.id AS stage_id
      FROM app.organizations AS o
      JOIN mixed_load_people AS p ON o.slug = format('load-%s-%s', current_setting('mixed_load.run'), p.tenant_number)
      JOIN app.users AS u ON u.email = p.email::citext
      JOIN app.workflow_stages AS s ON s.organization_id = o.id AND s.slug = 'technical-review'
     WHERE p.role_key = 'management'
     ORDER BY o.id, p.user_number
  LOOP
    PERFORM set_config('request.jwt.claims',
                       jsonb_build_object('sub', v.user_id, 'role', 'app_user', 'org_id', v.organization_id)::text, true);
    PERFORM app.override_project_stage(x.id, v.stage_id, 'Mixed load setup: straight to technical review')
       FROM (SELECT pr.id, row_number() OVER (ORDER BY pr.project_number) AS n
               FROM app.projects AS pr WHERE pr.organization_id = v.organization_id) AS x
      WHERE x.n % 2 = 0;
  END LOOP;
  PERFORM set_config('request.jwt.claims', '', true);
END
$$;

SELECT o.id AS tenant_id, o.slug AS tenant_slug, u.id AS user_id, p.email, p.role_key
  FROM mixed_load_people AS p
  JOIN app.organizations AS o ON o.slug = format('load-%s-%s', current_setting('mixed_load.run'), p.tenant_number)
  JOIN app.users AS u ON u.email = p.email::citext
 ORDER BY p.user_number;
