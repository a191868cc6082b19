-- bench/theme.sh: Acme's theme has a stored logo (presigned on every call),
-- Northwind's has none. Object storage is configured with made-up
-- credentials: signing needs no store.
INSERT INTO app_private.object_storage (endpoint, region, bucket, access_key_id, secret_access_key)
VALUES ('http://127.0.0.1:9000', 'us-east-1', 'pulse-files', 'AKID', 'secret')
ON CONFLICT DO NOTHING;
INSERT INTO app.attachments (organization_id, entity_type, entity_id, file_name, mime_type, size_bytes, sha256, uploaded_by)
SELECT b.organization_id, 'branding', b.id, 'logo.png', 'image/png', 4, repeat('a', 64),
       (SELECT id FROM app.users WHERE email = 'admin@acme.test')
  FROM app.tenant_branding AS b JOIN app.organizations AS o ON o.id = b.organization_id
 WHERE o.slug = 'acme-manufacturing';
UPDATE app.attachments SET upload_state = 'stored' WHERE entity_type = 'branding';
UPDATE app.tenant_branding AS b SET logo_attachment_id = a.id
  FROM app.attachments AS a WHERE a.organization_id = b.organization_id AND a.entity_type = 'branding' AND a.entity_id = b.id;
SELECT 1 / count(*)::int FROM app.theme('acme.pulse.localhost') WHERE logo_url IS NOT NULL;
