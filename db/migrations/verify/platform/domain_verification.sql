-- Verify pulse:platform/domain_verification on pg

BEGIN;

SELECT domain_status, domain_token, domain_checked_at, domain_verified_at, domain_check_error FROM app.tenant_branding WHERE false;

ROLLBACK;
