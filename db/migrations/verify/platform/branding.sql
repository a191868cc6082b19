-- Verify pulse:platform/branding on pg

BEGIN;

SELECT family, category, fallback_stack FROM app.branding_fonts WHERE false;
SELECT organization_id, id, display_name, primary_color, secondary_color, accent_color, heading_font, body_font,
       custom_domain, logo_attachment_id, updated_at, updated_by
  FROM app.tenant_branding WHERE false;
SELECT custom_domain FROM app.organizations WHERE false;
SELECT 1 / count(*)::int FROM pg_catalog.pg_indexes WHERE indexname = 'organizations_custom_domain_key';

ROLLBACK;
