-- Verify pulse:tenancy on pg

BEGIN;

SELECT id, slug, name, is_active, created_at, updated_at FROM app.organizations WHERE false;
SELECT id, email, display_name, is_platform_operator, created_at, updated_at FROM app.users WHERE false;
SELECT organization_id, id, user_id, is_active, created_at FROM app.memberships WHERE false;

ROLLBACK;
