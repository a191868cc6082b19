-- Revert pulse:platform/branding from pg

BEGIN;

-- CASCADE: repeatables hang off these (app.theme, the triggers); the next
-- `pulse db migrate` re-applies what remains.
DROP TABLE app.tenant_branding CASCADE;
DROP TABLE app.branding_fonts CASCADE;
DROP TYPE app.brand_theme CASCADE;
ALTER TABLE app.organizations DROP COLUMN custom_domain CASCADE;
DELETE FROM app_private.entities WHERE entity_type = 'branding';
DELETE FROM app_private.entity_types WHERE entity_type = 'branding';

COMMIT;
