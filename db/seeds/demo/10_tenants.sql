-- Two demo tenants, a member of each and a platform operator.
-- Idempotent: keys are natural (slug, email), so re-running changes nothing.

INSERT INTO app.organizations (slug, name) VALUES
  ('acme-manufacturing', 'Acme Contract Manufacturing'),
  ('northwind-labs', 'Northwind Testing Lab')
ON CONFLICT (slug) DO UPDATE SET name = excluded.name;

INSERT INTO app.users (email, display_name, is_platform_operator) VALUES
  ('operator@pulse.test', 'Olivia Operator', true),
  ('ada@acme.test', 'Ada Admin', false),
  ('grace@northwind.test', 'Grace Hopper', false)
ON CONFLICT (email) DO UPDATE
  SET display_name = excluded.display_name, is_platform_operator = excluded.is_platform_operator;

INSERT INTO app.memberships (organization_id, user_id)
SELECT o.id, u.id
  FROM (VALUES ('acme-manufacturing', 'ada@acme.test'),
               ('northwind-labs', 'grace@northwind.test'),
               ('acme-manufacturing', 'operator@pulse.test'),
               ('northwind-labs', 'operator@pulse.test')) AS m (slug, email)
  JOIN app.organizations AS o ON o.slug = m.slug
  JOIN app.users AS u ON u.email = m.email
ON CONFLICT (organization_id, user_id) DO NOTHING;
