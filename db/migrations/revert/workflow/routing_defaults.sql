-- Revert pulse:workflow/routing_defaults from pg

BEGIN;

-- CASCADE: repeatables hang off these (app.approval_route returns the type;
-- the audit view app.activity_log reads the audited table); the next
-- `pulse db migrate` re-applies them.
DROP TYPE app.approval_route_step CASCADE;
DROP TABLE app.approval_fallbacks CASCADE;
DROP TABLE app_private.default_document_category_settings;
DROP TABLE app_private.default_approval_fallbacks;
DROP TABLE app_private.default_approval_chains;
DROP TABLE app_private.default_approval_policies;

COMMIT;
