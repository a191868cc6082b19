-- Demo data: two tenants (a contract manufacturer and a testing lab), their
-- sites, partners and contacts, a member for every system role in each,
-- and a platform operator. Every demo user's password is pulse-demo-password.
-- Idempotent: natural keys (slug, code, email) decide what already exists.

INSERT INTO app.organizations (slug, name, settings, branding) VALUES
  ('acme-manufacturing', 'Acme Contract Manufacturing',
   '{"timezone": "America/Chicago", "locale": "en-US", "currency": "USD", "week_start": 1}',
   '{"display_name": "Acme", "primary_color": "#D7263D", "accent_color": "#1B998B"}'),
  ('northwind-labs', 'Northwind Testing Lab',
   '{"timezone": "Europe/Berlin", "locale": "de-DE", "currency": "EUR", "week_start": 1, "date_format": "DD.MM.YYYY"}',
   '{"display_name": "Northwind Labs", "primary_color": "#0F62FE", "accent_color": "#24A148"}')
ON CONFLICT (slug) DO UPDATE SET name = excluded.name, settings = excluded.settings, branding = excluded.branding;

INSERT INTO app.sites (organization_id, code, name, timezone, address)
SELECT o.id, s.code, s.name, s.timezone, s.address
  FROM (VALUES
    ('acme-manufacturing', 'PLANT-1', 'Main plant', 'America/Chicago', '1200 Industrial Pkwy, Joliet, IL'),
    ('acme-manufacturing', 'PLANT-2', 'Assembly plant', 'America/Chicago', '88 Assembly Rd, Aurora, IL'),
    ('northwind-labs', 'LAB-A', 'Analytical chemistry lab', 'Europe/Berlin', 'Laborstraße 5, Hamburg'),
    ('northwind-labs', 'LAB-B', 'Microbiology lab', 'Europe/Berlin', 'Laborstraße 7, Hamburg')
  ) AS s (slug, code, name, timezone, address)
  JOIN app.organizations AS o ON o.slug = s.slug
ON CONFLICT (organization_id, code) DO NOTHING;

INSERT INTO app.partners (organization_id, kind, name, code, website)
SELECT o.id, p.kind::app.partner_kind, p.name, p.code, p.website
  FROM (VALUES
    ('acme-manufacturing', 'customer', 'Globex Corporation', 'C-1001', 'https://globex.example'),
    ('acme-manufacturing', 'customer', 'Hooli Devices', 'C-1002', 'https://hooli.example'),
    ('acme-manufacturing', 'supplier', 'Initech Metals', 'S-2001', 'https://initech.example'),
    ('acme-manufacturing', 'customer_and_supplier', 'Umbrella Components', 'CS-3001', NULL),
    ('northwind-labs', 'customer', 'Vandelay Industries', 'K-100', 'https://vandelay.example'),
    ('northwind-labs', 'customer', 'Soylent Foods', 'K-101', NULL),
    ('northwind-labs', 'supplier', 'Stark Reagents', 'L-200', 'https://stark-reagents.example')
  ) AS p (slug, kind, name, code, website)
  JOIN app.organizations AS o ON o.slug = p.slug
ON CONFLICT (organization_id, code) DO NOTHING;

INSERT INTO app.contacts (organization_id, partner_id, contact_type, full_name, job_title, email, phone, is_primary)
SELECT p.organization_id, p.id, c.contact_type::app.contact_type, c.full_name, c.job_title, c.email, c.phone, c.is_primary
  FROM (VALUES
    ('C-1001', 'commercial', 'Hank Scorpio', 'Purchasing director', 'hank@globex.example', '+1 312 555 0101', true),
    ('C-1001', 'quality', 'Lisa Quality', 'Supplier quality engineer', 'lisa@globex.example', '+1 312 555 0102', false),
    ('C-1002', 'commercial', 'Gavin Belson', 'Sourcing lead', 'gavin@hooli.example', '+1 650 555 0199', true),
    ('S-2001', 'commercial', 'Bill Lumbergh', 'Account manager', 'bill@initech.example', '+1 512 555 0110', true),
    ('CS-3001', 'technical', 'Alice Wesker', 'Application engineer', 'alice@umbrella.example', NULL, true),
    ('K-100', 'commercial', 'Art Vandelay', 'Importer/exporter', 'art@vandelay.example', '+1 212 555 0142', true),
    ('K-101', 'quality', 'Sol Green', 'QA manager', 'sol@soylent.example', '+49 40 555 0133', true),
    ('L-200', 'logistics', 'Pepper Potts', 'Order desk', 'orders@stark-reagents.example', '+49 40 555 0177', true)
  ) AS c (partner_code, contact_type, full_name, job_title, email, phone, is_primary)
  JOIN app.partners AS p ON p.code = c.partner_code
 WHERE NOT EXISTS (SELECT FROM app.contacts AS x
                    WHERE x.organization_id = p.organization_id AND x.partner_id = p.id AND x.email = c.email);

