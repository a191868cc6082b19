-- Revert pulse:workflow/routing_defaults from pg

BEGIN;

-- CASCADE: app.approval_route returns the type.
DROP TYPE app.approval_route_step CASCADE;
DROP TABLE app.approval_fallbacks;
DROP TABLE app_private.default_document_category_settings;
DROP TABLE app_private.default_approval_fallbacks;
DROP TABLE app_private.default_approval_chains;
DROP TABLE app_private.default_approval_policies;

COMMIT;
