-- Revert pulse:platform/feature_flags from pg

BEGIN;

-- CASCADE: repeatables hang off these (the view app.feature_flags, the
-- triggers); the next `pulse db migrate` re-applies what remains.
DROP TABLE app.tenant_feature_flags CASCADE;
DROP TABLE app_private.feature_flag_definitions CASCADE;

COMMIT;