-- People: the admin of each tenant, then one member per system role.
INSERT INTO app.users (email, display_name, is_platform_operator) VALUES
  ('operator@pulse.test', 'Olivia Operator', true),
  ('ada@acme.test', 'Ada Lovelace', false),
  ('grace@northwind.test', 'Grace Hopper', false)
ON CONFLICT (email) DO NOTHING;

-- Plant-scoped people at Acme's assembly plant (role key before the dot, plant after it): a technician and an
-- inspector who hold their roles at PLANT-2 only, beside the tenant-wide role users.
INSERT INTO app.users (email, display_name) VALUES
  ('technician.plant2@acme.test', 'Technician at Acme (PLANT-2)'),
  ('inspector.plant2@acme.test', 'Inspector at Acme (PLANT-2)')
ON CONFLICT (email) DO NOTHING;

INSERT INTO app.users (email, display_name)
SELECT r.key || '@' || t.domain, initcap(replace(r.key, '_', ' ')) || ' at ' || t.short_name
  FROM app_private.system_roles AS r
 CROSS JOIN (VALUES ('acme.test', 'Acme'), ('northwind.test', 'Northwind')) AS t (domain, short_name)
ON CONFLICT (email) DO NOTHING;

INSERT INTO app.memberships (organization_id, user_id, partner_id)
SELECT o.id, u.id,
       CASE WHEN u.email LIKE 'customer\_portal@%'
            THEN (SELECT p.id FROM app.partners AS p
                   WHERE p.organization_id = o.id AND p.code IN ('C-1001', 'K-100')) END
  FROM app.users AS u
  JOIN app.organizations AS o
    ON o.slug = CASE split_part(u.email, '@', 2) WHEN 'acme.test' THEN 'acme-manufacturing'
                                                 WHEN 'northwind.test' THEN 'northwind-labs' END
ON CONFLICT (organization_id, user_id) DO NOTHING;

-- Role users hold their role tenant-wide, except the Acme technician, who
-- works at the main plant only, and the two PLANT-2 people (technician.plant2,
-- inspector.plant2), who hold their role at the assembly plant only; Ada and
-- Grace are their tenants' admins.
INSERT INTO app.role_assignments (organization_id, membership_id, role_id, site_id)
SELECT m.organization_id, m.id, r.id,
       CASE WHEN u.email = 'technician@acme.test'
            THEN (SELECT s.id FROM app.sites AS s WHERE s.organization_id = m.organization_id AND s.code = 'PLANT-1')
            WHEN u.email LIKE '%.plant2@acme.test'
            THEN (SELECT s.id FROM app.sites AS s WHERE s.organization_id = m.organization_id AND s.code = 'PLANT-2') END
  FROM app.memberships AS m
  JOIN app.users AS u ON u.id = m.user_id
  JOIN app.roles AS r
    ON r.organization_id = m.organization_id
   AND r.key = CASE WHEN u.email IN ('ada@acme.test', 'grace@northwind.test') THEN 'admin'
                    ELSE split_part(split_part(u.email, '@', 1), '.', 1) END
ON CONFLICT ON CONSTRAINT role_assignments_unique DO NOTHING;

UPDATE app.users AS u
   SET direct_manager_id = (SELECT a.id FROM app.users AS a
                             WHERE a.email = CASE split_part(u.email, '@', 2) WHEN 'acme.test' THEN 'ada@acme.test'
                                                                              ELSE 'grace@northwind.test' END)
 WHERE split_part(u.email, '@', 2) IN ('acme.test', 'northwind.test')
   AND u.email NOT IN ('ada@acme.test', 'grace@northwind.test')
   AND u.direct_manager_id IS NULL;

SELECT app_private.store_password(u.id, 'pulse-demo-password')
  FROM app.users AS u
 WHERE split_part(u.email, '@', 2) IN ('acme.test', 'northwind.test', 'pulse.test')
   AND NOT EXISTS (SELECT FROM app_private.credentials AS c WHERE c.user_id = u.id);
