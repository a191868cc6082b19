-- Demo branding and settings: Acme's theme (colours, fonts, the custom
-- domain acme.pulse.localhost, which app.theme serves anonymously) and
-- Northwind's domain; Acme measures in imperial units and prints its
-- shipping labels as GS1-128 on 4 x 6 inch labels and keeps its inspection
-- measurements 16 years (an aerospace customer's part life plus a year, past
-- the 15-year default); Northwind runs all eight SPC rules, its domain still
-- pending. Idempotent: the branding row exists from provisioning, settings
-- are upserted.

UPDATE app.tenant_branding AS b
   SET display_name = v.display_name, primary_color = v.primary_color, secondary_color = v.secondary_color,
       accent_color = v.accent_color, heading_font = v.heading_font, body_font = v.body_font, custom_domain = v.custom_domain
  FROM (VALUES
    ('acme-manufacturing', 'Acme', '#D7263D', '#2E294E', '#1B998B', 'IBM Plex Sans', 'Inter', 'acme.pulse.localhost'),
    ('northwind-labs', 'Northwind Labs', '#0F62FE', '#393939', '#24A148', 'Source Serif 4', 'Source Sans 3', 'northwind.pulse.localhost')
  ) AS v (slug, display_name, primary_color, secondary_color, accent_color, heading_font, body_font, custom_domain)
  JOIN app.organizations AS o ON o.slug = v.slug
 WHERE b.organization_id = o.id;

-- Acme's domain is verified: the seed records what the domain_verify job
-- reports when a DNS server answers the token at
-- _pulse-verification.acme.pulse.localhost (.localhost has no public DNS).
-- Northwind's stays pending, its token on its branding row.
SELECT app_private.record_domain_check(b.organization_id, b.custom_domain, ARRAY[b.domain_token], NULL)
  FROM app.tenant_branding AS b JOIN app.organizations AS o ON o.id = b.organization_id
 WHERE o.slug = 'acme-manufacturing' AND b.custom_domain = 'acme.pulse.localhost' AND b.domain_status <> 'verified';

INSERT INTO app.tenant_settings (organization_id, setting_key, value)
SELECT o.id, v.setting_key, v.value::jsonb
  FROM (VALUES
    ('acme-manufacturing', 'supplier_on_time_tolerance_days', '2'),
    ('acme-manufacturing', 'shipment_label_format', '{"symbology": "gs1-128", "width_mm": 102, "height_mm": 152}'),
    ('acme-manufacturing', 'measurement_retention_years', '16'),
    ('northwind-labs', 'spc_rules', '[1, 2, 3, 4, 5, 6, 7, 8]')
  ) AS v (slug, setting_key, value)
  JOIN app.organizations AS o ON o.slug = v.slug
ON CONFLICT (organization_id, setting_key) DO UPDATE SET value = excluded.value;
